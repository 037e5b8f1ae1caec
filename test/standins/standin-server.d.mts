// Type declarations for ./standin-server.mjs (plain ESM JavaScript).

/** One API request as a stand-in saw it. */
export interface StandinRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  headers: Record<string, string | string[] | undefined>;
  /** The JSON body, the raw text when it was not JSON, or null. */
  body: any;
  /** Whether the stand-in accepted its credentials. */
  authorized: boolean;
  /** The status it was answered with (0: no answer). */
  status: number;
  /** The answer was a failure planned with fail(). */
  injected: boolean;
}

/** The next `count` API requests whose path contains `match` get this answer (or none, with `hang`). */
export interface FailPlan {
  count?: number;
  status?: number;
  body?: string;
  contentType?: string;
  headers?: Record<string, string>;
  match?: string;
  hang?: boolean;
}

export interface StandinHandle<S> {
  url: string;
  readonly state: S & { requests: StandinRequest[] };
  reset(): void;
  fail(plan: FailPlan): void;
  close(): Promise<void>;
}

export function serveStandin(spec: unknown): Promise<StandinHandle<any>>;
export function esc(s: string): string;
export function agentPage(title: string, status: string, messages: { author: string; text: string; note: boolean }[]): string;
