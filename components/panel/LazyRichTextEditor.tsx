import { lazy, Suspense } from 'preact/compat';
import type { RichTextEditorProps } from './RichTextEditor';

// Tiptap and ProseMirror are the heaviest code in the panel: load them when editing starts.
const Editor = lazy(() => import('./RichTextEditor'));

export function LazyRichTextEditor(props: RichTextEditorProps) {
  return (
    <Suspense fallback={<div class="rte-loading muted" aria-busy="true">Loading editor…</div>}>
      <Editor {...props} />
    </Suspense>
  );
}
