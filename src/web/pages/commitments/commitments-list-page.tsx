/** The project's commitments: filters, sort, pages, amounts; "New commitment" for invoice administrators. */
import { useEffect, useMemo, useRef, useState } from 'react';
import { api, call, type Schemas } from '../../api/client.ts';
import type { paths } from '../../api/schema.d.ts';
import { Button, EmptyState, ErrorBanner, Loading, Money, PageHeader, SelectInput, StatusBadge, TextInput } from '../../components/ui.tsx';
import { useDocumentTitle, useLoad } from '../../lib/hooks.ts';
import { useProject } from '../../lib/project.tsx';
import { Link, useLocation } from '../../lib/router.tsx';
import { capitalize, COMMITMENT_STATUS_LABELS, COMMITMENT_STATUS_TONES, COMMITMENT_STATUSES, KIND_LABELS, type CommitmentStatus } from './labels.ts';
import { NewCommitmentDialog } from './new-commitment-dialog.tsx';
import './commitments.css';

type Sort = NonNullable<NonNullable<paths['/api/v1/projects/{projectId}/commitments']['get']['parameters']['query']>['sort']>;

const SORTS: { value: Sort; label: string }[] = [
  { value: 'number', label: 'Number (A–Z)' },
  { value: '-number', label: 'Number (Z–A)' },
  { value: 'title', label: 'Title (A–Z)' },
  { value: '-title', label: 'Title (Z–A)' },
  { value: 'status', label: 'Status (A–Z)' },
  { value: '-status', label: 'Status (Z–A)' },
  { value: '-updatedAt', label: 'Recently changed first' },
  { value: 'updatedAt', label: 'Least recently changed first' },
];
const PER_PAGE = [25, 50, 100, 200];

type Filters = { statuses: CommitmentStatus[]; companyId: string; contactId: string; search: string; sort: Sort; page: number; perPage: number };

function readFilters(search: URLSearchParams): Filters {
  const statuses = (search.get('status') ?? '').split(',').filter((s): s is CommitmentStatus => (COMMITMENT_STATUSES as string[]).includes(s));
  const sort = SORTS.find((s) => s.value === search.get('sort'))?.value ?? 'number';
  const perPage = Number(search.get('perPage'));
  return {
    statuses,
    companyId: search.get('company') ?? '',
    contactId: search.get('contact') ?? '',
    search: search.get('q') ?? '',
    sort,
    page: Math.max(1, Number(search.get('page')) || 1),
    perPage: PER_PAGE.includes(perPage) ? perPage : 50,
  };
}

/** Filters live in the address so a reload, a shared link or Back keeps them. */
function writeFilters(f: Filters): void {
  const s = new URLSearchParams();
  if (f.statuses.length) s.set('status', f.statuses.join(','));
  if (f.companyId) s.set('company', f.companyId);
  if (f.contactId) s.set('contact', f.contactId);
  if (f.search) s.set('q', f.search);
  if (f.sort !== 'number') s.set('sort', f.sort);
  if (f.page > 1) s.set('page', String(f.page));
  if (f.perPage !== 50) s.set('perPage', String(f.perPage));
  const qs = s.toString();
  window.history.replaceState(null, '', `${window.location.pathname}${qs ? `?${qs}` : ''}`);
}

