/** The companies on the project: adding one from the company directory, removing one. */
import { useMemo, useState, type FormEvent } from 'react';
import { api, call, type ApiError, type Schemas } from '../../api/client.ts';
import { Button, Card, EmptyState, ErrorBanner, SelectInput } from '../../components/ui.tsx';
import { ConfirmDialog, toApiError } from '../commitments/form-kit.tsx';
import { COMPANY_KIND_LABELS } from '../commitments/labels.ts';
import { type Directory } from './directory-model.ts';

export function CompaniesCard({
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
