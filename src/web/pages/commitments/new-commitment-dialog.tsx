/** "New commitment": the fields an invoice administrator sets first, then the new commitment opens. */
import { useEffect, useId, useMemo, useRef, useState, type FormEvent } from 'react';
import type { ApiError} from '../../api/client.ts';
import { api, call, type Schemas } from '../../api/client.ts';
import { Button, Checkbox, Dialog, ErrorBanner, Loading, SelectInput, TextInput } from '../../components/ui.tsx';
import { useLoad, useUnsavedChangesGuard } from '../../lib/hooks.ts';
import { useProject } from '../../lib/project.tsx';
import { Link, navigate } from '../../lib/router.tsx';
import { checkContactEligibility } from '../../../domain/invoice-contacts.ts';
import { flashTo } from './flash.ts';
import { fieldError, parsePercentToBp, TextArea, toApiError, useFocusFirstError } from './form-kit.tsx';
import {
  ACCOUNTING_LABELS,
  capitalize,
  COMMITMENT_STATUS_LABELS,
  COMMITMENT_STATUSES,
  COMPANY_KIND_LABELS,
  KIND_LABELS,
  type AccountingMethod,
  type CommitmentKind,
  type CommitmentStatus,
} from './labels.ts';

type Draft = {
  kind: CommitmentKind;
  number: string;
  title: string;
  description: string;
  status: CommitmentStatus;
  contractCompanyId: string;
  contactIds: string[];
  isPrivate: boolean;
  privateSovVisible: boolean;
  retainageWork: string;
  retainageMaterials: string;
  accountingMethod: AccountingMethod;
};

const EMPTY: Draft = {
  kind: 'subcontract',
  number: '',
  title: '',
  description: '',
  status: 'draft',
  contractCompanyId: '',
  contactIds: [],
  isPrivate: true,
  privateSovVisible: false,
  retainageWork: '10',
  retainageMaterials: '10',
  accountingMethod: 'amount',
};

