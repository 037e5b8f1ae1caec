import { computed, createModel, effect, signal, untracked, useModel, type ReadonlySignal } from '@preact/signals';
import { useLayoutEffect, useRef } from 'preact/hooks';
import { ActionModel } from '@/components/common/action';
import { request } from '@/lib/client';
import { checkTitle, validateAttributes } from '@/lib/model/domain';
import { isBlankRichText } from '@/lib/model/rich-text';
import { AttributeInput } from './AttributeInput';
import { usePanel } from './context';
import { LazyRichTextEditor } from './LazyRichTextEditor';
import type { PanelModel } from './model';
import { PANEL_WRITES, ViewBar } from './ui';
import { t } from '@/components/common/i18n';

interface NewTicketFields {
  title: string;
  typeId: string;
  /** Rich text (HTML). */
  description: string;
  /** '' for unassigned. */
  assigneeId: string;
  user: string;
  company: string;
}

/** The new-ticket form's values and problems; creating it links it to the open conversation. */
const NewTicketForm = createModel((panel: PanelModel) => {
  /** The types a back-office ticket may have (not customer tickets'). */
  const types = computed(() => (panel.catalog.value?.types ?? []).filter((t) => t.category !== 'customer'));
  const fields = signal<NewTicketFields>({ title: '', typeId: '', description: '', assigneeId: '', user: '', company: '' });
  /** Custom attributes' values by attribute id, as their controls hold them. */
  const values = signal<Record<string, string>>({});
  /** Problems by field ('title', 'type' or an attribute id). */
  const errors = signal<Record<string, string>>({});
  const action = new ActionModel(PANEL_WRITES);
  const set = (change: Partial<NewTicketFields>) => (fields.value = { ...fields.value, ...change });

  // A type is chosen as soon as the catalog has one.
  const firstTypeId = computed(() => types.value[0]?.id ?? '');
  effect(() => {
    const first = firstTypeId.value;
    if (first && !untracked(() => fields.value.typeId)) set({ typeId: first });
  });
  // User and Company come from the conversation where the helpdesk told us, also when it answers
  // after the form opened; what the agent typed (or cleared) stays.
  const knownUser = computed(() => panel.conversation.value?.conversation?.customerName ?? '');
  const knownCompany = computed(() => panel.conversation.value?.conversation?.company ?? '');
  effect(() => {
    const user = knownUser.value;
    if (user && !untracked(() => fields.value.user)) set({ user });
  });
  effect(() => {
    const company = knownCompany.value;
    if (company && !untracked(() => fields.value.company)) set({ company });
  });

  return {
    types,
    fields: fields as ReadonlySignal<NewTicketFields>,
    values: values as ReadonlySignal<Record<string, string>>,
    errors: errors as ReadonlySignal<Record<string, string>>,
    busy: action.busy,
    set,
    setValue(attributeId: string, value: string) {
      values.value = { ...values.value, [attributeId]: value };
    },
    /** Checks the form and creates the ticket; the ticket view shows it. */
    submit() {
      const f = fields.value;
      const type = types.value.find((t) => t.id === f.typeId);
      const problems: Record<string, string> = {};
      const titleProblem = checkTitle(f.title);
      if (titleProblem) problems.title = titleProblem;
      if (!type) problems.type = t('chooseATicketType');
      if (type) Object.assign(problems, validateAttributes(type, values.value).errors);
      errors.value = problems;
      if (Object.keys(problems).length) {
        panel.announce(Object.values(problems).join(' '));
        return;
      }
      const conversationKey = panel.conversationKey.value;
      const form = {
        title: f.title,
        typeId: f.typeId,
        description: isBlankRichText(f.description) ? '' : f.description,
        assigneeId: f.assigneeId || null,
        attributes: values.value,
        user: f.user,
        company: f.company,
        conversation: conversationKey ? { key: conversationKey } : null,
      };
      // The same form submitted again after a failure is the same action (one ticket, even if the
      // first attempt was saved); a changed form is a new one.
      void action
        .run(JSON.stringify(form), async (requestId) => {
          const ticket = await request('ui:createTicket', { requestId, ...form });
          panel.clearError();
          panel.announce(t('createdTicketX', `#${ticket.number}`));
          panel.navigate({ name: 'ticket', ticketId: ticket.id });
        })
        .catch((err: Error) => panel.showError(err.message));
    },
  };
});

