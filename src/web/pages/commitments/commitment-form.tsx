/**
 * An invoice administrator edits a commitment's details with its version. A 409 shows what someone
 * else changed and lets the user re-apply their edits; changing the contract company while its
 * invoice contacts remain asks before removing them.
 */
import { useMemo, useRef, useState, type FormEvent } from 'react';
import { endSentence } from '../../../domain/format.ts';
import { api, ApiError, call, type Schemas } from '../../api/client.ts';
import { Button, Card, Checkbox, ErrorBanner, Notice, SelectInput, TextInput } from '../../components/ui.tsx';
import { useLoad } from '../../lib/hooks.ts';
import { useProject } from '../../lib/project.tsx';
import {
  bpToInput,
  ConflictNotice,
  parsePercentToBp,
  TextArea,
  toApiError,
  useFocusFirstError,
  useReportDirty,
  useVersionedForm,
  type ChangeLine,
  type Versioned,
} from './form-kit.tsx';
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

type Detail = Schemas['CommitmentDetail'];
type Commitment = Schemas['Commitment'];

type Fields = {
  kind: string;
  number: string;
  title: string;
  description: string;
  status: string;
  contractCompanyId: string;
  accountingMethod: string;
  retainageWork: string;
  retainageMaterials: string;
  ssovEnabled: boolean;
  isPrivate: boolean;
  privateSovVisible: boolean;
};

function fieldsOf(c: Commitment): Fields {
  return {
    kind: c.kind,
    number: c.number,
    title: c.title,
    description: c.description,
    status: c.status,
    contractCompanyId: c.contractCompanyId ?? '',
    accountingMethod: c.accountingMethod,
    retainageWork: bpToInput(c.retainageWorkBp),
    retainageMaterials: bpToInput(c.retainageMaterialsBp),
    ssovEnabled: c.ssovEnabled,
    isPrivate: c.isPrivate,
    privateSovVisible: c.privateSovVisible,
  };
}

/** Server field names → the form's. */
const SERVER_FIELD: Record<string, keyof Fields> = { retainageWorkBp: 'retainageWork', retainageMaterialsBp: 'retainageMaterials' };

