/** Invoice contacts (only eligible people are offered; the others say why) and the private list. */
import { useMemo, useState } from 'react';
import type { ApiError} from '../../api/client.ts';
import { api, call, type Schemas } from '../../api/client.ts';
import { Button, Card, ErrorBanner, Loading, Notice, SelectInput } from '../../components/ui.tsx';
import { useLoad } from '../../lib/hooks.ts';
import { useProject } from '../../lib/project.tsx';
import { Link } from '../../lib/router.tsx';
import { toApiError, useFlash } from './form-kit.tsx';
import { capitalize, PERMISSION_LABELS } from './labels.ts';

type Detail = Schemas['CommitmentDetail'];

const FIXABLE_IN_DIRECTORY = new Set(['contact_not_in_project_directory', 'contact_permission_too_low']);

export function InvoiceContactsCard({ projectId, detail, onDetail }: { projectId: string; detail: Detail; onDetail: (d: Detail) => void }) {
  const { vocabulary } = useProject();
  const commitmentId = detail.commitment.id;
  const companyId = detail.commitment.contractCompanyId;
  const contactKey = detail.invoiceContacts.map((c) => c.userId).join(',');
  const candidates = useLoad(
    () =>
      companyId
        ? call(api.GET('/api/v1/projects/{projectId}/commitments/{commitmentId}/eligible-contacts', { params: { path: { projectId, commitmentId } } }))
        : Promise.resolve({ data: [] as Schemas['EligibleContact'][] }),
    [projectId, commitmentId, companyId, contactKey],
  );
  const [busy, setBusy] = useState<string | null>(null);
  const [failure, setFailure] = useState<ApiError | null>(null);
  const [flash, setFlash] = useFlash();

  const act = async (userId: string, name: string, add: boolean) => {
    setBusy(userId);
    setFailure(null);
    try {
      const fresh = add
        ? await call(api.POST('/api/v1/projects/{projectId}/commitments/{commitmentId}/invoice-contacts', { params: { path: { projectId, commitmentId } }, body: { userId } }))
        : await call(api.DELETE('/api/v1/projects/{projectId}/commitments/{commitmentId}/invoice-contacts/{userId}', { params: { path: { projectId, commitmentId, userId } } }));
      onDetail(fresh);
      setFlash(add ? `${name} is now an ${vocabulary.invoiceContact} and on the private list.` : `${name} is no longer an ${vocabulary.invoiceContact}.`);
    } catch (err) {
      setFailure(toApiError(err));
    } finally {
      setBusy(null);
    }
  };

  const others = (candidates.data?.data ?? []).filter((c) => !detail.invoiceContacts.some((ic) => ic.userId === c.userId));
  const eligible = others.filter((c) => c.eligible);
  const ineligible = others.filter((c) => !c.eligible);
  const title = capitalize(vocabulary.invoiceContacts);

  return (
    <Card title={title}>
      <p className="hint">
        The people at {detail.contractCompany?.name ?? 'the contract company'} who bill this commitment. They get the invites to bill and see it even when it is
        private.
      </p>
      <ErrorBanner error={failure} />
      {flash ? <Notice tone="success">{flash}</Notice> : null}
      {detail.invoiceContacts.length === 0 ? (
        <p className="cm-empty-inline">No {vocabulary.invoiceContacts} yet.</p>
      ) : (
        <ul className="cm-people" aria-label={`Current ${vocabulary.invoiceContacts}`}>
          {detail.invoiceContacts.map((p) => (
            <li key={p.userId}>
              <span>
                <strong>{p.name}</strong>
                {!p.isActive ? <span className="badge badge-warning">Inactive</span> : null}
                <span className="cm-email">{p.email}</span>
              </span>
              <Button tone="link" busy={busy === p.userId} disabled={!!busy} onClick={() => void act(p.userId, p.name, false)} aria-label={`Remove ${p.name} as ${vocabulary.invoiceContact}`}>
                Remove
              </Button>
            </li>
          ))}
        </ul>
      )}

      <h3 className="cm-subhead">Add an {vocabulary.invoiceContact}</h3>
      {!companyId ? (
        <p className="muted">Choose the contract company first (under Details): {vocabulary.invoiceContacts} are always its employees.</p>
      ) : candidates.error ? (
        <ErrorBanner error={candidates.error} onRetry={() => void candidates.reload()} />
      ) : !candidates.data ? (
        <Loading label="Finding eligible people…" />
      ) : others.length === 0 ? (
        <p className="muted">
          Nobody else at {detail.contractCompany?.name} can be added. People must be employees of the contract company in the{' '}
          <Link to={`/projects/${projectId}/directory`}>project directory</Link>.
        </p>
      ) : (
        <ul className="cm-people cm-candidates" aria-label={`People at ${detail.contractCompany?.name ?? 'the contract company'}`}>
          {eligible.map((c) => (
            <li key={c.userId}>
              <span>
                <strong>{c.name}</strong>
                <span className="cm-email">{c.email}</span>
              </span>
              <Button busy={busy === c.userId} disabled={!!busy} onClick={() => void act(c.userId, c.name, true)} aria-label={`Add ${c.name} as ${vocabulary.invoiceContact}`}>
                Add
              </Button>
            </li>
          ))}
          {ineligible.map((c) => (
            <li key={c.userId} className="cm-ineligible">
              <span>
                <strong>{c.name}</strong>
                <span className="cm-email">{c.email}</span>
                <span className="cm-reason" id={`reason-${c.userId}`}>
                  Not offered: {c.reason}
                  {c.reasonCode && FIXABLE_IN_DIRECTORY.has(c.reasonCode) ? (
                    <>
                      {' '}
                      <Link to={`/projects/${projectId}/directory`}>Fix it in the directory</Link>.
                    </>
                  ) : null}
                </span>
              </span>
              <Button disabled aria-describedby={`reason-${c.userId}`} aria-label={`Add ${c.name} as ${vocabulary.invoiceContact} (not available)`}>
                Add
              </Button>
            </li>
          ))}
        </ul>
      )}
    </Card>
  );
}