/** The "New back-office ticket" form: created in Submitted and linked to the open conversation. */
export function NewTicket() {
  const model = usePanel();
  const catalog = model.catalog.value;
  const form = useModel(() => new NewTicketForm(model));
  const types = form.types.value;
  const { title, typeId, assigneeId, user, company } = form.fields.value;
  const values = form.values.value;
  const errors = form.errors.value;
  const busy = form.busy.value;
  const type = types.find((t) => t.id === typeId);
  const titleRef = useRef<HTMLInputElement>(null);
  useLayoutEffect(() => titleRef.current?.focus(), []);

  const submit = (e?: Event) => {
    e?.preventDefault();
    form.submit();
  };

  return (
    <form class="form" onSubmit={submit} aria-label={t('newBackOfficeTicket')} noValidate>
      <ViewBar title={t('newBackOfficeTicket')} />
      <label class="field">
        <span>{t('title')}</span>
        <input
          ref={titleRef}
          type="text"
          aria-label={t('title')}
          required
          aria-invalid={!!errors.title || undefined}
          value={title}
          onInput={(e) => form.set({ title: e.currentTarget.value })}
        />
        {errors.title && <span class="field-error">{errors.title}</span>}
      </label>
      <label class="field">
        <span>{t('ticketType')}</span>
        <select aria-label={t('ticketType')} value={typeId} onChange={(e) => form.set({ typeId: e.currentTarget.value })}>
          {types.map((t) => (
            <option key={t.id} value={t.id}>
              {t.name}
            </option>
          ))}
        </select>
      </label>
      <div class="field">
        <span id="new-description-label">{t('description')}</span>
        <LazyRichTextEditor label={t('description')} initialHtml="" onChange={(description) => form.set({ description })} onSubmit={() => submit()} />
      </div>
      {type?.attributes
        .filter((a) => !a.archived)
        .map((def) => (
          <label class="field" key={def.id}>
            <span>
              {def.name}
              {def.required && <abbr title={t('required')} aria-hidden="true"> *</abbr>}
            </span>
            <AttributeInput
              def={def}
              value={values[def.id] ?? ''}
              invalid={!!errors[def.id]}
              describedBy={errors[def.id] ? `err-${def.id}` : undefined}
              onInput={(v) => form.setValue(def.id, v)}
            />
            {errors[def.id] && (
              <span class="field-error" id={`err-${def.id}`}>
                {errors[def.id]}
              </span>
            )}
          </label>
        ))}
      <div class="field-row">
        <label class="field">
          <span>{t('user')}</span>
          <input type="text" aria-label={t('user')} autoComplete="off" value={user} onInput={(e) => form.set({ user: e.currentTarget.value })} />
        </label>
        <label class="field">
          <span>{t('company')}</span>
          <input type="text" aria-label={t('company')} autoComplete="off" value={company} onInput={(e) => form.set({ company: e.currentTarget.value })} />
        </label>
      </div>
      <label class="field">
        <span>{t('assignee')}</span>
        <select aria-label={t('assignee')} value={assigneeId} onChange={(e) => form.set({ assigneeId: e.currentTarget.value })}>
          <option value="">{t('unassigned')}</option>
          {catalog?.teammates.map((mate) => (
            <option key={mate.id} value={mate.id}>
              {mate.kind === 'team' ? t('teamX', mate.name) : mate.id === catalog.me.id ? t('xYou', mate.name) : mate.name}
            </option>
          ))}
        </select>
      </label>
      <div class="actions">
        <button type="submit" class="primary" disabled={busy}>{t('createTicket')}</button>
        <button type="button" onClick={() => model.navigate({ name: 'conversation' })}>{t('cancel')}</button>
      </div>
    </form>
  );
}
