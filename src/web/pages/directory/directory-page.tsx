/**
 * The project directory: the companies on the project and its people with their Commitments
 * permission level. Company admins can also add new companies and people to the company directory.
 */
import { useId, useMemo, useRef, useState, type FormEvent } from 'react';
import { api, call, type ApiError, type Schemas } from '../../api/client.ts';
import { Button, Card, Checkbox, Dialog, EmptyState, ErrorBanner, Loading, Notice, PageHeader, SelectInput, TextInput } from '../../components/ui.tsx';
import { useDocumentTitle, useLoad, useUnsavedChangesGuard } from '../../lib/hooks.ts';
import { useProject } from '../../lib/project.tsx';
import { useUser } from '../../lib/session.tsx';
import { ConfirmDialog, toApiError, useFlash, useFocusFirstError } from '../commitments/form-kit.tsx';
import { COMPANY_KIND_LABELS, PERMISSION_LABELS, PERMISSION_LEVELS, type CompanyKind, type PermissionLevel } from '../commitments/labels.ts';
import './directory.css';

type Directory = Schemas['ProjectDirectory'];
type Entry = Schemas['ProjectDirectoryEntry'];

const LEVEL_HELP: Record<PermissionLevel, string> = {
  none: 'Sees the project, but no commitments.',
  read_only: 'Sees non-private commitments and the private ones they are on the list of. Invoice contacts need at least this.',
  standard: 'Like Read Only in payapp. Not recommended for invoice contacts.',
  admin: 'Invoice administrator: sees and changes every commitment, invites to bill, reviews invoices.',
};

export function DirectoryPage({ params }: { params: Record<string, string> }) {
  const projectId = params.projectId ?? '';
  const { project, vocabulary } = useProject();
  const user = useUser();
  useDocumentTitle(`Directory · ${project.name}`);
  const directory = useLoad(() => call(api.GET('/api/v1/projects/{projectId}/directory', { params: { path: { projectId } } })), [projectId]);
  // The company directory: where companies and people are added from.
  const allCompanies = useLoad(() => call(api.GET('/api/v1/companies', { params: { query: { perPage: 500 } } })), []);
  const [flash, setFlash] = useFlash();
  const [pendingLevels, setPendingLevels] = useState<Record<string, PermissionLevel>>({});
  const [dialog, setDialog] = useState<'company' | 'person' | null>(null);
  useUnsavedChangesGuard(Object.keys(pendingLevels).length > 0);

  const d = directory.data;
  const done = async (message: string) => {
    await directory.reload();
    setFlash(message);
  };

  return (
    <div className="dir-page">
      <PageHeader
        title="Project directory"
        subtitle="The companies on this project, and each person’s level on the Commitments tool."
        actions={
          user.isCompanyAdmin ? (
            <>
              <Button onClick={() => setDialog('company')}>New company</Button>
              <Button onClick={() => setDialog('person')}>New person</Button>
            </>
          ) : null
        }
      />
      {flash ? <Notice tone="success">{flash}</Notice> : null}
      <ErrorBanner error={directory.error} onRetry={() => void directory.reload()} />
      {!d && !directory.error ? <Loading label="Loading the directory…" /> : null}
      {d ? (
        <div className="dir-layout">
          <PeopleCard
            projectId={projectId}
            directory={d}
            companies={allCompanies.data?.data ?? []}
            pendingLevels={pendingLevels}
            setPendingLevels={setPendingLevels}
            currentUserId={user.id}
            invoiceContactWord={vocabulary.invoiceContact}
            onChanged={done}
          />
          <CompaniesCard projectId={projectId} directory={d} allCompanies={allCompanies.data?.data} allCompaniesError={allCompanies.error} onChanged={done} />
        </div>
      ) : null}
      {user.isCompanyAdmin ? (
        <>
          <NewCompanyDialog
            open={dialog === 'company'}
            projectId={projectId}
            onClose={() => setDialog(null)}
            onCreated={async (message) => {
              setDialog(null);
              await allCompanies.reload();
              await done(message);
            }}
          />
          <NewPersonDialog
            open={dialog === 'person'}
            projectId={projectId}
            companies={allCompanies.data?.data ?? []}
            onClose={() => setDialog(null)}
            onCreated={async (message) => {
              setDialog(null);
              await done(message);
            }}
          />
        </>
      ) : null}
    </div>
  );
}