export function CommitmentsListPage({ params }: { params: Record<string, string> }) {
  const projectId = params.projectId ?? '';
  const { project, isAdmin, vocabulary } = useProject();
  const noAccess = project.commitmentsPermission === 'none';
  useDocumentTitle(`Commitments · ${project.name}`);
  const { search: initialSearch } = useLocation();
  const [filters, setFilters] = useState<Filters>(() => readFilters(initialSearch));
  const [searchText, setSearchText] = useState(filters.search);
  const [creating, setCreating] = useState(false);

  useEffect(() => writeFilters(filters), [filters]);
  // Typing in search waits for a pause before asking the server.
  useEffect(() => {
    if (searchText === filters.search) return;
    const t = window.setTimeout(() => setFilters((f) => ({ ...f, search: searchText, page: 1 })), 300);
    return () => window.clearTimeout(t);
  }, [searchText, filters.search]);

  const update = (patch: Partial<Filters>) => setFilters((f) => ({ ...f, page: 1, ...patch }));

  const list = useLoad(
    () =>
      call(
        api.GET('/api/v1/projects/{projectId}/commitments', {
          params: {
            path: { projectId },
            query: {
              page: filters.page,
              perPage: filters.perPage,
              sort: filters.sort,
              ...(filters.statuses.length > 0 && { status: filters.statuses.join(',') }),
              ...(filters.companyId && { contractCompanyId: filters.companyId }),
              ...(filters.contactId && { contactUserId: filters.contactId }),
              ...(filters.search.trim() && { search: filters.search.trim() }),
            },
          },
        }),
      ),
    [projectId, filters],
  );
  // Filter choices come from the project directory, which only invoice administrators may read.
  const directory = useLoad(
    () => (isAdmin ? call(api.GET('/api/v1/projects/{projectId}/directory', { params: { path: { projectId } } })) : Promise.resolve(undefined)),
    [projectId, isAdmin],
  );

  const filtered = filters.statuses.length > 0 || !!filters.companyId || !!filters.contactId || !!filters.search;
  const clear = () => {
    setSearchText('');
    update({ statuses: [], companyId: '', contactId: '', search: '' });
  };

  const data = list.data;
  const rows = data?.data ?? [];
  const hasHidden = rows.some((r) => r.revisedContractSumCents === null);
  const lastPage = data ? Math.max(1, Math.ceil(data.total / data.perPage)) : 1;

  return (
    <div className="cm-list">
      <PageHeader
        title="Commitments"
        subtitle={isAdmin ? 'Subcontracts and purchase orders on this project.' : 'The subcontracts and purchase orders you may see on this project.'}
        actions={
          isAdmin ? (
            <Button tone="primary" onClick={() => setCreating(true)}>
              New commitment
            </Button>
          ) : null
        }
      />

      {noAccess ? (
        <EmptyState title="You have no access to this project’s commitments.">
          <p>Your level on the Commitments tool of this project is None. Ask the project’s invoice administrator if you need to see commitments.</p>
        </EmptyState>
      ) : null}
      {noAccess ? null : (
      <form className="toolbar cm-filters" role="search" aria-label="Filter commitments" onSubmit={(e) => e.preventDefault()}>
        <TextInput label="Search" type="search" placeholder="Number or title" value={searchText} onChange={(e) => setSearchText(e.target.value)} />
        <StatusFilter value={filters.statuses} onChange={(statuses) => update({ statuses })} />
        {isAdmin ? (
          <>
            <SelectInput label="Contract company" value={filters.companyId} onChange={(e) => update({ companyId: e.target.value })}>
              <option value="">Any company</option>
              {directory.data?.companies
                .filter((c) => c.kind !== 'general_contractor' && c.kind !== 'owner')
                .map((c) => (
                  <option key={c.id} value={c.id}>
                    {c.name}
                  </option>
                ))}
            </SelectInput>
            <SelectInput label={capitalize(vocabulary.invoiceContact)} value={filters.contactId} onChange={(e) => update({ contactId: e.target.value })}>
              <option value="">Anyone</option>
              <ContactOptions directory={directory.data} />
            </SelectInput>
          </>
        ) : null}
        <SelectInput label="Sort by" value={filters.sort} onChange={(e) => update({ sort: e.target.value as Sort })}>
          {SORTS.map((s) => (
            <option key={s.value} value={s.value}>
              {s.label}
            </option>
          ))}
        </SelectInput>
        {filtered ? (
          <Button tone="link" onClick={clear}>
            Clear filters
          </Button>
        ) : null}
      </form>
      )}

      <ErrorBanner error={list.error} onRetry={() => void list.reload()} />
      {list.loading && !data ? <Loading label="Loading commitments…" /> : null}

      {data && rows.length === 0 && !noAccess ? (
        filtered ? (
          <EmptyState title="No commitments match these filters.">
            <Button onClick={clear}>Clear filters</Button>
          </EmptyState>
        ) : isAdmin ? (
          <EmptyState title="No commitments on this project yet.">
            <p>Create the first subcontract or purchase order to invite its {vocabulary.invoiceContacts} to bill.</p>
            <Button tone="primary" onClick={() => setCreating(true)}>
              New commitment
            </Button>
          </EmptyState>
        ) : (
          <EmptyState title="There are no commitments for you to see on this project.">
            <p>Commitments appear here when an invoice administrator makes you their {vocabulary.invoiceContact} or adds you to them.</p>
          </EmptyState>
        )
      ) : null}

      {data && rows.length > 0 ? (
        <>
          <div className="table-wrap" aria-busy={list.loading || undefined}>
            <table className="table cm-table">
              <caption className="visually-hidden">
                Commitments, {data.total} in all, sorted by {SORTS.find((s) => s.value === filters.sort)?.label}
              </caption>
              <thead>
                <tr>
                  <SortHeader label="Number" field="number" sort={filters.sort} onSort={(sort) => update({ sort })} />
                  <SortHeader label="Title" field="title" sort={filters.sort} onSort={(sort) => update({ sort })} />
                  <SortHeader label="Status" field="status" sort={filters.sort} onSort={(sort) => update({ sort })} />
                  <th scope="col">Contract company</th>
                  <th scope="col" className="num">
                    Original sum
                  </th>
                  <th scope="col" className="num">
                    Approved COs
                  </th>
                  <th scope="col" className="num">
                    Contract sum to date
                  </th>
                </tr>
              </thead>
              <tbody>
                {rows.map((c) => (
                  <Row key={c.id} c={c} projectId={projectId} />
                ))}
              </tbody>
            </table>
          </div>
          {hasHidden ? (
            <p className="hint cm-footnote">
              <span aria-hidden="true">—</span> Amounts of a private commitment show only to the people allowed to see its schedule of values.
            </p>
          ) : null}
          <nav className="cm-pager" aria-label="Pages of commitments">
            <p className="muted" aria-live="polite">
              {(data.page - 1) * data.perPage + 1}–{Math.min(data.total, data.page * data.perPage)} of {data.total}
            </p>
            <Button disabled={filters.page <= 1 || list.loading} onClick={() => setFilters((f) => ({ ...f, page: f.page - 1 }))}>
              Previous page
            </Button>
            <span className="muted">
              Page {data.page} of {lastPage}
            </span>
            <Button disabled={filters.page >= lastPage || list.loading} onClick={() => setFilters((f) => ({ ...f, page: f.page + 1 }))}>
              Next page
            </Button>
            <SelectInput label="Per page" value={String(filters.perPage)} onChange={(e) => update({ perPage: Number(e.target.value) })}>
              {PER_PAGE.map((n) => (
                <option key={n} value={n}>
                  {n}
                </option>
              ))}
            </SelectInput>
          </nav>
        </>
      ) : null}

      {isAdmin ? <NewCommitmentDialog open={creating} projectId={projectId} onClose={() => setCreating(false)} /> : null}
    </div>
  );
}

