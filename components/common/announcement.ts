import { signal, type ReadonlySignal } from '@preact/signals';

/**
 * A polite message for screen readers, for a page model to show in its live region. The same
 * words said twice are announced twice: the text is cleared first and set a moment later.
 */
export function createAnnouncement(): { text: ReadonlySignal<string>; announce(message: string): void } {
  const text = signal('');
  return {
    text,
    announce(message: string) {
      text.value = '';
      queueMicrotask(() => (text.value = message));
    },
  };
}