export function NewCommitmentDialog({ open, projectId, onClose }: { open: boolean; projectId: string; onClose: () => void }) {
  const [draft, setDraft] = useState<Draft>(EMPTY);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [failure, setFailure] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);
  const formId = useId();
  const formRef = useRef<HTMLFormElement>(null);
  useFocusFirstError(errors, formRef);
  const set = <K extends keyof Draft>(key: K, value: Draft[K]) => setDraft((d) => ({ ...d, [key]: value }));
  const dirty = JSON.stringify(draft) !== JSON.stringify(EMPTY);
  useUnsavedChangesGuard(open && dirty);

  const close = () => {
    if (dirty && !busy && !window.confirm('Discard this new commitment?')) return;
    setDraft(EMPTY);
    setErrors({});
    setFailure(null);
    onClose();
  };

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const local: Record<string, string> = {};
    if (!draft.number.trim()) local.number = 'Enter a commitment number, like SC-014.';
    const work = parsePercentToBp(draft.retainageWork);
    const materials = parsePercentToBp(draft.retainageMaterials);
    if (!work.ok) local.retainageWorkBp = work.error;
    if (!materials.ok) local.retainageMaterialsBp = materials.error;
    setErrors(local);
    setFailure(null);
    if (Object.keys(local).length > 0 || !work.ok || !materials.ok) return;
    setBusy(true);
    try {
      const created = await call(
        api.POST('/api/v1/projects/{projectId}/commitments', {
          params: { path: { projectId } },
          body: {
            kind: draft.kind,
            number: draft.number.trim(),
            title: draft.title.trim(),
            ...(draft.description.trim() && { description: draft.description }),
            status: draft.status,
            contractCompanyId: draft.contractCompanyId || null,
            invoiceContactIds: draft.contractCompanyId ? draft.contactIds : [],
            isPrivate: draft.isPrivate,
            privateSovVisible: draft.isPrivate && draft.privateSovVisible,
            retainageWorkBp: work.value,
            retainageMaterialsBp: materials.value,
            accountingMethod: draft.accountingMethod,
          },
        }),
      );
      const path = `/projects/${projectId}/commitments/${created.commitment.id}`;
      flashTo(path, [`Commitment ${created.commitment.number} was created.`, ...(created.warnings ?? [])]);
      setDraft(EMPTY);
      onClose();
      navigate(path, { force: true });
    } catch (err) {
      const apiError = toApiError(err);
      const fields = apiError.fieldErrors;
      setErrors(fields);
      // A message that belongs to a field shows there; anything else shows on top.
      if (Object.keys(fields).filter((k) => k !== 'body').length === 0) setFailure(apiError);
    } finally {
      setBusy(false);
    }
  };

  return (
    <Dialog
      open={open}
      title="New commitment"
      onClose={close}
      footer={
        <>
          <Button onClick={close}>Cancel</Button>
          <Button tone="primary" type="submit" form={formId} busy={busy}>
            Create commitment
          </Button>
        </>
      }
    >
      <form id={formId} ref={formRef} onSubmit={submit} noValidate className="cm-new">
        <ErrorBanner error={failure} />
        {Object.keys(errors).length > 0 && !failure ? (
          <p className="error-text" role="alert">
            Check the fields marked below.
          </p>
        ) : null}
        <div className="form-grid">
          <SelectInput label="Type" value={draft.kind} onChange={(e) => set('kind', e.target.value as CommitmentKind)} error={errors.kind}>
            {(Object.keys(KIND_LABELS) as CommitmentKind[]).map((k) => (
              <option key={k} value={k}>
                {KIND_LABELS[k]}
              </option>
            ))}
          </SelectInput>
          <TextInput label="Number" value={draft.number} onChange={(e) => set('number', e.target.value)} error={errors.number} required autoFocus maxLength={50} />
          <SelectInput label="Status" value={draft.status} onChange={(e) => set('status', e.target.value as CommitmentStatus)} error={errors.status}>
            {COMMITMENT_STATUSES.map((s) => (
              <option key={s} value={s}>
                {COMMITMENT_STATUS_LABELS[s]}
              </option>
            ))}
          </SelectInput>
        </div>
        <TextInput label="Title" value={draft.title} onChange={(e) => set('title', e.target.value)} error={errors.title} maxLength={300} />
        <TextArea label="Description (optional)" rows={2} value={draft.description} onChange={(e) => set('description', e.target.value)} error={errors.description} />
        {open ? (
          <CompanyAndContacts
            projectId={projectId}
            companyId={draft.contractCompanyId}
            contactIds={draft.contactIds}
            onCompany={(id, contactIds) => setDraft((d) => ({ ...d, contractCompanyId: id, contactIds }))}
            onContacts={(ids) => set('contactIds', ids)}
            companyError={errors.contractCompanyId}
            contactsError={fieldError(errors, 'invoiceContactIds', ...draft.contactIds.map((_, i) => `invoiceContactIds.${i}`))}
          />
        ) : null}
        <fieldset className="cm-fieldset">
          <legend>Privacy</legend>
          <Checkbox
            label="Private"
            hint="Only invoice administrators, the invoice contacts and the people you add to its private list can see a private commitment."
            checked={draft.isPrivate}
            onChange={(e) => set('isPrivate', e.target.checked)}
          />
          <Checkbox
            label="Let the non-admins on the private list see the SOV items"
            checked={draft.isPrivate && draft.privateSovVisible}
            disabled={!draft.isPrivate}
            onChange={(e) => set('privateSovVisible', e.target.checked)}
          />
        </fieldset>
        <div className="form-grid">
          <TextInput
            label="Work retainage (%)"
            inputMode="decimal"
            value={draft.retainageWork}
            onChange={(e) => set('retainageWork', e.target.value)}
            error={errors.retainageWorkBp}
            hint="For example 10 or 7.5"
          />
          <TextInput
            label="Materials retainage (%)"
            inputMode="decimal"
            value={draft.retainageMaterials}
            onChange={(e) => set('retainageMaterials', e.target.value)}
            error={errors.retainageMaterialsBp}
            hint="For example 10 or 0"
          />
          <SelectInput
            label="Accounting method"
            value={draft.accountingMethod}
            onChange={(e) => set('accountingMethod', e.target.value as AccountingMethod)}
            error={errors.accountingMethod}
            hint="It cannot change once the schedule of values has lines."
          >
            {(Object.keys(ACCOUNTING_LABELS) as AccountingMethod[]).map((m) => (
              <option key={m} value={m}>
                {ACCOUNTING_LABELS[m]}
              </option>
            ))}
          </SelectInput>
        </div>
      </form>
    </Dialog>
  );
}