export function CommitmentForm({
  projectId,
  detail,
  onSaved,
  report,
}: {
  projectId: string;
  detail: Detail;
  onSaved: (fresh: Detail) => void;
  report: (key: string, dirty: boolean) => void;
}) {
  const { vocabulary } = useProject();
  const commitmentId = detail.commitment.id;
  const server = useMemo<Versioned<Fields>>(() => ({ version: detail.commitment.version, fields: fieldsOf(detail.commitment) }), [detail.commitment]);
  const form = useVersionedForm(server);
  useReportDirty(report, 'details', form.dirty);
  const directory = useLoad(() => call(api.GET('/api/v1/projects/{projectId}/directory', { params: { path: { projectId } } })), [projectId]);
  const companies = directory.data?.companies ?? [];
  const [errors, setErrors] = useState<Record<string, string>>({});
  const formRef = useRef<HTMLFormElement>(null);
  useFocusFirstError(errors, formRef);
  const [failure, setFailure] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);
  const [saved, setSaved] = useState<string[] | null>(null);
  /** The contacts a contract-company change would remove, waiting for the user's consent. */
  const [mismatch, setMismatch] = useState<{ names: string[]; from: string; to: string } | null>(null);

  const d = form.draft;
  if (!d || !form.base) return null;
  const base = form.base;
  const companyName = (id: string) => (id ? (companies.find((c) => c.id === id)?.name ?? (id === detail.contractCompany?.id ? detail.contractCompany.name : 'another company')) : 'none');

  const LABELS: Record<keyof Fields, string> = {
    kind: 'Type',
    number: 'Number',
    title: 'Title',
    description: 'Description',
    status: 'Status',
    contractCompanyId: 'Contract company',
    accountingMethod: 'Accounting method',
    retainageWork: 'Retainage on work',
    retainageMaterials: 'Retainage on stored materials',
    ssovEnabled: vocabulary.subcontractorSov,
    isPrivate: 'Private',
    privateSovVisible: 'Private list sees SOV items',
  };
  const show = (key: keyof Fields, value: string | boolean): string => {
    if (typeof value === 'boolean') return value ? 'Yes' : 'No';
    if (key === 'status') return COMMITMENT_STATUS_LABELS[value as CommitmentStatus] ?? value;
    if (key === 'kind') return KIND_LABELS[value as CommitmentKind] ?? value;
    if (key === 'accountingMethod') return ACCOUNTING_LABELS[value as AccountingMethod] ?? value;
    if (key === 'contractCompanyId') return companyName(value);
    if (key === 'retainageWork' || key === 'retainageMaterials') return `${value}%`;
    return value;
  };

  const save = async (removeMismatchedContacts = false, version = base.version, retried = false): Promise<void> => {
    const local: Record<string, string> = {};
    const body: Schemas['UpdateCommitment'] = { version };
    for (const key of form.mine) {
      switch (key) {
        case 'retainageWork':
        case 'retainageMaterials': {
          const p = parsePercentToBp(d[key]);
          if (!p.ok) local[key] = p.error;
          else body[key === 'retainageWork' ? 'retainageWorkBp' : 'retainageMaterialsBp'] = p.value;
          break;
        }
        case 'number':
          if (!d.number.trim()) local.number = 'Enter a commitment number.';
          else body.number = d.number.trim();
          break;
        case 'contractCompanyId':
          body.contractCompanyId = d.contractCompanyId || null;
          break;
        case 'kind':
          body.kind = d.kind as CommitmentKind;
          break;
        case 'status':
          body.status = d.status as CommitmentStatus;
          break;
        case 'accountingMethod':
          body.accountingMethod = d.accountingMethod as AccountingMethod;
          break;
        case 'title':
        case 'description':
          body[key] = d[key];
          break;
        case 'ssovEnabled':
        case 'isPrivate':
        case 'privateSovVisible':
          body[key] = d[key];
          break;
      }
    }
    if (removeMismatchedContacts) body.removeMismatchedContacts = true;
    setErrors(local);
    setFailure(null);
    setSaved(null);
    if (Object.keys(local).length > 0) return;
    setBusy(true);
    try {
      const fresh = await call(api.PATCH('/api/v1/projects/{projectId}/commitments/{commitmentId}', { params: { path: { projectId, commitmentId } }, body }));
      setMismatch(null);
      form.saved({ version: fresh.commitment.version, fields: fieldsOf(fresh.commitment) });
      onSaved(fresh);
      setSaved(fresh.warnings ?? []);
    } catch (err) {
      const e = toApiError(err);
      if (e.status === 409 || e.status === 412) {
        const fresh = await call(api.GET('/api/v1/projects/{projectId}/commitments/{commitmentId}', { params: { path: { projectId, commitmentId } } })).catch(() => null);
        if (!fresh) {
          setFailure(e);
          return;
        }
        const outcome = form.receive({ version: fresh.commitment.version, fields: fieldsOf(fresh.commitment) });
        onSaved(fresh);
        // Only the version moved (e.g. the SOV was saved): the same edits go onto it at once.
        if (outcome === 'same' && !retried) {
          setBusy(false);
          return save(removeMismatchedContacts, fresh.commitment.version, true);
        }
      } else if (e.code === 'contract_company_has_contacts') {
        const ids = (e.details as { contactUserIds?: string[] } | undefined)?.contactUserIds ?? [];
        const names = ids.map((id) => detail.invoiceContacts.find((c) => c.userId === id)?.name ?? 'A contact');
        setMismatch({ names, from: companyName(base.fields.contractCompanyId), to: companyName(d.contractCompanyId) });
      } else {
        const fields: Record<string, string> = {};
        for (const [path, message] of Object.entries(e.fieldErrors)) fields[SERVER_FIELD[path] ?? path] = message;
        setErrors(fields);
        const known = Object.keys(fields).some((k) => k in LABELS);
        setFailure(known ? new ApiError(e.status, { error: { message: 'The commitment was not saved: check the fields marked below.' } }) : e);
      }
    } finally {
      setBusy(false);
    }
  };

  const submit = (e: FormEvent) => {
    e.preventDefault();
    void save();
  };

  const conflictChanges: ChangeLine[] =
    form.conflict?.theirChanges.map((k) => ({ label: LABELS[k], from: show(k, base.fields[k]), to: show(k, form.conflict?.theirs.fields[k] ?? '') })) ?? [];
  const groups = (['subcontractor', 'supplier', 'owner', 'general_contractor'] as const)
    .map((kind) => ({ kind, items: companies.filter((c) => c.kind === kind) }))
    .filter((g) => g.items.length > 0);

  return (
    <Card title="Details">
      <form ref={formRef} onSubmit={submit} noValidate aria-label="Commitment details">
        {form.conflict ? (
          <ConflictNotice
            what="commitment"
            changes={conflictChanges}
            bothChanged={form.conflict.bothChanged.map((k) => LABELS[k])}
            onReapply={form.reapply}
            onDiscard={form.discard}
          />
        ) : null}
        <ErrorBanner error={failure} />
        {saved && !form.dirty ? (
          <Notice tone="success">
            Saved.
            {saved.map((w) => (
              <span key={w} className="cm-warning-line">
                {w}
              </span>
            ))}
          </Notice>
        ) : null}

        <div className="form-grid">
          <SelectInput label="Type" value={d.kind} onChange={(e) => form.set('kind', e.target.value)} error={errors.kind}>
            {(Object.keys(KIND_LABELS) as CommitmentKind[]).map((k) => (
              <option key={k} value={k}>
                {KIND_LABELS[k]}
              </option>
            ))}
          </SelectInput>
          <TextInput label="Number" value={d.number} onChange={(e) => form.set('number', e.target.value)} error={errors.number} maxLength={50} />
          <SelectInput label="Status" value={d.status} onChange={(e) => form.set('status', e.target.value)} error={errors.status}>
            {COMMITMENT_STATUSES.map((s) => (
              <option key={s} value={s}>
                {COMMITMENT_STATUS_LABELS[s]}
              </option>
            ))}
          </SelectInput>
        </div>
        <TextInput label="Title" value={d.title} onChange={(e) => form.set('title', e.target.value)} error={errors.title} maxLength={300} />
        <TextArea label="Description" rows={3} value={d.description} onChange={(e) => form.set('description', e.target.value)} error={errors.description} />

        <SelectInput
          label="Contract company"
          value={d.contractCompanyId}
          onChange={(e) => {
            form.set('contractCompanyId', e.target.value);
            setMismatch(null);
          }}
          error={errors.contractCompanyId}
          hint={`The company doing the work or supplying materials. Its employees can be ${vocabulary.invoiceContacts}.`}
        >
          <option value="">None chosen</option>
          {d.contractCompanyId && !companies.some((c) => c.id === d.contractCompanyId) ? (
            <option value={d.contractCompanyId}>{companyName(d.contractCompanyId)}</option>
          ) : null}
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
        {mismatch ? (
          <div className="banner banner-warning cm-mismatch" role="alert">
            <div>
              <p>
                <strong>
                  {mismatch.names.join(', ')} {mismatch.names.length === 1 ? 'is an' : 'are'} {mismatch.names.length === 1 ? vocabulary.invoiceContact : vocabulary.invoiceContacts} from{' '}
                  {endSentence(mismatch.from)}
                </strong>
              </p>
              <p>
                {capitalize(vocabulary.invoiceContacts)} must work for the contract company, so changing it to {mismatch.to} removes{' '}
                {mismatch.names.length === 1 ? 'them' : 'all of them'} as {vocabulary.invoiceContacts} (and from the private list, unless added there by hand).
              </p>
            </div>
            <div className="kit-actions">
              <Button tone="danger" busy={busy} onClick={() => void save(true)}>
                Remove {mismatch.names.length === 1 ? 'that contact' : 'those contacts'} and change company
              </Button>
              <Button
                onClick={() => {
                  form.set('contractCompanyId', base.fields.contractCompanyId);
                  setMismatch(null);
                }}
              >
                Keep {mismatch.from}
              </Button>
            </div>
          </div>
        ) : null}

        <div className="form-grid">
          <TextInput label="Work retainage (%)" inputMode="decimal" value={d.retainageWork} onChange={(e) => form.set('retainageWork', e.target.value)} error={errors.retainageWork} />
          <TextInput
            label="Materials retainage (%)"
            inputMode="decimal"
            value={d.retainageMaterials}
            onChange={(e) => form.set('retainageMaterials', e.target.value)}
            error={errors.retainageMaterials}
          />
          <SelectInput
            label="Accounting method"
            value={d.accountingMethod}
            onChange={(e) => form.set('accountingMethod', e.target.value)}
            error={errors.accountingMethod}
            hint="Cannot change once the schedule of values has lines."
          >
            {(Object.keys(ACCOUNTING_LABELS) as AccountingMethod[]).map((m) => (
              <option key={m} value={m}>
                {ACCOUNTING_LABELS[m]}
              </option>
            ))}
          </SelectInput>
        </div>
        <Checkbox
          label={`Enable the ${vocabulary.subcontractorSov}`}
          hint="Amount-based commitments only."
          checked={d.ssovEnabled}
          onChange={(e) => form.set('ssovEnabled', e.target.checked)}
        />
        {errors.ssovEnabled ? (
          <p className="error-text" role="alert">
            {errors.ssovEnabled}
          </p>
        ) : null}

        <fieldset className="cm-fieldset">
          <legend>Privacy</legend>
          <Checkbox
            label="Private"
            hint={`Only invoice administrators, the ${vocabulary.invoiceContacts} and the people on the private list can see it.`}
            checked={d.isPrivate}
            onChange={(e) => form.set('isPrivate', e.target.checked)}
          />
          <Checkbox
            label="Allow the non-admins on the private list to see the SOV items"
            hint={`${capitalize(vocabulary.invoiceContacts)} always see them.`}
            checked={d.privateSovVisible}
            disabled={!d.isPrivate}
            onChange={(e) => form.set('privateSovVisible', e.target.checked)}
          />
        </fieldset>

        <div className={`cm-save-bar sticky-actions${form.dirty ? '' : ' cm-save-static'}`} aria-live="polite">
          {form.dirty ? <span className="cm-unsaved">Unsaved changes: {form.mine.map((k) => LABELS[k]).join(', ')}</span> : <span className="muted">No unsaved changes</span>}
          <Button
            disabled={!form.dirty || busy}
            onClick={() => {
              form.reset();
              setErrors({});
              setFailure(null);
              setMismatch(null);
            }}
          >
            Discard changes
          </Button>
          <Button tone="primary" type="submit" busy={busy} disabled={busy || !form.dirty || !!form.conflict || !!mismatch}>
            Save details
          </Button>
        </div>
      </form>
    </Card>
  );
}
