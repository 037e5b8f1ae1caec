/**
 * The words the queue's text search finds a ticket by, and how a search box's text becomes
 * search terms. The store keeps these terms in an index (lib/store/ticket-index.ts), written in
 * the same transaction as the ticket, so a search reads the index instead of every ticket.
 */
import type { Ticket } from './domain';

/** A word longer than this is cut to it: nobody types 40 letters to find a ticket. */
const MAX_WORD = 40;
/** At most this many distinct terms per ticket, so one huge attribute cannot bloat the index. */
const MAX_TERMS = 300;

/**
 * The words of a text as the index keeps them: letters and digits, lower case, accents removed
 * ("Café crème" → cafe, creme), so "cafe" finds "Café".
 */
export function searchWords(text: string): string[] {
  const plain = text.normalize('NFKD').replace(/\p{M}/gu, '').toLowerCase();
  return (plain.match(/[\p{L}\p{N}]+/gu) ?? []).map((w) => w.slice(0, MAX_WORD));
}

/** The filter terms: prefixed with a ':' part that no word can contain, so they never clash. */
export const filterTerm = {
  state: (stateId: string) => `state:${stateId}`,
  type: (typeId: string) => `type:${typeId}`,
  /** null: unassigned. */
  assignee: (assigneeId: string | null) => `assignee:${assigneeId ?? ''}`,
};

/** The ticket number as a term: `#123`. */
export const numberTerm = (n: number) => `#${n}`;

/**
 * Every term a ticket is found by: the words of its title, user, company and attribute values,
 * its `#number`, and its state, type and assignee (the queue's filters are terms too, so a
 * filtered search is an intersection of index lookups).
 */
export function ticketTerms(t: Pick<Ticket, 'number' | 'title' | 'user' | 'company' | 'attributes' | 'stateId' | 'typeId' | 'assigneeId'>): string[] {
  const words = new Set<string>();
  const add = (text: string) => {
    for (const w of searchWords(text)) if (words.size < MAX_TERMS) words.add(w);
  };
  add(t.title);
  add(t.user);
  add(t.company);
  for (const value of Object.values(t.attributes ?? {})) {
    // Yes/no values have no words worth finding a ticket by.
    if (typeof value === 'string' || typeof value === 'number') add(String(value));
  }
  return [...words, numberTerm(t.number), filterTerm.state(t.stateId), filterTerm.type(t.typeId), filterTerm.assignee(t.assigneeId)];
}

/**
 * What a search box's text asks for: every word but the last must be a whole word of the
 * ticket; the last is a prefix while it is being typed ("chec" finds "checkout"). A `#12`
 * word is a ticket-number prefix.
 */
export interface TextQuery {
  words: string[];
  prefix: string | null;
}

export function parseSearchText(text: string): TextQuery {
  const parts = text.trim().split(/\s+/).filter(Boolean);
  const terms: string[] = [];
  for (const part of parts) {
    const number = /^#(\d{1,9})$/.exec(part);
    if (number) terms.push(`#${Number(number[1])}`);
    else terms.push(...searchWords(part));
  }
  const unique = [...new Set(terms)];
  const prefix = unique.pop() ?? null;
  return { words: unique.filter((w) => w !== prefix), prefix };
}
