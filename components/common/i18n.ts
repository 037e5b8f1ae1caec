/**
 * The pages' words: every user-visible string comes from the extension's message catalogue
 * (public/_locales/<lang>/messages.json) through browser.i18n, in the browser's language
 * (English and German today, English where a language has no catalogue). Numbers and dates go
 * through Intl in the same language. test/unit/i18n.test.ts fails on a string shown to users in a
 * converted component that does not come from here, and on a key missing in either catalogue.
 */
import { browser } from 'wxt/browser';
import type en from '@/public/_locales/en/messages.json';

/** A message name of the English catalogue (the reference: German has the same names). */
export type MessageKey = keyof typeof en;
type Catalogue = Record<string, { message: string }>;

let fallback: Catalogue | null = null;

/** Outside a browser (unit tests), t() reads this catalogue instead of browser.i18n. */
export function setFallbackCatalogue(catalogue: Catalogue | null): void {
  fallback = catalogue;
}

function i18n(): typeof browser.i18n | undefined {
  return (browser as typeof browser | undefined)?.i18n;
}

let language: string | undefined;

/**
 * The browser's UI language (BCP 47), as the catalogue chosen for it; 'en' outside a browser.
 * Read once: it cannot change while a page lives, and every message with a number asks for it.
 */
export function uiLanguage(): string {
  if (language !== undefined) return language;
  try {
    const api = i18n();
    // Outside a browser (unit tests) nothing is kept, so a test may still install an API.
    if (!api) return 'en';
    return (language = api.getUILanguage() || 'en');
  } catch {
    return 'en';
  }
}

/**
 * Intl formatters made once per set of options: making one costs far more than formatting
 * with it (a DateTimeFormat tens of microseconds), and a redraw formats every date it shows.
 */
const formatters = new Map<string, Intl.NumberFormat | Intl.DateTimeFormat | Intl.PluralRules>();
function formatter<T extends Intl.NumberFormat | Intl.DateTimeFormat | Intl.PluralRules>(kind: string, options: object | undefined, make: (lang: string) => T): T {
  const key = `${kind} ${JSON.stringify(options ?? null)}`;
  let made = formatters.get(key) as T | undefined;
  if (!made) formatters.set(key, (made = make(uiLanguage())));
  return made;
}

/** A number in the browser's language (1,234 / 1.234). */
export function formatNumber(n: number, options?: Intl.NumberFormatOptions): string {
  return formatter('number', options, (lang) => new Intl.NumberFormat(lang, options)).format(n);
}

/** A date and time in the browser's language. */
export function formatDateTime(date: Date | number, options: Intl.DateTimeFormatOptions = { dateStyle: 'medium', timeStyle: 'short' }): string {
  return formatter('date', options, (lang) => new Intl.DateTimeFormat(lang, options)).format(date);
}

/**
 * The message `key`, with `$1`…`$9` replaced by `subs` (numbers formatted for the language).
 * A key the catalogue lacks shows as itself, which the catalogue test prevents.
 */
export function t(key: MessageKey, ...subs: (string | number)[]): string {
  const words = subs.map((s) => (typeof s === 'number' ? formatNumber(s) : s));
  const api = i18n();
  if (api?.getMessage) {
    const message = (api.getMessage as (name: string, substitutions?: string[]) => string)(key, words);
    if (message) return message;
  }
  const raw = fallback?.[key]?.message;
  if (raw === undefined) return key;
  return raw.replace(/\$(\d)/g, (_, i: string) => words[Number(i) - 1] ?? '').replace(/\$\$/g, '$');
}

/**
 * The name of one value of a set the model defines (a ticket kind, a status…): the message
 * `<group>_<id>`. The catalogue test checks that every value of each set has one.
 */
export function label(group: LabelGroup, id: string): string {
  return t(`${group}_${id}` as MessageKey);
}

/** The sets whose values are named through label(). */
export type LabelGroup = 'kind' | 'status' | 'sharing' | 'attrType' | 'category' | 'stateCategory' | 'effect' | 'msgKind' | 'setting';

/** For a count: the message `<key>_one` or `<key>_other`, as the language's plural rules choose. */
export function tn(key: string, n: number, ...more: (string | number)[]): string {
  const form = formatter('plural', undefined, (lang) => new Intl.PluralRules(lang)).select(n) === 'one' ? 'one' : 'other';
  return t(`${key}_${form}` as MessageKey, n, ...more);
}