function Row({ c, projectId }: { c: Schemas['CommitmentSummary']; projectId: string }) {
  const { vocabulary } = useProject();
  return (
    <tr>
      <td>
        <Link to={`/projects/${projectId}/commitments/${c.id}`}>{c.number}</Link>
        <span className="cm-kind">{KIND_LABELS[c.kind]}</span>
      </td>
      <td>
        {c.title || <span className="muted">(no title)</span>}
        {c.isPrivate ? <span className="badge badge-muted cm-private">Private</span> : null}
      </td>
      <td>
        <StatusBadge status={COMMITMENT_STATUS_TONES[c.status]} label={COMMITMENT_STATUS_LABELS[c.status]} />
      </td>
      <td>
        {c.contractCompanyName ?? <span className="muted">Not chosen yet</span>}
        <span className={`cm-kind${c.invoiceContactCount === 0 && c.contractCompanyName ? ' cm-none' : ''}`}>
          {c.invoiceContactCount === 0 ? `No ${vocabulary.invoiceContacts}` : `${c.invoiceContactCount} ${c.invoiceContactCount === 1 ? vocabulary.invoiceContact : vocabulary.invoiceContacts}`}
        </span>
      </td>
      <td className="num">
        <Amount cents={c.originalContractSumCents} />
      </td>
      <td className="num">
        <Amount cents={c.approvedChangeOrdersCents} />
      </td>
      <td className="num">
        <Amount cents={c.revisedContractSumCents} />
      </td>
    </tr>
  );
}

