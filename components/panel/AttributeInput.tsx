import type { AttributeDef, AttributeValue } from '@/lib/model/domain';
import { t } from '@/components/common/i18n';

/** Converts a stored value to what a form control shows. */
export function toInputValue(def: AttributeDef, value: AttributeValue | undefined): string {
  if (value === null || value === undefined) return '';
  if (def.type === 'datetime' && typeof value === 'string') {
    const d = new Date(value);
    if (Number.isNaN(d.getTime())) return '';
    const local = new Date(d.getTime() - d.getTimezoneOffset() * 60_000);
    return local.toISOString().slice(0, 16);
  }
  if (def.type === 'boolean') return value ? 'true' : 'false';
  return String(value);
}

/** The control for one custom attribute; its accessible name is the attribute's name. */
export function AttributeInput(props: {
  def: AttributeDef;
  value: string;
  onInput(value: string): void;
  onKeyDown?(e: KeyboardEvent): void;
  autoFocus?: boolean;
  invalid?: boolean;
  describedBy?: string;
}) {
  const { def, value, onInput } = props;
  const common = {
    'aria-label': def.name,
    'aria-required': def.required || undefined,
    'aria-invalid': props.invalid || undefined,
    'aria-describedby': props.describedBy,
    autoFocus: props.autoFocus,
    onKeyDown: props.onKeyDown,
  };
  switch (def.type) {
    case 'textarea':
      return <textarea {...common} rows={3} value={value} onInput={(e) => onInput(e.currentTarget.value)} />;
    case 'list':
      return (
        <select {...common} value={value} onChange={(e) => onInput(e.currentTarget.value)}>
          <option value="">{def.required ? t('choose') : '—'}</option>
          {(def.options ?? []).map((o) => (
            <option key={o} value={o}>
              {o}
            </option>
          ))}
        </select>
      );
    case 'boolean':
      return (
        <select {...common} value={value} onChange={(e) => onInput(e.currentTarget.value)}>
          <option value="">—</option>
          <option value="true">{t('yes')}</option>
          <option value="false">{t('no')}</option>
        </select>
      );
    case 'number':
      return <input {...common} type="number" step="1" inputMode="numeric" value={value} onInput={(e) => onInput(e.currentTarget.value)} />;
    case 'decimal':
      return <input {...common} type="text" inputMode="decimal" value={value} onInput={(e) => onInput(e.currentTarget.value)} />;
    case 'datetime':
      return <input {...common} type="datetime-local" value={value} onInput={(e) => onInput(e.currentTarget.value)} />;
    default:
      return <input {...common} type="text" value={value} onInput={(e) => onInput(e.currentTarget.value)} />;
  }
}
