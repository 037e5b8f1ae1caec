import { useModel } from '@preact/signals';
import { useAction } from '@/components/common/action';
import type { TypeUsage } from '@/lib/model/admin';
import { request } from '@/lib/client';
import type { TicketType } from '@/lib/model/domain';
import { safeColor } from '@/lib/model/limits';
import { useOptions } from './context';
import { ListEditing, ListEditor } from './ListEditor';
import { describeAttribute, TypeEditor } from './TypeEditor';
import { Alert, LockedHint, RemoveDialog, Section, OPTIONS_WRITES } from './ui';
import { label, t, tn } from '@/components/common/i18n';

const NO_USAGE: TypeUsage = { tickets: 0, states: {}, attributes: {} };

/** Ticket types: their category, look, custom attributes and states. */
export function TicketTypes() {
  const model = useOptions();
  const ws = model.workspace.value;
  const unlocked = model.sharedEditable.value;
  const list = useModel(() => new ListEditing(model));
  const archivedRows = useModel(() => new ListEditing());
  const restore = useAction(OPTIONS_WRITES);

  if (!ws) return null;
  const active = ws.types.filter((t) => !t.archived);
  const archived = ws.types.filter((t) => t.archived);
  const usage = (id: string) => ws.usage.types[id] ?? NO_USAGE;
  const editing = list.editing.value;

  return (
    <Section id="types" title={t('ticketTypes')}>
      <p class="muted">{t('aTicketTypeDecidesATicket')}</p>
      {!unlocked && <LockedHint what={t('changeTicketTypes')} />}
      <ListEditor
        list={list}
        items={active}
        keyOf={(t) => t.id}
        nameOf={(t) => t.name}
        locked={!unlocked}
        addAt="start"
        hideButtonsWhileEditing
        class="types"
        rowClass="type-card"
        buttonsClass="actions"
        row={(t) => <TypeSummary type={t} usage={usage(t.id)} />}
        buttons={(type, _, disabled) => (
          <button type="button" class="small" disabled={disabled} onClick={() => list.open(type.id, 'attribute')}>{t('addAttribute')}</button>
        )}
        editor={(t) => (
          <TypeEditor type={t ?? undefined} usage={t ? usage(t.id) : NO_USAGE} startWithAttribute={editing?.mode === 'attribute'} onClose={list.close} />
        )}
        confirmRemove={(t, close) => <RemoveType type={t} usage={usage(t.id)} onClose={close} />}
        add={
          <button type="button" disabled={!unlocked} onClick={() => list.open(null)}>{t('addTicketType')}</button>
        }
      />
      {archived.length > 0 && (
        <>
          <h3>{t('removedTypesStillUsedByTickets')}</h3>
          <p class="muted">{t('theseAreHiddenFromNewTickets')}</p>
          <ListEditor
            list={archivedRows}
            items={archived}
            keyOf={(t) => t.id}
            nameOf={(t) => t.name}
            class="types"
            rowClass="type-card archived"
            buttonsClass="actions"
            row={(t) => <TypeSummary type={t} usage={usage(t.id)} />}
            buttons={(type) => (
              <button
                type="button"
                class="small"
                disabled={!unlocked || !!editing || restore.busy}
                aria-label={t('restoreX', type.name)}
                onClick={() =>
                  void restore.run(`restore ${type.id}`, async (requestId) => {
                    const { archived: _gone, ...rest } = type;
                    await request('admin:saveTicketType', { requestId, type: { ...rest, archived: false } });
                    model.announce(t('restoredX', type.name));
                  })
                }
              >{t('restore')}</button>
            )}
          />
          <Alert message={restore.error} />
        </>
      )}
    </Section>
  );
}

function TypeSummary({ type, usage }: { type: TicketType; usage: TypeUsage }) {
  const attrs = type.attributes.filter((a) => !a.archived);
  const hidden = type.attributes.filter((a) => a.archived);
  return (
    <div class="type-summary">
      <div class="type-head">
        {/* Only ever a #rrggbb colour in a style, whatever the stored record holds. */}
        <span class="type-icon" style={{ background: safeColor(type.color) }} aria-hidden="true">
          {type.icon}
        </span>
        <h3 class="type-name">{type.name}</h3>
        <span class="badge">{label('category', type.category)}</span>
        <span class="muted small">{tn('nTickets', usage.tickets)}</span>
      </div>
      <p class="small">
        <span class="muted">{t('states')}</span>
        {type.states.map((s) => s.label).join(' · ')}
      </p>
      <ul class="attr-list" aria-label={t('customAttributesOfX', type.name)}>
        {attrs.map((a) => (
          <li key={a.id}>{describeAttribute(a)}</li>
        ))}
        {attrs.length === 0 && <li class="muted">{t('noCustomAttributes')}</li>}
        {hidden.map((a) => (
          <li key={a.id} class="muted">
            {t('attributeRemovedKeptOn', a.name, tn('nTickets', usage.attributes[a.id] ?? 0))}
          </li>
        ))}
      </ul>
    </div>
  );
}

function RemoveType({ type, usage, onClose }: { type: TicketType; usage: TypeUsage; onClose(): void }) {
  return (
    <RemoveDialog
      title={t('removeX', type.name)}
      confirmLabel={t('removeTicketType')}
      onClose={onClose}
      remove={async (requestId) => {
        const r = await request('admin:removeTicketType', { requestId, typeId: type.id });
        return r.outcome === 'archived' ? t('typeArchivedX', type.name, tn('nTickets', r.tickets)) : t('removedX', type.name);
      }}
    >
      {usage.tickets ? (
        <p>
          {tn('typeRemoveUsed', usage.tickets)}</p>
      ) : (
        <p>{t('noTicketUsesThisTypeSo')}</p>
      )}
    </RemoveDialog>
  );
}
