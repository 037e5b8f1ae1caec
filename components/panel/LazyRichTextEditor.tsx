import { lazy, Suspense } from 'preact/compat';
import type { RichTextEditorProps } from './RichTextEditor';
import { t } from '@/components/common/i18n';

// Tiptap and ProseMirror are the heaviest code in the panel: load them when editing starts.
const Editor = lazy(() => import('./RichTextEditor'));

export function LazyRichTextEditor(props: RichTextEditorProps) {
  return (
    <Suspense fallback={<div class="rte-loading muted" aria-busy="true">{t('loadingEditor')}</div>}>
      <Editor {...props} />
    </Suspense>
  );
}