export function PrivateListCard({ projectId, detail, onDetail }: { projectId: string; detail: Detail; onDetail: (d: Detail) => void }) {
  const { vocabulary } = useProject();
  const commitmentId = detail.commitment.id;
  const directory = useLoad(() => call(api.GET('/api/v1/projects/{projectId}/directory', { params: { path: { projectId } } })), [projectId]);
  const [choice, setChoice] = useState('');
  const [busy, setBusy] = useState<string | null>(null);
  const [failure, setFailure] = useState<ApiError | null>(null);
  const [flash, setFlash] = useFlash();
  const list = useMemo(() => detail.privateList ?? [], [detail.privateList]);

  const addable = useMemo(() => {
    const on = new Set(list.map((e) => e.userId));
    return (directory.data?.users ?? [])
      .filter((u) => !on.has(u.userId) && u.commitmentsPermission !== 'admin')
      .sort((a, b) => a.companyName.localeCompare(b.companyName) || a.name.localeCompare(b.name));
  }, [directory.data, list]);
  const groups = useMemo(() => {
    const m = new Map<string, Schemas['ProjectDirectoryEntry'][]>();
    for (const u of addable) m.set(u.companyName, [...(m.get(u.companyName) ?? []), u]);
    return [...m.entries()];
  }, [addable]);

  const act = async (userId: string, name: string, add: boolean) => {
    setBusy(userId);
    setFailure(null);
    try {
      const fresh = add
        ? await call(api.POST('/api/v1/projects/{projectId}/commitments/{commitmentId}/private-list', { params: { path: { projectId, commitmentId } }, body: { userId } }))
        : await call(api.DELETE('/api/v1/projects/{projectId}/commitments/{commitmentId}/private-list/{userId}', { params: { path: { projectId, commitmentId, userId } } }));
      onDetail(fresh);
      if (add) setChoice('');
      setFlash(add ? `${name} was added to the private list.` : `${name} was removed from the private list.`);
    } catch (err) {
      setFailure(toApiError(err));
    } finally {
      setBusy(null);
    }
  };

  return (
    <Card title="Private list">
      {detail.commitment.isPrivate ? (
        <p className="hint">
          Who besides invoice administrators may see this private commitment.{' '}
          {detail.commitment.privateSovVisible ? 'They also see its SOV items.' : 'They do not see its SOV items (see Privacy under Details).'}
        </p>
      ) : (
        <Notice>This commitment is not private: everyone with Read Only or more on Commitments sees it. The list applies once it is private.</Notice>
      )}
      <ErrorBanner error={failure} />
      {flash ? <Notice tone="success">{flash}</Notice> : null}
      {list.length === 0 ? (
        <p className="cm-empty-inline">Nobody is on the private list.</p>
      ) : (
        <ul className="cm-people" aria-label="People on the private list">
          {list.map((e) => (
            <li key={e.userId}>
              <span>
                <strong>{e.name}</strong>
                {e.isInvoiceContact ? <span className="badge badge-info">{capitalize(vocabulary.invoiceContact)}</span> : null}
                <span className="cm-email">{e.companyName}</span>
                {!e.isExplicit ? <span className="hint cm-why">On the list because they are an {vocabulary.invoiceContact}; not removable here.</span> : null}
              </span>
              {e.isExplicit ? (
                <Button tone="link" busy={busy === e.userId} disabled={!!busy} onClick={() => void act(e.userId, e.name, false)} aria-label={`Remove ${e.name} from the private list`}>
                  Remove
                </Button>
              ) : null}
            </li>
          ))}
        </ul>
      )}
      {list.some((e) => e.isExplicit && e.isInvoiceContact) ? (
        <p className="hint">Removing an {vocabulary.invoiceContact} here removes only the entry added by hand: they stay on the list while they are a contact.</p>
      ) : null}
      <form
        className="cm-inline-form"
        onSubmit={(ev) => {
          ev.preventDefault();
          const person = addable.find((u) => u.userId === choice);
          if (person) void act(person.userId, person.name, true);
        }}
      >
        <SelectInput label="Add someone from the project directory" value={choice} onChange={(ev) => setChoice(ev.target.value)} disabled={!directory.data}>
          <option value="">{directory.data ? 'Choose a person' : 'Loading…'}</option>
          {groups.map(([company, people]) => (
            <optgroup key={company} label={company}>
              {people.map((u) => (
                <option key={u.userId} value={u.userId}>
                  {u.name} ({PERMISSION_LABELS[u.commitmentsPermission]})
                </option>
              ))}
            </optgroup>
          ))}
        </SelectInput>
        <Button type="submit" disabled={!choice || !!busy} busy={!!busy && busy === choice}>
          Add to private list
        </Button>
      </form>
      {directory.error ? <ErrorBanner error={directory.error} onRetry={() => void directory.reload()} /> : null}
    </Card>
  );
}