// ---------------------------------------------------------------------------------------------

function PeopleCard({
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

// ---------------------------------------------------------------------------------------------

function CompaniesCard({
  projectId,
  directory,
  allCompanies,
  allCompaniesError,
  onChanged,
}: {
  projectId: string;
  directory: Directory;
  allCompanies: Schemas['Company'][] | undefined;
  allCompaniesError: ApiError | undefined;
  onChanged: (message: string) => Promise<void>;
}) {
  const [choice, setChoice] = useState('');
  const [adding, setAdding] = useState(false);
  const [addError, setAddError] = useState<ApiError | null>(null);
  const [removing, setRemoving] = useState<Directory['companies'][number] | null>(null);
  const [removeError, setRemoveError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);
  const counts = useMemo(() => {
    const m = new Map<string, number>();
    for (const u of directory.users) m.set(u.companyId, (m.get(u.companyId) ?? 0) + 1);
    return m;
  }, [directory.users]);
  const onProject = new Set(directory.companies.map((c) => c.id));
  const addable = (allCompanies ?? []).filter((c) => !onProject.has(c.id)).sort((a, b) => a.name.localeCompare(b.name));
  const companies = directory.companies.slice().sort((a, b) => a.name.localeCompare(b.name));

  const add = async (e: FormEvent) => {
    e.preventDefault();
    const company = addable.find((c) => c.id === choice);
    if (!company) return;
    setAdding(true);
    setAddError(null);
    try {
      await call(api.PUT('/api/v1/projects/{projectId}/directory/companies/{companyId}', { params: { path: { projectId, companyId: company.id } } }));
      setChoice('');
      await onChanged(`${company.name} was added to the project directory.`);
    } catch (err) {
      setAddError(toApiError(err));
    } finally {
      setAdding(false);
    }
  };

  const remove = async () => {
    if (!removing) return;
    setBusy(true);
    setRemoveError(null);
    try {
      await call(api.DELETE('/api/v1/projects/{projectId}/directory/companies/{companyId}', { params: { path: { projectId, companyId: removing.id } } }));
      const name = removing.name;
      setRemoving(null);
      await onChanged(`${name} was removed from the project directory.`);
    } catch (err) {
      setRemoveError(toApiError(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Card title={`Companies (${directory.companies.length})`}>
      <form className="dir-add" onSubmit={add}>
        <ErrorBanner error={addError ?? allCompaniesError} />
        <div className="dir-add-row">
          <SelectInput label="Add a company from the company directory" value={choice} onChange={(e) => setChoice(e.target.value)} disabled={!allCompanies}>
            <option value="">{!allCompanies ? 'Loading…' : addable.length === 0 ? 'Every company is already on the project' : 'Choose a company'}</option>
            {addable.map((c) => (
              <option key={c.id} value={c.id}>
                {c.name} ({COMPANY_KIND_LABELS[c.kind]})
              </option>
            ))}
          </SelectInput>
          <Button type="submit" busy={adding} disabled={adding || !choice}>
            Add company
          </Button>
        </div>
      </form>
      {companies.length === 0 ? (
        <EmptyState title="No companies on this project yet." />
      ) : (
        <ul className="dir-companies" aria-label="Companies on this project">
          {companies.map((c) => (
            <li key={c.id}>
              <span>
                <strong>{c.name}</strong>
                <span className="dir-email">
                  {COMPANY_KIND_LABELS[c.kind]} · {counts.get(c.id) ?? 0} {counts.get(c.id) === 1 ? 'person' : 'people'} on the project
                </span>
              </span>
              <Button
                tone="link"
                onClick={() => {
                  setRemoveError(null);
                  setRemoving(c);
                }}
                aria-label={`Remove ${c.name} from the project`}
              >
                Remove
              </Button>
            </li>
          ))}
        </ul>
      )}
      <ConfirmDialog
        open={!!removing}
        title={removing ? `Remove ${removing.name} from this project?` : ''}
        confirmLabel="Remove from project"
        busy={busy}
        onConfirm={() => void remove()}
        onClose={() => setRemoving(null)}
      >
        <p>The company stays in the company directory. A company can leave the project only when none of its people are on it and it is no commitment’s contract company.</p>
        <ErrorBanner error={removeError} />
      </ConfirmDialog>
    </Card>
  );
}

// ---------------------------------------------------------------------------------------------

function NewCompanyDialog({ open, projectId, onClose, onCreated }: { open: boolean; projectId: string; onClose: () => void; onCreated: (message: string) => Promise<void> }) {
  const formId = useId();
  const formRef = useRef<HTMLFormElement>(null);
  const [name, setName] = useState('');
  const [kind, setKind] = useState<CompanyKind>('subcontractor');
  const [address, setAddress] = useState('');
  const [addToProject, setAddToProject] = useState(true);
  const [errors, setErrors] = useState<Record<string, string>>({});
  useFocusFirstError(errors, formRef);
  const [failure, setFailure] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);
  const reset = () => {
    setName('');
    setKind('subcontractor');
    setAddress('');
    setAddToProject(true);
    setErrors({});
    setFailure(null);
  };
  const close = () => {
    if ((name || address) && !window.confirm('Discard this new company?')) return;
    reset();
    onClose();
  };
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (!name.trim()) {
      setErrors({ name: 'Enter the company’s name.' });
      return;
    }
    setBusy(true);
    setErrors({});
    setFailure(null);
    let created: Schemas['Company'] | null = null;
    try {
      created = await call(api.POST('/api/v1/companies', { body: { name: name.trim(), kind, ...(address.trim() && { address: address.trim() }) } }));
      if (addToProject) await call(api.PUT('/api/v1/projects/{projectId}/directory/companies/{companyId}', { params: { path: { projectId, companyId: created.id } } }));
      reset();
      await onCreated(addToProject ? `${created.name} was added to the company directory and to this project.` : `${created.name} was added to the company directory.`);
    } catch (err) {
      const apiError = toApiError(err);
      if (created) {
        // The company exists; only joining the project failed. Say so rather than offer to create it twice.
        reset();
        await onCreated(`${created.name} was added to the company directory, but not to this project: ${apiError.message}`);
      } else {
        setErrors(apiError.fieldErrors);
        setFailure(apiError);
      }
    } finally {
      setBusy(false);
    }
  };
  return (
    <Dialog
      open={open}
      title="New company"
      onClose={close}
      footer={
        <>
          <Button onClick={close}>Cancel</Button>
          <Button tone="primary" type="submit" form={formId} busy={busy}>
            Create company
          </Button>
        </>
      }
    >
      <form id={formId} ref={formRef} onSubmit={submit} noValidate>
        <ErrorBanner error={failure} />
        <TextInput label="Company name" value={name} onChange={(e) => setName(e.target.value)} error={errors.name} autoFocus maxLength={200} />
        <SelectInput label="Kind" value={kind} onChange={(e) => setKind(e.target.value as CompanyKind)} error={errors.kind}>
          {(Object.keys(COMPANY_KIND_LABELS) as CompanyKind[]).map((k) => (
            <option key={k} value={k}>
              {COMPANY_KIND_LABELS[k]}
            </option>
          ))}
        </SelectInput>
        <TextInput label="Address (optional)" value={address} onChange={(e) => setAddress(e.target.value)} error={errors.address} maxLength={1000} />
        <Checkbox label="Also add it to this project’s directory" checked={addToProject} onChange={(e) => setAddToProject(e.target.checked)} />
      </form>
    </Dialog>
  );
}

function NewPersonDialog({
  open,
  projectId,
  companies,
  onClose,
  onCreated,
}: {
  open: boolean;
  projectId: string;
  companies: Schemas['Company'][];
  onClose: () => void;
  onCreated: (message: string) => Promise<void>;
}) {
  const formId = useId();
  const formRef = useRef<HTMLFormElement>(null);
  const empty = { companyId: '', name: '', email: '', emailEnabled: true, level: 'read_only' as PermissionLevel | '' };
  const [draft, setDraft] = useState(empty);
  const [errors, setErrors] = useState<Record<string, string>>({});
  useFocusFirstError(errors, formRef);
  const [failure, setFailure] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);
  const sorted = companies.slice().sort((a, b) => a.name.localeCompare(b.name));
  const reset = () => {
    setDraft(empty);
    setErrors({});
    setFailure(null);
  };
  const close = () => {
    if ((draft.name || draft.email) && !window.confirm('Discard this new person?')) return;
    reset();
    onClose();
  };
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const local: Record<string, string> = {};
    if (!draft.companyId) local.companyId = 'Choose the company they work for.';
    if (!draft.name.trim()) local.name = 'Enter their name.';
    if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(draft.email.trim())) local.email = 'Enter an email address like name@example.com.';
    setErrors(local);
    setFailure(null);
    if (Object.keys(local).length > 0) return;
    setBusy(true);
    let created: Schemas['User'] | null = null;
    let joined = false;
    try {
      // Joining the project first lets the invitation name it (and the general contractor), so it
      // does not read as a message from the person's own company.
      created = await call(
        api.POST('/api/v1/users', {
          body: { companyId: draft.companyId, name: draft.name.trim(), email: draft.email.trim(), emailEnabled: draft.emailEnabled, sendInvitation: !draft.level },
        }),
      );
      if (draft.level) {
        await call(api.PUT('/api/v1/projects/{projectId}/directory/users/{userId}', { params: { path: { projectId, userId: created.id } }, body: { commitmentsPermission: draft.level } }));
        joined = true;
        await call(api.POST('/api/v1/users/{userId}/invitation', { params: { path: { userId: created.id } } }));
      }
      const invited = `An invitation email to choose a password is on its way to ${created.email}.`;
      reset();
      await onCreated(draft.level ? `${created.name} was added with ${PERMISSION_LABELS[draft.level]} on Commitments. ${invited}` : `${created.name} was added to the company directory. ${invited}`);
    } catch (err) {
      const apiError = toApiError(err);
      if (created) {
        reset();
        if (joined) {
          await onCreated(`${created.name} was added to this project, but the invitation email could not be sent: ${apiError.message}`);
        } else {
          // Not on the project: invite them anyway, as before, without naming a project.
          const userId = created.id;
          const invited = await call(api.POST('/api/v1/users/{userId}/invitation', { params: { path: { userId } } })).then(
            () => true,
            () => false,
          );
          await onCreated(`${created.name} was added to the company directory${invited ? ' (and invited)' : ''}, but not to this project: ${apiError.message}`);
        }
      } else {
        setErrors(apiError.fieldErrors);
        if (Object.keys(apiError.fieldErrors).length === 0) setFailure(apiError);
      }
    } finally {
      setBusy(false);
    }
  };
  const set = <K extends keyof typeof empty>(k: K, v: (typeof empty)[K]) => setDraft((d) => ({ ...d, [k]: v }));
  return (
    <Dialog
      open={open}
      title="New person"
      onClose={close}
      footer={
        <>
          <Button onClick={close}>Cancel</Button>
          <Button tone="primary" type="submit" form={formId} busy={busy}>
            Create and send invitation
          </Button>
        </>
      }
    >
      <form id={formId} ref={formRef} onSubmit={submit} noValidate>
        <Notice>payapp emails them an invitation with a single-use link to choose their own password. You never set or see it.</Notice>
        <ErrorBanner error={failure} />
        <SelectInput label="Company" value={draft.companyId} onChange={(e) => set('companyId', e.target.value)} error={errors.companyId} autoFocus>
          <option value="">Choose a company</option>
          {sorted.map((c) => (
            <option key={c.id} value={c.id}>
              {c.name}
            </option>
          ))}
        </SelectInput>
        <TextInput label="Name" value={draft.name} onChange={(e) => set('name', e.target.value)} error={errors.name} maxLength={200} autoComplete="off" />
        <TextInput label="Email" type="email" value={draft.email} onChange={(e) => set('email', e.target.value)} error={errors.email} maxLength={254} autoComplete="off" />
        <Checkbox
          label="Send payapp emails to this person"
          hint="Off means they get no invites to bill, reminders or notices by email (the invitation itself is still sent)."
          checked={draft.emailEnabled}
          onChange={(e) => set('emailEnabled', e.target.checked)}
        />
        <SelectInput label="Commitments level on this project" value={draft.level} onChange={(e) => set('level', e.target.value as PermissionLevel | '')}>
          {PERMISSION_LEVELS.map((l) => (
            <option key={l} value={l}>
              {PERMISSION_LABELS[l]}
            </option>
          ))}
          <option value="">Do not add them to this project</option>
        </SelectInput>
      </form>
    </Dialog>
  );
}
