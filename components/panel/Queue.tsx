import { useModel } from '@preact/signals';
import { usePanel } from './context';
import { TicketSearch } from './search';
import { SearchResults, TicketList } from './TicketList';
import { SearchBox, ViewBar } from './ui';
import { t } from '@/components/common/i18n';

/** The team's queue: every ticket, searchable and filtered by state, type and assignee. */
export function Queue() {
  const model = usePanel();
  const catalog = model.catalog.value;
  const search = useModel(() => new TicketSearch(model.revision, 50));
  const { text, stateId, typeId, assignee } = search.filters.value;

  const states = new Map<string, string>();
  for (const t of catalog?.types ?? []) for (const s of t.states) states.set(s.id, s.label);

  return (
    <div class="view">
      <ViewBar title={t('allTickets')} />
      <SearchBox label={t('searchTickets')} value={text} onInput={(text) => search.filter({ text })} />
      <div class="filters" role="group" aria-label={t('filters')}>
        <select aria-label={t('filterByState')} value={stateId} onChange={(e) => search.filter({ stateId: e.currentTarget.value })}>
          <option value="">{t('anyState')}</option>
          {[...states].map(([id, label]) => (
            <option key={id} value={id}>
              {label}
            </option>
          ))}
        </select>
        <select aria-label={t('filterByType')} value={typeId} onChange={(e) => search.filter({ typeId: e.currentTarget.value })}>
          <option value="">{t('anyType')}</option>
          {catalog?.types.map((t) => (
            <option key={t.id} value={t.id}>
              {t.name}
            </option>
          ))}
        </select>
        <select aria-label={t('filterByAssignee')} value={assignee} onChange={(e) => search.filter({ assignee: e.currentTarget.value })}>
          <option value="">{t('anyone')}</option>
          <option value="none">{t('unassigned')}</option>
          {catalog?.teammates.map((mate) => (
            <option key={mate.id} value={mate.id}>
              {mate.id === catalog.me.id ? t('xYou', mate.name) : mate.name}
            </option>
          ))}
        </select>
      </div>
      <SearchResults label={t('tickets')} search={search} empty="No tickets match.">
        {(items) => <TicketList items={items} />}
      </SearchResults>
    </div>
  );
}
