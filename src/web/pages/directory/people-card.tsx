/** The project's people: their Commitments level (changed in place, saved per row), removing someone, adding someone from the company directory. */
import { useMemo, useState, type FormEvent } from 'react';
import { api, call, type ApiError, type Schemas } from '../../api/client.ts';
import { Button, Card, EmptyState, ErrorBanner, SelectInput, TextInput } from '../../components/ui.tsx';
import { useLoad } from '../../lib/hooks.ts';
import { ConfirmDialog, toApiError } from '../commitments/form-kit.tsx';
import { PERMISSION_LABELS, PERMISSION_LEVELS, type PermissionLevel } from '../commitments/labels.ts';
import { LEVEL_HELP, type Directory, type Entry } from './directory-model.ts';

export function PeopleCard({
  projectId,
  directory,
  companies,
  pendingLevels,
  setPendingLevels,
  currentUserId,
  invoiceContactWord,
  onChanged,
}: {
  projectId: string;
  directory: Directory;
  companies: Schemas['Company'][];
  pendingLevels: Record<string, PermissionLevel>;
  setPendingLevels: (f: (p: Record<string, PermissionLevel>) => Record<string, PermissionLevel>) => void;
  currentUserId: string;
  invoiceContactWord: string;
  onChanged: (message: string) => Promise<void>;
}) {
  const [search, setSearch] = useState('');
  const [companyFilter, setCompanyFilter] = useState('');
  const [rowErrors, setRowErrors] = useState<Record<string, string>>({});
  const [saving, setSaving] = useState<string | null>(null);
  const [removing, setRemoving] = useState<Entry | null>(null);
  const [removeError, setRemoveError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);

  const people = useMemo(() => {
    const q = search.trim().toLowerCase();
    return directory.users
      .filter((u) => (!companyFilter || u.companyId === companyFilter) && (!q || `${u.name} ${u.email} ${u.companyName}`.toLowerCase().includes(q)))
      .sort((a, b) => a.companyName.localeCompare(b.companyName) || a.name.localeCompare(b.name));
  }, [directory.users, search, companyFilter]);

  const clearPending = (userId: string) =>
    setPendingLevels((p) => {
      const { [userId]: _drop, ...rest } = p;
      return rest;
    });

  const saveLevel = async (u: Entry) => {
    const level = pendingLevels[u.userId];
    if (!level) return;
    setSaving(u.userId);
    setRowErrors((e) => ({ ...e, [u.userId]: '' }));
    try {
      await call(api.PUT('/api/v1/projects/{projectId}/directory/users/{userId}', { params: { path: { projectId, userId: u.userId } }, body: { commitmentsPermission: level } }));
      clearPending(u.userId);
      await onChanged(`${u.name} now has ${PERMISSION_LABELS[level]} on Commitments.`);
    } catch (err) {
      setRowErrors((e) => ({ ...e, [u.userId]: toApiError(err).message }));
    } finally {
      setSaving(null);
    }
  };

  const remove = async () => {
    if (!removing) return;
    setBusy(true);
    setRemoveError(null);
    try {
      await call(api.DELETE('/api/v1/projects/{projectId}/directory/users/{userId}', { params: { path: { projectId, userId: removing.userId } } }));
      const name = removing.name;
      setRemoving(null);
      clearPending(removing.userId);
      await onChanged(`${name} was removed from the project directory.`);
    } catch (err) {
      setRemoveError(toApiError(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Card title={`People (${directory.users.length})`}>
      <AddPerson projectId={projectId} directory={directory} companies={companies} onAdded={onChanged} />
      <details className="dir-help">
        <summary>What do the levels mean?</summary>
        <dl>
          {PERMISSION_LEVELS.map((l) => (
            <div key={l}>
              <dt>{PERMISSION_LABELS[l]}</dt>
              <dd>{LEVEL_HELP[l]}</dd>
            </div>
          ))}
        </dl>
      </details>
      <div className="toolbar">
        <TextInput label="Find a person" type="search" value={search} onChange={(e) => setSearch(e.target.value)} placeholder="Name, email or company" />
        <SelectInput label="Company" value={companyFilter} onChange={(e) => setCompanyFilter(e.target.value)}>
          <option value="">All companies</option>
          {directory.companies.map((c) => (
            <option key={c.id} value={c.id}>
              {c.name}
            </option>
          ))}
        </SelectInput>
      </div>
      {directory.users.length === 0 ? (
        <EmptyState title="Nobody is on this project yet.">Add people from the company directory below.</EmptyState>
      ) : people.length === 0 ? (
        <p className="muted">Nobody matches.</p>
      ) : (
        <div className="table-wrap">
          <table className="table dir-people">
            <caption className="visually-hidden">People on this project and their Commitments level</caption>
            <thead>
              <tr>
                <th scope="col">Person</th>
                <th scope="col">Company</th>
                <th scope="col">Commitments level</th>
                <th scope="col">
                  <span className="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {people.map((u) => {
                const pending = pendingLevels[u.userId];
                const value = pending ?? u.commitmentsPermission;
                const changed = pending !== undefined && pending !== u.commitmentsPermission;
                const err = rowErrors[u.userId];
                const selectId = `level-${u.userId}`;
                return (
                  <tr key={u.userId} className={changed ? 'row-attention' : undefined}>
                    <th scope="row" className="dir-person">
                      <span>{u.name}</span>
                      {!u.isActive ? <span className="badge badge-warning">Inactive</span> : null}
                      {u.userId === currentUserId ? <span className="badge badge-muted">You</span> : null}
                      <span className="dir-email">{u.email}</span>
                    </th>
                    <td>{u.companyName}</td>
                    <td>
                      <label className="visually-hidden" htmlFor={selectId}>
                        Commitments level of {u.name}
                      </label>
                      <select
                        id={selectId}
                        value={value}
                        aria-invalid={err ? true : undefined}
                        aria-describedby={err ? `${selectId}-error` : undefined}
                        onChange={(e) => {
                          const level = e.target.value as PermissionLevel;
                          setRowErrors((x) => ({ ...x, [u.userId]: '' }));
                          if (level === u.commitmentsPermission) clearPending(u.userId);
                          else setPendingLevels((p) => ({ ...p, [u.userId]: level }));
                        }}
                      >
                        {PERMISSION_LEVELS.map((l) => (
                          <option key={l} value={l}>
                            {PERMISSION_LABELS[l]}
                          </option>
                        ))}
                      </select>
                      {err ? (
                        <p className="error-text" id={`${selectId}-error`} role="alert">
                          {err}
                        </p>
                      ) : null}
                    </td>
                    <td className="dir-actions">
                      {changed ? (
                        <>
                          <Button tone="primary" busy={saving === u.userId} disabled={!!saving} onClick={() => void saveLevel(u)} aria-label={`Save ${u.name}'s level`}>
                            Save
                          </Button>
                          <Button onClick={() => clearPending(u.userId)} aria-label={`Undo the change to ${u.name}'s level`}>
                            Undo
                          </Button>
                        </>
                      ) : (
                        <Button
                          tone="link"
                          onClick={() => {
                            setRemoveError(null);
                            setRemoving(u);
                          }}
                          aria-label={`Remove ${u.name} from the project`}
                        >
                          Remove
                        </Button>
                      )}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
      {Object.keys(pendingLevels).length > 0 ? <p className="dir-pending">You have level changes that are not saved yet: use Save on each row.</p> : null}
      <ConfirmDialog
        open={!!removing}
        title={removing ? `Remove ${removing.name} from this project?` : ''}
        confirmLabel="Remove from project"
        busy={busy}
        onConfirm={() => void remove()}
        onClose={() => setRemoving(null)}
      >
        <p>They lose access to this project’s commitments. Their account stays in the company directory.</p>
        <p className="hint">Someone who is an {invoiceContactWord} on a commitment cannot be removed until they are no longer a contact.</p>
        <ErrorBanner error={removeError} />
      </ConfirmDialog>
    </Card>
  );
}

function AddPerson({ projectId, directory, companies, onAdded }: { projectId: string; directory: Directory; companies: Schemas['Company'][]; onAdded: (m: string) => Promise<void> }) {
  const [companyId, setCompanyId] = useState('');
  const [userId, setUserId] = useState('');
  const [level, setLevel] = useState<PermissionLevel>('read_only');
  const [error, setError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);
  const people = useLoad(
    () => (companyId ? call(api.GET('/api/v1/users', { params: { query: { companyId, perPage: 500 } } })) : Promise.resolve(null)),
    [companyId],
  );
  const onProject = new Set(directory.users.map((u) => u.userId));
  const candidates = (people.data?.data ?? []).filter((u) => !onProject.has(u.id)).sort((a, b) => a.name.localeCompare(b.name));
  const sortedCompanies = companies.slice().sort((a, b) => a.name.localeCompare(b.name));

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const person = candidates.find((u) => u.id === userId);
    if (!person) return;
    setBusy(true);
    setError(null);
    try {
      await call(api.PUT('/api/v1/projects/{projectId}/directory/users/{userId}', { params: { path: { projectId, userId } }, body: { commitmentsPermission: level } }));
      setUserId('');
      await onAdded(`${person.name} was added to the project with ${PERMISSION_LABELS[level]} on Commitments.`);
    } catch (err) {
      setError(toApiError(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <form className="dir-add" onSubmit={submit} aria-labelledby="dir-add-person">
      <h3 id="dir-add-person">Add a person from the company directory</h3>
      <ErrorBanner error={error} />
      <div className="dir-add-row">
        <SelectInput
          label="Company"
          value={companyId}
          onChange={(e) => {
            setCompanyId(e.target.value);
            setUserId('');
          }}
        >
          <option value="">Choose a company</option>
          {sortedCompanies.map((c) => (
            <option key={c.id} value={c.id}>
              {c.name}
            </option>
          ))}
        </SelectInput>
        <SelectInput
          label="Person"
          value={userId}
          onChange={(e) => setUserId(e.target.value)}
          disabled={!companyId || !people.data}
          hint={companyId && people.data && candidates.length === 0 ? 'Everyone at this company is already on the project.' : undefined}
        >
          <option value="">{!companyId ? 'Choose a company first' : !people.data ? 'Loading…' : 'Choose a person'}</option>
          {candidates.map((u) => (
            <option key={u.id} value={u.id}>
              {u.name} ({u.email}){u.isActive ? '' : ' — inactive'}
            </option>
          ))}
        </SelectInput>
        <SelectInput label="Commitments level" value={level} onChange={(e) => setLevel(e.target.value as PermissionLevel)}>
          {PERMISSION_LEVELS.map((l) => (
            <option key={l} value={l}>
              {PERMISSION_LABELS[l]}
            </option>
          ))}
        </SelectInput>
        <Button type="submit" tone="primary" busy={busy} disabled={busy || !userId}>
          Add to project
        </Button>
      </div>
      <p className="hint">Their company joins the project directory too, if it is not on it yet.</p>
    </form>
  );
}