/** Contract company from the project directory, then its eligible employees as invoice contacts. */
function CompanyAndContacts({
  projectId,
  companyId,
  contactIds,
  onCompany,
  onContacts,
  companyError,
  contactsError,
}: {
  projectId: string;
  companyId: string;
  contactIds: string[];
  onCompany: (id: string, contactIds: string[]) => void;
  onContacts: (ids: string[]) => void;
  companyError: string | undefined;
  contactsError: string | undefined;
}) {
  const { vocabulary } = useProject();
  const directory = useLoad(() => call(api.GET('/api/v1/projects/{projectId}/directory', { params: { path: { projectId } } })), [projectId]);
  const companies = directory.data?.companies.filter((c) => c.kind !== 'general_contractor') ?? [];
  const candidates = useMemo(
    () =>
      (directory.data?.users ?? [])
        .filter((u) => u.companyId === companyId)
        .map((u) => ({
          user: u,
          eligibility: checkContactEligibility(companyId, {
            userId: u.userId,
            name: u.name,
            companyId: u.companyId,
            isActive: u.isActive,
            directoryPermission: u.commitmentsPermission,
          }),
        }))
        .sort((a, b) => a.user.name.localeCompare(b.user.name)),
    [directory.data, companyId],
  );

  // Choosing a company pre-selects its default invoice contact, when that person is eligible.
  const [pendingDefault, setPendingDefault] = useState<string | null>(null);
  const onCompanyRef = useRef(onCompany);
  onCompanyRef.current = onCompany;
  useEffect(() => {
    if (!pendingDefault || !directory.data) return;
    let live = true;
    void call(api.GET('/api/v1/companies/{companyId}', { params: { path: { companyId: pendingDefault } } }))
      .then((company: Schemas['Company']) => {
        if (!live) return;
        const d = company.defaultInvoiceContactId;
        const person = d ? directory.data?.users.find((u) => u.userId === d) : undefined;
        const ok =
          person &&
          checkContactEligibility(pendingDefault, {
            userId: person.userId,
            name: person.name,
            companyId: person.companyId,
            isActive: person.isActive,
            directoryPermission: person.commitmentsPermission,
          }).eligible;
        if (ok && d) onCompanyRef.current(pendingDefault, [d]);
      })
      .catch(() => undefined)
      .finally(() => live && setPendingDefault(null));
    return () => {
      live = false;
    };
  }, [pendingDefault, directory.data]);

  if (directory.error) return <ErrorBanner error={directory.error} onRetry={() => void directory.reload()} />;
  if (!directory.data) return <Loading label="Loading the project directory…" />;
  const groups = (['subcontractor', 'supplier', 'owner'] as const).map((kind) => ({ kind, items: companies.filter((c) => c.kind === kind) })).filter((g) => g.items.length);

  return (
    <>
      <SelectInput
        label="Contract company"
        value={companyId}
        error={companyError}
        hint={companies.length === 0 ? 'Add the company to the project directory first.' : 'Companies in the project directory.'}
        onChange={(e) => {
          onCompany(e.target.value, []);
          if (e.target.value) setPendingDefault(e.target.value);
        }}
      >
        <option value="">Choose later</option>
        {groups.map((g) => (
          <optgroup key={g.kind} label={`${COMPANY_KIND_LABELS[g.kind]}s`}>
            {g.items.map((c) => (
              <option key={c.id} value={c.id}>
                {c.name}
              </option>
            ))}
          </optgroup>
        ))}
      </SelectInput>
      <fieldset className="cm-fieldset" aria-describedby={contactsError ? 'new-contacts-error' : undefined}>
        <legend>{capitalize(vocabulary.invoiceContacts)}</legend>
        {!companyId ? (
          <p className="hint">Choose the contract company first: {vocabulary.invoiceContacts} are always its employees.</p>
        ) : candidates.length === 0 ? (
          <p className="hint">
            Nobody from this company is in the project directory yet. <Link to={`/projects/${projectId}/directory`}>Add people on the Directory page</Link>.
          </p>
        ) : (
          <ul className="cm-pick-list">
            {candidates.map(({ user, eligibility }) => (
              <li key={user.userId}>
                <Checkbox
                  label={`${user.name} (${user.email})`}
                  checked={contactIds.includes(user.userId)}
                  disabled={!eligibility.eligible}
                  onChange={(e) => onContacts(e.target.checked ? [...contactIds, user.userId] : contactIds.filter((id) => id !== user.userId))}
                  {...(!eligibility.eligible ? { hint: `Not offered: ${eligibility.reason}` } : {})}
                />
              </li>
            ))}
          </ul>
        )}
        {pendingDefault ? <p className="hint">Looking up the company’s default {vocabulary.invoiceContact}…</p> : null}
        {contactsError ? (
          <p className="error-text" id="new-contacts-error" role="alert">
            {contactsError}
          </p>
        ) : null}
      </fieldset>
    </>
  );
}
