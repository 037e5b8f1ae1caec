import { useModel } from '@preact/signals';
import { usePanel } from './context';
import { TicketSearch } from './search';
import { SearchResults, TicketList } from './TicketList';
import { SearchBox, ViewBar } from './ui';

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
      <ViewBar title="All tickets" />
      <SearchBox label="Search tickets" value={text} onInput={(text) => search.filter({ text })} />
      <div class="filters" role="group" aria-label="Filters">
        <select aria-label="Filter by state" value={stateId} onChange={(e) => search.filter({ stateId: e.currentTarget.value })}>
          <option value="">Any state</option>
          {[...states].map(([id, label]) => (
            <option key={id} value={id}>
              {label}
            </option>
          ))}
        </select>
        <select aria-label="Filter by type" value={typeId} onChange={(e) => search.filter({ typeId: e.currentTarget.value })}>
          <option value="">Any type</option>
          {catalog?.types.map((t) => (
            <option key={t.id} value={t.id}>
              {t.name}
            </option>
          ))}
        </select>
        <select aria-label="Filter by assignee" value={assignee} onChange={(e) => search.filter({ assignee: e.currentTarget.value })}>
          <option value="">Anyone</option>
          <option value="none">Unassigned</option>
          {catalog?.teammates.map((t) => (
            <option key={t.id} value={t.id}>
              {t.id === catalog.me.id ? `${t.name} (you)` : t.name}
            </option>
          ))}
        </select>
      </div>
      <SearchResults label="Tickets" search={search} empty="No tickets match.">
        {(items) => <TicketList items={items} />}
      </SearchResults>
    </div>
  );
}
