import { useEffect, useLayoutEffect, useRef, useState } from 'preact/hooks';
import { request } from '@/lib/client';
import { checkTitle, validateAttributes } from '@/lib/model/domain';
import { isBlankRichText } from '@/lib/model/rich-text';
import { AttributeInput } from './AttributeInput';
import { usePanel } from './context';
import { LazyRichTextEditor } from './LazyRichTextEditor';
import { useAction } from '@/components/common/action';
import { PANEL_WRITES } from './ui';

/** The "New back-office ticket" form: created in Submitted and linked to the open conversation. */
export function NewTicket() {
  const model = usePanel();
  const catalog = model.catalog.value;
  const types = (catalog?.types ?? []).filter((t) => t.category !== 'customer');
  const [title, setTitle] = useState('');
  const [typeId, setTypeId] = useState(types[0]?.id ?? '');
  const [description, setDescription] = useState('');
  const [assigneeId, setAssigneeId] = useState('');
  // User and Company come from the conversation where the helpdesk told us; the agent may correct them.
  const known = model.conversation.value?.conversation;
  const [user, setUser] = useState(known?.customerName ?? '');
  const [company, setCompany] = useState(known?.company ?? '');
  // The helpdesk may answer after the form opened: fill what the agent has not typed yet.
  useEffect(() => {
    if (known?.customerName) setUser((u) => u || known.customerName);
    if (known?.company) setCompany((c) => c || known.company);
  }, [known?.customerName, known?.company]);
  const [values, setValues] = useState<Record<string, string>>({});
  const [errors, setErrors] = useState<Record<string, string>>({});
  const { busy, run } = useAction(PANEL_WRITES);
  const titleRef = useRef<HTMLInputElement>(null);
  const type = types.find((t) => t.id === typeId);

  useLayoutEffect(() => titleRef.current?.focus(), []);
  useEffect(() => {
    if (!typeId && types[0]) setTypeId(types[0].id);
  }, [types.length]);

  const submit = (e?: Event) => {
    e?.preventDefault();
    const problems: Record<string, string> = {};
    const titleProblem = checkTitle(title);
    if (titleProblem) problems.title = titleProblem;
    if (!type) problems.type = 'Choose a ticket type.';
    if (type) Object.assign(problems, validateAttributes(type, values).errors);
    setErrors(problems);
    if (Object.keys(problems).length) {
      model.announce(Object.values(problems).join(' '));
      return;
    }
    const form = {
      title,
      typeId,
      description: isBlankRichText(description) ? '' : description,
      assigneeId: assigneeId || null,
      attributes: values,
      user,
      company,
      conversation: model.conversationKey.value ? { key: model.conversationKey.value } : null,
    };
    // The same form submitted again after a failure is the same action (one ticket, even if the
    // first attempt was saved); a changed form is a new one.
    void run(JSON.stringify(form), async (requestId) => {
      const ticket = await request('ui:createTicket', { requestId, ...form });
      model.clearError();
      model.announce(`Created ticket #${ticket.number}.`);
      model.navigate({ name: 'ticket', ticketId: ticket.id });
    }).catch((err: Error) => model.showError(err.message));
  };

  return (
    <form class="form" onSubmit={submit} aria-label="New back-office ticket" noValidate>
      <header class="bar">
        <button type="button" class="ghost" onClick={() => model.navigate({ name: 'conversation' })}>
          <span aria-hidden="true">← </span>
          Back
        </button>
        <h1>New back-office ticket</h1>
      </header>
      <label class="field">
        <span>Title</span>
        <input
          ref={titleRef}
          type="text"
          aria-label="Title"
          required
          aria-invalid={!!errors.title || undefined}
          value={title}
          onInput={(e) => setTitle(e.currentTarget.value)}
        />
        {errors.title && <span class="field-error">{errors.title}</span>}
      </label>
      <label class="field">
        <span>Ticket type</span>
        <select aria-label="Ticket type" value={typeId} onChange={(e) => setTypeId(e.currentTarget.value)}>
          {types.map((t) => (
            <option key={t.id} value={t.id}>
              {t.name}
            </option>
          ))}
        </select>
      </label>
      <div class="field">
        <span id="new-description-label">Description</span>
        <LazyRichTextEditor label="Description" initialHtml="" onChange={setDescription} onSubmit={() => submit()} />
      </div>
      {type?.attributes
        .filter((a) => !a.archived)
        .map((def) => (
          <label class="field" key={def.id}>
            <span>
              {def.name}
              {def.required && <abbr title="required" aria-hidden="true"> *</abbr>}
            </span>
            <AttributeInput
              def={def}
              value={values[def.id] ?? ''}
              invalid={!!errors[def.id]}
              describedBy={errors[def.id] ? `err-${def.id}` : undefined}
              onInput={(v) => setValues({ ...values, [def.id]: v })}
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
          <span>User</span>
          <input type="text" aria-label="User" autoComplete="off" value={user} onInput={(e) => setUser(e.currentTarget.value)} />
        </label>
        <label class="field">
          <span>Company</span>
          <input type="text" aria-label="Company" autoComplete="off" value={company} onInput={(e) => setCompany(e.currentTarget.value)} />
        </label>
      </div>
      <label class="field">
        <span>Assignee</span>
        <select aria-label="Assignee" value={assigneeId} onChange={(e) => setAssigneeId(e.currentTarget.value)}>
          <option value="">Unassigned</option>
          {catalog?.teammates.map((t) => (
            <option key={t.id} value={t.id}>
              {t.kind === 'team' ? `Team: ${t.name}` : t.id === catalog.me.id ? `${t.name} (you)` : t.name}
            </option>
          ))}
        </select>
      </label>
      <div class="actions">
        <button type="submit" class="primary" disabled={busy}>
          Create ticket
        </button>
        <button type="button" onClick={() => model.navigate({ name: 'conversation' })}>
          Cancel
        </button>
      </div>
    </form>
  );
}
