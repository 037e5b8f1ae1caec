/**
 * Work that follows a stream of changes (a page re-reading what it shows after change events,
 * the workspace copying queued records out after writes). An outbox run recording outcomes sends
 * an event every few dozen milliseconds for minutes; a page that re-read a long list after each
 * short pause in them kept the background from the work the events were about (the Deliveries
 * list of 2,300 effects, read and drawn again and again, cut the outbox from 45 to 10 outcomes a
 * second). So a run starts `quietMs` after the first call, never while another runs, and at most
 * once per `minGapMs`; a call during a run makes one more run after it.
 */
export interface ThrottledRun {
  /** Something changed: run soon. */
  soon(): void;
  /** Stops: no run starts after this. */
  cancel(): void;
}

/** `run`, throttled as above (a failed run is the caller's to report; the next call runs again). */
export function throttledRun(
  read: () => Promise<unknown>,
  { quietMs = 60, minGapMs = 1000, now = () => Date.now() }: { quietMs?: number; minGapMs?: number; now?: () => number } = {},
): ThrottledRun {
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
      // The run reports its own failure; the next call runs again.
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
