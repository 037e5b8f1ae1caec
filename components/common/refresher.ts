/**
 * Re-reading what a page shows when change events arrive. An outbox run recording outcomes, or
 * a workspace syncing, sends an event every few dozen milliseconds for minutes; a page that
 * re-read a long list after each short pause in them kept the background from the work the
 * events were about (the Deliveries list of 2,300 effects, read and drawn again and again, cut
 * the outbox from 45 to 10 outcomes a second). So a read starts `quietMs` after the first event,
 * never while another runs, and at most once per `minGapMs`; an event during a read makes one
 * more read after it.
 */
export interface Refresher {
  /** Something changed: read again soon. */
  soon(): void;
  /** Stops: no read starts after this. */
  cancel(): void;
}

export function createRefresher(
  read: () => Promise<unknown>,
  { quietMs = 60, minGapMs = 1000, now = () => Date.now() }: { quietMs?: number; minGapMs?: number; now?: () => number } = {},
): Refresher {
  let timer: ReturnType<typeof setTimeout> | undefined;
  let running = false;
  let again = false;
  let cancelled = false;
  let lastStart = -Infinity;

  const start = async () => {
    timer = undefined;
    if (cancelled) return;
    running = true;
    lastStart = now();
    try {
      await read();
    } catch {
      // The read shows its own error; the next event reads again.
    } finally {
      running = false;
      if (again) {
        again = false;
        soon();
      }
    }
  };

  function soon() {
    if (cancelled) return;
    if (running) {
      again = true;
      return;
    }
    if (timer !== undefined) return;
    timer = setTimeout(() => void start(), Math.max(quietMs, lastStart + minGapMs - now()));
  }

  return {
    soon,
    cancel() {
      cancelled = true;
      clearTimeout(timer);
    },
  };
}
