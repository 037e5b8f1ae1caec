/** Error codes every context understands; messages are written for the agent to read. */
export type ErrorCode =
  | 'invalid'
  | 'not_found'
  | 'stale'
  | 'forbidden'
  | 'locked'
  | 'conflict'
  | 'unauthorized'
  | 'rate_limited'
  | 'unreachable'
  | 'timeout'
  | 'helpdesk'
  /** This browser's Backline data was written by a newer Backline (details: found, supported). */
  | 'newer_data'
  /** The browser would not open Backline's database (blocked by an older copy, storage refused). */
  | 'storage'
  | 'internal';

export class BacklineError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
    this.name = 'BacklineError';
  }
}

export function isBacklineError(e: unknown): e is BacklineError {
  return e instanceof BacklineError;
}

/** Serializable form sent over the message protocol. */
export interface WireError {
  code: ErrorCode;
  message: string;
  details?: Record<string, unknown>;
}

export function toWireError(e: unknown): WireError {
  if (isBacklineError(e)) return { code: e.code, message: e.message, details: e.details };
  const message = e instanceof Error ? e.message : String(e);
  return { code: 'internal', message: `Something went wrong inside Backline: ${message}` };
}
