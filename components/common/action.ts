/**
 * How both pages run a user action's write: with its request id, one at a time. The panel and
 * the options page differ only in what they pass as options (a check before writing, and where
 * a failure goes), so that the request-id and busy rules cannot drift apart.
 */
import { createModel, signal, useModel, type ReadonlySignal } from '@preact/signals';
import { createActionIds } from '@/lib/client';

export interface ActionOptions {
  /**
   * Asked after the busy check and before `fn` runs; false skips the action (it resolves to
   * undefined, nothing is written, the request id is kept for the same action again). The panel
   * refuses writes while the page covers or hides it.
   */
  guard?: () => Promise<boolean>;
  /**
   * Where a failure goes: 'capture' puts its message in `error` (cleared when the next action
   * starts) and resolves to undefined; 'throw' rejects, for the caller to show.
   */
  errors: 'capture' | 'throw';
}

/** What a write gets: the request id it must send. */
export type ActionFn<T> = (requestId: string) => Promise<T>;

export interface ActionRunner {
  /** True while an action runs; another `run` meanwhile does nothing (double submission). */
  busy: ReadonlySignal<boolean>;
  /** The last failure's message, with `errors: 'capture'`; '' otherwise. */
  error: ReadonlySignal<string>;
  /** Shows a problem found before running anything (a form check), in the same place. */
  setError(message: string): void;
  /**
   * `run(key, fn)`: `key` says what the action is (what the person typed and chose). When the
   * action failed (`fn` threw; the input stays on screen) and the same action is done again, it
   * gets the same request id, so if the first attempt was saved after all (the background
   * stopped before it answered), the store applies it once. A success, or another key, means a
   * new id. `run(fn)`: an action that is never "the same again"; a new id each time. Within one
   * attempt, `request()` resends with the same id when the background does not answer.
   */
  run<T>(fn: ActionFn<T>): Promise<T | undefined>;
  run<T>(key: string, fn: ActionFn<T>): Promise<T | undefined>;
}

/** One place's action runner (a form, the note composer, a list's buttons); see ActionRunner. */
export const ActionModel = createModel((options: ActionOptions) => {
  const busy = signal(false);
  const error = signal('');
  const ids = createActionIds();

  async function run<T>(keyOrFn: string | ActionFn<T>, action?: ActionFn<T>): Promise<T | undefined> {
    const [key, fn] = typeof keyOrFn === 'string' ? [keyOrFn, action!] : [undefined, keyOrFn];
    // A signal is current at once (unlike component state): a second click in the same frame sees it.
    if (busy.value) return undefined;
    busy.value = true;
    if (options.errors === 'capture') error.value = '';
    const requestId = ids.begin(key);
    try {
      if (options.guard && !(await options.guard())) return undefined;
      const result = await fn(requestId);
      ids.succeeded(requestId);
      return result;
    } catch (e) {
      if (options.errors === 'throw') throw e;
      error.value = (e as Error).message;
      return undefined;
    } finally {
      busy.value = false;
    }
  }

  return {
    busy: busy as ReadonlySignal<boolean>,
    error: error as ReadonlySignal<string>,
    setError(message: string) {
      error.value = message;
    },
    run: run as ActionRunner['run'],
  };
});

/** What a component reads of its action runner while it renders (rendering subscribes to it). */
export interface ActionState extends Pick<ActionRunner, 'setError' | 'run'> {
  busy: boolean;
  error: string;
}

/** A component's own action runner, made once and kept while it is mounted; see ActionRunner. */
export function useAction(options: ActionOptions): ActionState {
  const action = useModel(() => new ActionModel(options));
  return { busy: action.busy.value, error: action.error.value, setError: action.setError, run: action.run };
}
