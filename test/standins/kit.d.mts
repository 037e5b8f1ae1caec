// Type declarations for ./kit.mjs (plain ESM JavaScript).
export interface LoggedRequest {
  seq: number;
  method: string;
  path: string;
  /** raw query string without '?' */
  query: string;
  headers: Record<string, string | string[] | undefined>;
  /** parsed JSON, the raw text if it was not JSON, null if empty */
  body: unknown;
  /** the credentials were accepted */
  authorized: boolean;
  /** the status answered (0: the connection was dropped) */
  status: number;
  /** the answer was a failure injected with /__standin/fail */
  injected: boolean;
}
export interface StandinControls {
  requests: LoggedRequest[];
  /** failure plans, used up in turn */
  fail: { remaining: number; status: number; match: string | null; retryAfter: number | null; body?: unknown; hang?: boolean }[];
  drop: { remaining: number; match: string | null } | null;
  /** POST /__standin/ratelimit: requests per fixed window, and how many were refused with 429 */
  rateLimit: { max: number; windowMs: number; windowStart: number; used: number; refused: number } | null;
}
export interface StandinHandle<S> {
  /** http://127.0.0.1:<port> */
  url: string;
  port: number;
  /** live in-memory state, inspectable by tests */
  state: S & StandinControls;
  close(): Promise<void>;
}
export function esc(s: unknown): string;
export function agentPage(p: { title: string; status: string; messages: { text: string; note: boolean; author: string }[] }): string;
export function nowS(): number;
export function serveStandin(def: unknown): Promise<{ url: string; port: number; close(): Promise<void> }>;
/** A request's body text. */
export function readBody(req: import('node:http').IncomingMessage): Promise<string>;
/** Parsed JSON, the raw text when not JSON (`invalidJson`), null when empty; with `form`, a form-encoded body as an object. */
export function parseBody(raw: string, opts?: { contentType?: string; form?: boolean }): { body: any; invalidJson: boolean };
/** The failure plan a request to `path` meets (the first with requests left, `key` counting them, whose `match` fits), used up by one. */
export function takeFailPlan<P extends { match?: string | null }>(plans: P[], path: string, key?: string): P | null;
/** Answers held back on purpose (a plan's `hang`), dropped on release. */
export function heldAnswers(): { hold(res: import('node:http').ServerResponse): void; release(): void };
/** Answers a /__standin/<name> control from `controls` keyed `METHOD name`. */
export function answerControl(res: import('node:http').ServerResponse, method: string, path: string, body: unknown, controls: Record<string, (body: any) => unknown>): void;
