import { useEffect, useLayoutEffect, useRef, useState } from 'preact/hooks';
import type { StateDef } from '@/lib/model/domain';
import { t } from '@/components/common/i18n';

/**
 * The "Ticket state" menu button (WAI-ARIA menu button pattern): Enter, Space or ArrowDown
 * open it on the current state; arrows, Home and End move; Enter or Space choose; Escape
 * closes and returns focus to the button.
 */
export function StateMenu(props: {
  states: StateDef[];
  currentId: string;
  disabled?: boolean;
  onChoose(state: StateDef): void;
  /** The item the agent is on while the menu is open (null once it closes), for the Effects preview. */
  onActive?(state: StateDef | null): void;
}) {
  const [open, setOpen] = useState(false);
  const [active, setActive] = useState(0);
  const button = useRef<HTMLButtonElement>(null);
  const items = useRef<(HTMLLIElement | null)[]>([]);
  const current = props.states.find((s) => s.id === props.currentId);

  // Layout effect: focus must move before the next key press is handled.
  useLayoutEffect(() => {
    if (open) items.current[active]?.focus();
  }, [open, active]);

  useEffect(() => {
    props.onActive?.(open ? (props.states[active] ?? null) : null);
  }, [open, active]);

  useEffect(() => {
    if (!open) return;
    const close = (e: PointerEvent) => {
      if (!(e.target as HTMLElement).closest('.state-menu')) setOpen(false);
    };
    document.addEventListener('pointerdown', close);
    return () => document.removeEventListener('pointerdown', close);
  }, [open]);

  const openAt = (index: number) => {
    setActive(index);
    setOpen(true);
  };
  const currentIndex = Math.max(0, props.states.findIndex((s) => s.id === props.currentId));
  const choose = (state: StateDef) => {
    // The change's request first: moving the focus lays the page out (4-5 ms on a long ticket),
    // which the request need not wait for. A dialog the choice opens takes the focus after this.
    if (state.id !== props.currentId) props.onChoose(state);
    setOpen(false);
    button.current?.focus();
  };

  return (
    <div class="state-menu">
      <button
        ref={button}
        type="button"
        class={`state-button state-${current?.category ?? 'other'}`}
        aria-haspopup="menu"
        aria-expanded={open}
        aria-controls="state-menu-list"
        aria-label={t('ticketStateX', current?.label ?? props.currentId)}
        aria-keyshortcuts="s"
        disabled={props.disabled}
        onClick={() => (open ? setOpen(false) : openAt(currentIndex))}
        onKeyDown={(e) => {
          if (e.key === 'ArrowDown' || e.key === 'Enter' || e.key === ' ') {
            e.preventDefault();
            openAt(currentIndex);
          } else if (e.key === 'ArrowUp') {
            e.preventDefault();
            openAt(props.states.length - 1);
          }
        }}
      >
        {current?.label ?? props.currentId} <span aria-hidden="true">▾</span>
      </button>
      {open && (
        <ul
          role="menu"
          id="state-menu-list"
          aria-label={t('ticketState')}
          class="menu"
          onKeyDown={(e) => {
            const n = props.states.length;
            if (e.key === 'ArrowDown') setActive((active + 1) % n);
            else if (e.key === 'ArrowUp') setActive((active - 1 + n) % n);
            else if (e.key === 'Home') setActive(0);
            else if (e.key === 'End') setActive(n - 1);
            else if (e.key === 'Escape' || e.key === 'Tab') {
              setOpen(false);
              if (e.key === 'Escape') button.current?.focus();
              if (e.key === 'Tab') return;
            } else if (e.key === 'Enter' || e.key === ' ') choose(props.states[active]!);
            else return;
            e.preventDefault();
            e.stopPropagation();
          }}
        >
          {props.states.map((s, i) => (
            <li
              key={s.id}
              ref={(el) => {
                items.current[i] = el;
              }}
              role="menuitemradio"
              aria-checked={s.id === props.currentId}
              tabIndex={i === active ? 0 : -1}
              class={`menu-item state-${s.category}`}
              onClick={() => choose(s)}
              onMouseEnter={() => setActive(i)}
            >
              <span class="check" aria-hidden="true">
                {s.id === props.currentId ? '✓' : ''}
              </span>
              {s.label}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