/** An amount, or "—" with words for screen readers when the viewer may not see it. */
export function Amount({ cents }: { cents: number | null }) {
  if (cents === null) {
    return (
      <span className="muted" title="Not visible to you">
        <span aria-hidden="true">—</span>
        <span className="visually-hidden">Not visible to you</span>
      </span>
    );
  }
  return <Money cents={cents} />;
}

function SortHeader({ label, field, sort, onSort }: { label: string; field: 'number' | 'title' | 'status'; sort: Sort; onSort: (s: Sort) => void }) {
  const active = sort === field || sort === `-${field}`;
  const descending = sort === `-${field}`;
  return (
    <th scope="col" aria-sort={active ? (descending ? 'descending' : 'ascending') : undefined}>
      <button type="button" className="cm-sort" onClick={() => onSort(active && !descending ? (`-${field}` as Sort) : field)}>
        {label}
        <span aria-hidden="true" className="cm-sort-arrow">
          {active ? (descending ? '▼' : '▲') : '↕'}
        </span>
        <span className="visually-hidden">{active ? (descending ? ', sorted Z to A; sort A to Z' : ', sorted A to Z; sort Z to A') : ', sort'}</span>
      </button>
    </th>
  );
}

/** A multi-select of statuses as a disclosure of checkboxes: keyboard and screen-reader friendly. */
function StatusFilter({ value, onChange }: { value: CommitmentStatus[]; onChange: (v: CommitmentStatus[]) => void }) {
  const summary = value.length === 0 ? 'Any status' : value.map((s) => COMMITMENT_STATUS_LABELS[s]).join(', ');
  const ref = useRef<HTMLDetailsElement>(null);
  // Closes like a menu: Escape (focus back on the toggle) or a click elsewhere.
  useEffect(() => {
    const onDoc = (e: MouseEvent) => {
      if (ref.current?.open && !ref.current.contains(e.target as Node)) ref.current.open = false;
    };
    document.addEventListener('click', onDoc);
    return () => document.removeEventListener('click', onDoc);
  }, []);
  return (
    <div className="field cm-multiselect">
      <span className="cm-multiselect-label" aria-hidden="true">
        Status
      </span>
      <details
        ref={ref}
        onKeyDown={(e) => {
          if (e.key === 'Escape' && ref.current?.open) {
            e.preventDefault();
            ref.current.open = false;
            ref.current.querySelector('summary')?.focus();
          }
        }}
      >
        <summary>
          <span className="visually-hidden">Status: </span>
          {summary}
        </summary>
        <fieldset>
          <legend className="visually-hidden">Show commitments with these statuses</legend>
          {COMMITMENT_STATUSES.map((s) => (
            <label key={s} className="cm-check">
              <input
                type="checkbox"
                checked={value.includes(s)}
                onChange={(e) => onChange(e.target.checked ? COMMITMENT_STATUSES.filter((x) => x === s || value.includes(x)) : value.filter((x) => x !== s))}
              />
              {COMMITMENT_STATUS_LABELS[s]}
            </label>
          ))}
        </fieldset>
      </details>
    </div>
  );
}

function ContactOptions({ directory }: { directory: Schemas['ProjectDirectory'] | undefined }) {
  const groups = useMemo(() => {
    if (!directory) return [];
    const billing = new Set(directory.companies.filter((c) => c.kind !== 'general_contractor' && c.kind !== 'owner').map((c) => c.id));
    const byCompany = new Map<string, { name: string; people: Schemas['ProjectDirectoryEntry'][] }>();
    for (const u of directory.users) {
      if (!billing.has(u.companyId)) continue;
      const g = byCompany.get(u.companyId) ?? { name: u.companyName, people: [] };
      g.people.push(u);
      byCompany.set(u.companyId, g);
    }
    return [...byCompany.values()].sort((a, b) => a.name.localeCompare(b.name));
  }, [directory]);
  return (
    <>
      {groups.map((g) => (
        <optgroup key={g.name} label={g.name}>
          {g.people
            .slice()
            .sort((a, b) => a.name.localeCompare(b.name))
            .map((p) => (
              <option key={p.userId} value={p.userId}>
                {p.name}
              </option>
            ))}
        </optgroup>
      ))}
    </>
  );
}
