/**
 * The rich-text editor (Tiptap). Heavy, so it is imported only when editing starts
 * (see LazyRichTextEditor). Produces the HTML subset that lib/sanitize.ts allows.
 */
import { Editor } from '@tiptap/core';
import StarterKit from '@tiptap/starter-kit';
import { useEffect, useRef, useState } from 'preact/hooks';
import { normalizeHref } from '@/lib/model/rich-text';
import { t } from '@/components/common/i18n';

export interface RichTextEditorProps {
  label: string;
  initialHtml: string;
  onChange?(html: string): void;
  /** Ctrl/Cmd+Enter inside the editor. */
  onSubmit?(html: string): void;
  /** Escape inside the editor. */
  onCancel?(): void;
  autofocus?: boolean;
}

type Command = { label: string; glyph: preact.ComponentChildren; keys: string; active: string; run(e: Editor): void };

/** A numbered-list icon: a digit as visible text would not match the button's name. */
const NUMBERED_LIST_ICON = (
  <svg viewBox="0 0 16 16" width="14" height="14" fill="currentColor" aria-hidden="true">
    <path d="M2 2h1.5v4H2.6V3H2zM1.8 9.2c.3-.5.8-.7 1.3-.7.8 0 1.3.5 1.3 1.1 0 .5-.3.9-.9 1.4l-.5.4h1.4V12H1.7v-.7l1.2-1c.4-.3.5-.5.5-.7s-.1-.3-.4-.3c-.2 0-.4.1-.5.4zM6 3h9v1.5H6zm0 7h9v1.5H6z" />
  </svg>
);

const COMMANDS: Command[] = [
  { label: t('formatBold'), glyph: 'B', keys: 'Control+B', active: 'bold', run: (e) => e.chain().focus().toggleBold().run() },
  { label: t('formatItalic'), glyph: 'I', keys: 'Control+I', active: 'italic', run: (e) => e.chain().focus().toggleItalic().run() },
  { label: t('formatBulletList'), glyph: '•', keys: 'Control+Shift+8', active: 'bulletList', run: (e) => e.chain().focus().toggleBulletList().run() },
  { label: t('formatNumberedList'), glyph: NUMBERED_LIST_ICON, keys: 'Control+Shift+7', active: 'orderedList', run: (e) => e.chain().focus().toggleOrderedList().run() },
  { label: t('formatCodeBlock'), glyph: '</>', keys: 'Control+Alt+C', active: 'codeBlock', run: (e) => e.chain().focus().toggleCodeBlock().run() },
  { label: t('formatQuote'), glyph: '❝', keys: 'Control+Shift+B', active: 'blockquote', run: (e) => e.chain().focus().toggleBlockquote().run() },
];

export default function RichTextEditor(props: RichTextEditorProps) {
  const host = useRef<HTMLDivElement>(null);
  const [editor, setEditor] = useState<Editor | null>(null);
  const [, rerender] = useState(0);
  const [linking, setLinking] = useState(false);
  const [href, setHref] = useState('');
  const [linkError, setLinkError] = useState('');
  const propsRef = useRef(props);
  propsRef.current = props;

  useEffect(() => {
    const ed = new Editor({
      element: host.current!,
      content: props.initialHtml || '',
      extensions: [
        StarterKit.configure({
          heading: { levels: [2, 3] },
          link: { openOnClick: false, autolink: true, protocols: ['mailto'], defaultProtocol: 'https', HTMLAttributes: { rel: 'noopener noreferrer', target: '_blank' } },
        }),
      ],
      editorProps: {
        attributes: { role: 'textbox', 'aria-multiline': 'true', 'aria-label': props.label, class: 'rte-content' },
        handleKeyDown: (_view, event) => {
          if (event.key === 'Enter' && (event.ctrlKey || event.metaKey) && !event.isComposing) {
            propsRef.current.onSubmit?.(ed.getHTML());
            return true;
          }
          if (event.key === 'Escape' && propsRef.current.onCancel) {
            propsRef.current.onCancel();
            return true;
          }
          if (event.key.toLowerCase() === 'k' && (event.ctrlKey || event.metaKey)) {
            setHref(ed.getAttributes('link').href ?? '');
            setLinking(true);
            return true;
          }
          return false;
        },
      },
      autofocus: props.autofocus ? 'end' : false,
      onUpdate: ({ editor: e }) => propsRef.current.onChange?.(e.getHTML()),
      onSelectionUpdate: () => rerender((n) => n + 1),
      onTransaction: () => rerender((n) => n + 1),
    });
    setEditor(ed);
    return () => ed.destroy();
  }, []);

  const applyLink = () => {
    if (!editor) return;
    if (!href.trim()) {
      editor.chain().focus().extendMarkRange('link').unsetLink().run();
      setLinking(false);
      return;
    }
    const safe = normalizeHref(href);
    if (!safe) {
      setLinkError(t('linkSchemes'));
      return;
    }
    setLinkError('');
    const chain = editor.chain().focus().extendMarkRange('link');
    if (editor.state.selection.empty && !editor.isActive('link')) {
      chain.insertContent({ type: 'text', text: href.trim(), marks: [{ type: 'link', attrs: { href: safe } }] }).run();
    } else {
      chain.setLink({ href: safe }).run();
    }
    setLinking(false);
    setHref('');
  };

  return (
    <div class="rte">
      <div role="toolbar" aria-label={t('xFormatting', props.label)} class="rte-toolbar">
        {COMMANDS.map((c) => (
          <button
            key={c.label}
            type="button"
            aria-label={c.label}
            title={`${c.label} (${c.keys.replace('Control', 'Ctrl')})`}
            aria-pressed={editor?.isActive(c.active) ?? false}
            aria-keyshortcuts={c.keys}
            onMouseDown={(e) => e.preventDefault()}
            onClick={() => editor && c.run(editor)}
          >
            <span aria-hidden="true">{c.glyph}</span>
          </button>
        ))}
        <button
          type="button"
          aria-label={t('link')}
          title={t('linkCtrlK')}
          aria-keyshortcuts="Control+K"
          aria-pressed={editor?.isActive('link') ?? false}
          onMouseDown={(e) => e.preventDefault()}
          onClick={() => {
            setHref(editor?.getAttributes('link').href ?? '');
            setLinking(true);
          }}
        >
          <span aria-hidden="true">🔗</span>
        </button>
      </div>
      {linking && (
        <div class="rte-link" role="group" aria-label={t('insertLink')}>
          <input
            type="url"
            aria-label={t('linkAddress')}
            placeholder={t('https')}
            value={href}
            autoFocus
            onInput={(e) => setHref(e.currentTarget.value)}
            onKeyDown={(e) => {
              if (e.key === 'Enter') {
                e.preventDefault();
                applyLink();
              } else if (e.key === 'Escape') {
                e.preventDefault();
                e.stopPropagation();
                setLinking(false);
                editor?.commands.focus();
              }
            }}
          />
          <button type="button" onClick={applyLink}>{t('applyLink')}</button>
          {linkError && (
            <span role="alert" class="field-error">
              {linkError}
            </span>
          )}
        </div>
      )}
      <div ref={host} class="rte-host" />
    </div>
  );
}
