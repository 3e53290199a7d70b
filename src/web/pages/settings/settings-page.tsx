/**
 * Project settings for invoice administrators: invoicing (billing period defaults, invites,
 * reminders, digest, approval notices, overbilling), the invoice distribution list, the project's
 * details and terminology, and for company admins the company-wide overbilling switch.
 * (The automatic billing-period schedule lives on the Billing periods page.)
 */
import { useMemo, useRef, useState, type FormEvent } from 'react';
import { api, call, type ApiError, type Schemas } from '../../api/client.ts';
import { Button, Card, Checkbox, ErrorBanner, Loading, Notice, PageHeader, SelectInput, TextInput } from '../../components/ui.tsx';
import { useDocumentTitle, useLoad, useUnsavedChangesGuard } from '../../lib/hooks.ts';
import { useProject } from '../../lib/project.tsx';
import { Link } from '../../lib/router.tsx';
import { useUser } from '../../lib/session.tsx';
import { formatDay, formatMoney } from '../../../domain/format.ts';
import { INVOICE_TYPE_LABELS } from '../../../domain/invite-to-bill.ts';
import { vocabularyFor, type Terminology } from '../../../domain/project.ts';
import {
  ConflictNotice,
  TextArea,
  toApiError,
  useDirtyRegistry,
  useFlash,
  useFocusFirstError,
  useReportDirty,
  useVersionedForm,
  type ChangeLine,
  type Versioned,
} from '../commitments/form-kit.tsx';
import { capitalize } from '../commitments/labels.ts';
import './settings.css';

type Settings = Schemas['InvoicingSettings'];
type Project = Schemas['ProjectWithAccess'];

export function SettingsPage({ params }: { params: Record<string, string> }) {
  const projectId = params.projectId ?? '';
  const { project } = useProject();
  const user = useUser();
  useDocumentTitle(`Settings · ${project.name}`);
  const settings = useLoad(() => call(api.GET('/api/v1/projects/{projectId}/invoicing-settings', { params: { path: { projectId } } })), [projectId]);
  const { anyDirty, report } = useDirtyRegistry();
  useUnsavedChangesGuard(anyDirty);

  return (
    <div className="set-page">
      <PageHeader title="Settings" subtitle="How invoicing works on this project, and the project’s details." />
      <nav className="set-jump" aria-label="On this page">
        <a href="#invoicing">Invoicing</a>
        <a href="#distribution">Invoice distribution list</a>
        <a href="#project">Project details</a>
        {user.isCompanyAdmin ? <a href="#company">Company-wide</a> : null}
      </nav>
      <ErrorBanner error={settings.error} onRetry={() => void settings.reload()} />
      {!settings.data && !settings.error ? <Loading label="Loading settings…" /> : null}
      {settings.data ? (
        <>
          <div id="invoicing">
            <InvoicingSettingsForm projectId={projectId} settings={settings.data} onSaved={settings.setData} report={report} />
          </div>
          <div className="set-columns">
            <div id="distribution">
              <DistributionCard projectId={projectId} settings={settings.data} onSaved={settings.setData} report={report} />
            </div>
            <div id="project">
              <ProjectDetailsForm projectId={projectId} report={report} />
            </div>
          </div>
          {user.isCompanyAdmin ? (
            <div id="company">
              <CompanySettingsCard settings={settings.data} onSaved={() => void settings.reload()} report={report} />
            </div>
          ) : null}
        </>
      ) : null}
    </div>
  );
}

// ---------------------------------------------------------------------------------------------
// Invoicing settings (versioned).

type Fields = {
  periodStartDay: string;
  periodEndDay: string;
  periodDueDay: string;
  inviteMessage: string;
  contactsMayBillWithoutInvite: boolean;
  contactDefaultInvoiceType: string;
  remindersEnabled: boolean;
  reminderFrequencyDays: string;
  digestEnabled: boolean;
  approvalNoticesEnabled: boolean;
  allowOverbilling: boolean;
  twoPersonPaymentRule: boolean;
  pdfPageSize: string;
};

function fieldsOf(s: Settings): Fields {
  return {
    periodStartDay: String(s.periodStartDay),
    periodEndDay: String(s.periodEndDay),
    periodDueDay: String(s.periodDueDay),
    inviteMessage: s.inviteMessage,
    contactsMayBillWithoutInvite: s.contactsMayBillWithoutInvite,
    contactDefaultInvoiceType: s.contactDefaultInvoiceType,
    remindersEnabled: s.remindersEnabled,
    reminderFrequencyDays: String(s.reminderFrequencyDays),
    digestEnabled: s.digestEnabled,
    approvalNoticesEnabled: s.approvalNoticesEnabled,
    allowOverbilling: s.allowOverbilling,
    twoPersonPaymentRule: s.twoPersonPaymentRule,
    pdfPageSize: s.pdfPageSize,
  };
}

const DAYS = Array.from({ length: 31 }, (_, i) => i + 1);
const ordinal = (n: number) => `${n}${n % 10 === 1 && n !== 11 ? 'st' : n % 10 === 2 && n !== 12 ? 'nd' : n % 10 === 3 && n !== 13 ? 'rd' : 'th'}`;
const FREQUENCY_LABELS: Record<string, string> = { '1': 'Every day', '2': 'Every 2 days', '3': 'Every 3 days' };
const PAGE_SIZE_LABELS: Record<string, string> = { letter: 'US Letter (8.5 × 11 in)', a4: 'A4 (210 × 297 mm)' };

function InvoicingSettingsForm({
  projectId,
  settings,
  onSaved,
  report,
}: {
  projectId: string;
  settings: Settings;
  onSaved: (s: Settings) => void;
  report: (key: string, dirty: boolean) => void;
}) {
  const { vocabulary } = useProject();
  const server = useMemo<Versioned<Fields>>(() => ({ version: settings.version, fields: fieldsOf(settings) }), [settings]);
  const form = useVersionedForm(server);
  useReportDirty(report, 'invoicing', form.dirty);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const formRef = useRef<HTMLFormElement>(null);
  useFocusFirstError(errors, formRef);
  const [failure, setFailure] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);
  const [flash, setFlash] = useFlash();
  const d = form.draft;
  const base = form.base;
  if (!d || !base) return null;

  const LABELS: Record<keyof Fields, string> = {
    periodStartDay: 'Periods start on',
    periodEndDay: 'Periods end on',
    periodDueDay: 'Invoices due on',
    inviteMessage: 'Invitation and reminder message',
    contactsMayBillWithoutInvite: `${capitalize(vocabulary.invoiceContacts)} may bill without an invite`,
    contactDefaultInvoiceType: 'Invoice type without an invite',
    remindersEnabled: 'Reminders',
    reminderFrequencyDays: 'Reminder frequency',
    digestEnabled: 'Weekly digest',
    approvalNoticesEnabled: 'Approval notices',
    allowOverbilling: 'Allow overbilling',
    twoPersonPaymentRule: 'Two-person rule for payments',
    pdfPageSize: 'Pay application paper size',
  };
  const show = (k: keyof Fields, v: string | boolean): string => {
    if (typeof v === 'boolean') return v ? 'On' : 'Off';
    if (k === 'periodEndDay' && v === '31') return 'the last day of the month';
    if (k === 'periodStartDay' || k === 'periodEndDay' || k === 'periodDueDay') return `the ${ordinal(Number(v))}`;
    if (k === 'reminderFrequencyDays') return FREQUENCY_LABELS[v] ?? v;
    if (k === 'pdfPageSize') return PAGE_SIZE_LABELS[v] ?? v;
    if (k === 'contactDefaultInvoiceType') return INVOICE_TYPE_LABELS[v as keyof typeof INVOICE_TYPE_LABELS] ?? v;
    return v.length > 60 ? `${v.slice(0, 60)}…` : v;
  };

  const save = async (version = base.version, retried = false): Promise<void> => {
    const body: Schemas['UpdateInvoicingSettings'] = { version };
    for (const k of form.mine) {
      switch (k) {
        case 'periodStartDay':
        case 'periodEndDay':
        case 'periodDueDay':
          body[k] = Number(d[k]);
          break;
        case 'reminderFrequencyDays':
          body.reminderFrequencyDays = Number(d.reminderFrequencyDays) as 1 | 2 | 3;
          break;
        case 'contactDefaultInvoiceType':
          body.contactDefaultInvoiceType = d.contactDefaultInvoiceType as Settings['contactDefaultInvoiceType'];
          break;
        case 'inviteMessage':
          body.inviteMessage = d.inviteMessage;
          break;
        case 'pdfPageSize':
          body.pdfPageSize = d.pdfPageSize as Settings['pdfPageSize'];
          break;
        default:
          body[k] = d[k];
      }
    }
    setBusy(true);
    setErrors({});
    setFailure(null);
    try {
      const fresh = await call(api.PATCH('/api/v1/projects/{projectId}/invoicing-settings', { params: { path: { projectId } }, body }));
      form.saved({ version: fresh.version, fields: fieldsOf(fresh) });
      onSaved(fresh);
      setFlash('Invoicing settings saved.');
    } catch (err) {
      const e = toApiError(err);
      if (e.status === 409 || e.status === 412) {
        const fresh = await call(api.GET('/api/v1/projects/{projectId}/invoicing-settings', { params: { path: { projectId } } })).catch(() => null);
        if (!fresh) {
          setFailure(e);
          return;
        }
        const outcome = form.receive({ version: fresh.version, fields: fieldsOf(fresh) });
        onSaved(fresh);
        if (outcome === 'same' && !retried) {
          setBusy(false);
          return save(fresh.version, true);
        }
      } else {
        setErrors(e.fieldErrors);
        setFailure(Object.keys(e.fieldErrors).some((k) => k in LABELS) ? null : e);
      }
    } finally {
      setBusy(false);
    }
  };

  const submit = (e: FormEvent) => {
    e.preventDefault();
    void save();
  };
  const changes: ChangeLine[] = form.conflict?.theirChanges.map((k) => ({ label: LABELS[k], from: show(k, base.fields[k]), to: show(k, form.conflict?.theirs.fields[k] ?? '') })) ?? [];
  const dayOptions = (lastDayLabel?: string) =>
    DAYS.map((n) => (
      <option key={n} value={n}>
        {n === 31 && lastDayLabel ? lastDayLabel : `${ordinal(n)} of the month`}
      </option>
    ));

  return (
    <Card title={`${vocabulary.invoicing} settings`}>
      <form ref={formRef} onSubmit={submit} noValidate aria-label={`${vocabulary.invoicing} settings`}>
        {form.conflict ? (
          <ConflictNotice what="settings" plural changes={changes} bothChanged={form.conflict.bothChanged.map((k) => LABELS[k])} onReapply={form.reapply} onDiscard={form.discard} />
        ) : null}
        <ErrorBanner error={failure} />
        {flash && !form.dirty ? <Notice tone="success">{flash}</Notice> : null}

        <div className="set-sections">
          <fieldset className="set-fieldset">
            <legend>Billing period defaults</legend>
            <p className="hint">New billing periods get these dates unless you choose others.</p>
            <div className="form-grid">
              <SelectInput label="Periods start on" value={d.periodStartDay} onChange={(e) => form.set('periodStartDay', e.target.value)} error={errors.periodStartDay}>
                {dayOptions()}
              </SelectInput>
              <SelectInput
                label="Periods end on"
                value={d.periodEndDay}
                onChange={(e) => form.set('periodEndDay', e.target.value)}
                error={errors.periodEndDay}
                hint="Shorter months end on their last day."
              >
                {dayOptions('Last day of the month')}
              </SelectInput>
              <SelectInput label="Invoices due on" value={d.periodDueDay} onChange={(e) => form.set('periodDueDay', e.target.value)} error={errors.periodDueDay}>
                {dayOptions()}
              </SelectInput>
            </div>
            <p className="hint">
              The automatic schedule of billing periods is on the <Link to={`/projects/${projectId}/billing-periods`}>Billing periods</Link> page.
            </p>
          </fieldset>

          <fieldset className="set-fieldset">
            <legend>Invites to bill</legend>
            <TextArea
              label="Invitation and reminder message"
              hint={`Added to every invite to bill and every reminder the ${vocabulary.invoiceContacts} receive.`}
              rows={4}
              maxLength={2000}
              value={d.inviteMessage}
              onChange={(e) => form.set('inviteMessage', e.target.value)}
              error={errors.inviteMessage}
            />
            <Checkbox
              label={`${capitalize(vocabulary.invoiceContacts)} may bill without an invite`}
              hint="They can create an invoice for the open period even when nobody invited them."
              checked={d.contactsMayBillWithoutInvite}
              onChange={(e) => form.set('contactsMayBillWithoutInvite', e.target.checked)}
            />
            <SelectInput
              label="Invoice type when they bill without an invite"
              value={d.contactDefaultInvoiceType}
              onChange={(e) => form.set('contactDefaultInvoiceType', e.target.value)}
              error={errors.contactDefaultInvoiceType}
              disabled={!d.contactsMayBillWithoutInvite}
            >
              <option value="work_and_materials">{INVOICE_TYPE_LABELS.work_and_materials}</option>
              <option value="work_materials_retainage">{INVOICE_TYPE_LABELS.work_materials_retainage}</option>
            </SelectInput>
          </fieldset>

          <fieldset className="set-fieldset">
            <legend>Reminders and notices</legend>
            <Checkbox
              label={`Remind ${vocabulary.invoiceContacts} to bill`}
              hint="After an invite, until they submit an invoice. Reminders stop after the due date."
              checked={d.remindersEnabled}
              onChange={(e) => form.set('remindersEnabled', e.target.checked)}
            />
            <SelectInput
              label="Reminder frequency"
              value={d.reminderFrequencyDays}
              onChange={(e) => form.set('reminderFrequencyDays', e.target.value)}
              error={errors.reminderFrequencyDays}
              disabled={!d.remindersEnabled}
            >
              {['1', '2', '3'].map((v) => (
                <option key={v} value={v}>
                  {FREQUENCY_LABELS[v]}
                </option>
              ))}
            </SelectInput>
            <Checkbox
              label="Send a weekly digest of invoices under review"
              hint="Every Monday, to the invoice distribution list: this period’s invoices in Draft, Under Review and Revise & Resubmit."
              checked={d.digestEnabled}
              onChange={(e) => form.set('digestEnabled', e.target.checked)}
            />
            <Checkbox
              label={`Email the ${vocabulary.invoiceContacts} when their invoice is approved`}
              checked={d.approvalNoticesEnabled}
              onChange={(e) => form.set('approvalNoticesEnabled', e.target.checked)}
            />
          </fieldset>

          <fieldset className="set-fieldset">
            <legend>Overbilling</legend>
            <Checkbox
              label="Allow billing more than 100% of a line"
              hint={
                settings.overbillingLockedByCompany
                  ? 'Your company prevents overbilling on all projects, so it is off here and cannot be turned on. A company admin can change that company-wide.'
                  : 'When off, an invoice with any line above 100% of its scheduled value cannot be saved; the line is named.'
              }
              checked={settings.overbillingLockedByCompany ? false : d.allowOverbilling}
              disabled={settings.overbillingLockedByCompany}
              onChange={(e) => form.set('allowOverbilling', e.target.checked)}
            />
            {errors.allowOverbilling ? (
              <p className="error-text" role="alert">
                {errors.allowOverbilling}
              </p>
            ) : null}
          </fieldset>

          <fieldset className="set-fieldset">
            <legend>Payments</legend>
            <Checkbox
              label="Two-person rule: whoever approved an invoice cannot record its payment"
              hint="Another invoice administrator records the payment of an invoice you approved."
              checked={d.twoPersonPaymentRule}
              onChange={(e) => form.set('twoPersonPaymentRule', e.target.checked)}
            />
          </fieldset>

          <fieldset className="set-fieldset">
            <legend>Pay application PDF</legend>
            <SelectInput
              label="Paper size"
              hint="The page size of every pay application PDF downloaded from this project."
              value={d.pdfPageSize}
              onChange={(e) => form.set('pdfPageSize', e.target.value)}
              error={errors.pdfPageSize}
            >
              {Object.entries(PAGE_SIZE_LABELS).map(([v, label]) => (
                <option key={v} value={v}>
                  {label}
                </option>
              ))}
            </SelectInput>
          </fieldset>
        </div>

        <div className={`set-save-bar sticky-actions${form.dirty ? '' : ' set-save-static'}`} aria-live="polite">
          {form.dirty ? <span className="set-unsaved">Unsaved changes: {form.mine.map((k) => LABELS[k]).join(', ')}</span> : <span className="muted">No unsaved changes</span>}
          <Button
            disabled={!form.dirty || busy}
            onClick={() => {
              form.reset();
              setErrors({});
              setFailure(null);
            }}
          >
            Discard changes
          </Button>
          <Button tone="primary" type="submit" busy={busy} disabled={busy || !form.dirty || !!form.conflict}>
            Save {vocabulary.invoicing.toLowerCase()} settings
          </Button>
        </div>
      </form>
    </Card>
  );
}

// ---------------------------------------------------------------------------------------------

function DistributionCard({
  projectId,
  settings,
  onSaved,
  report,
}: {
  projectId: string;
  settings: Settings;
  onSaved: (s: Settings) => void;
  report: (key: string, dirty: boolean) => void;
}) {
  const directory = useLoad(() => call(api.GET('/api/v1/projects/{projectId}/directory', { params: { path: { projectId } } })), [projectId]);
  const saved = useMemo(() => settings.invoiceDistribution.map((p) => p.userId).sort(), [settings.invoiceDistribution]);
  const [chosen, setChosen] = useState<string[] | null>(null);
  const current = chosen ?? saved;
  const dirty = chosen !== null && JSON.stringify([...chosen].sort()) !== JSON.stringify(saved);
  useReportDirty(report, 'distribution', dirty);
  const [failure, setFailure] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);
  const [flash, setFlash] = useFlash();

  const admins = (directory.data?.users ?? []).filter((u) => u.commitmentsPermission === 'admin').sort((a, b) => a.name.localeCompare(b.name));
  // People on the list who are no longer project Admins still show, so they can be taken off.
  const stale = settings.invoiceDistribution.filter((p) => !admins.some((a) => a.userId === p.userId));

  const toggle = (userId: string, on: boolean) => setChosen((c) => {
    const base = c ?? saved;
    return on ? [...new Set([...base, userId])] : base.filter((id) => id !== userId);
  });

  const save = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setFailure(null);
    try {
      const fresh = await call(api.PUT('/api/v1/projects/{projectId}/invoicing-settings/distribution', { params: { path: { projectId } }, body: { userIds: current } }));
      setChosen(null);
      onSaved(fresh);
      setFlash('Invoice distribution list saved.');
    } catch (err) {
      setFailure(toApiError(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Card title="Invoice distribution list">
      <form onSubmit={save} aria-label="Invoice distribution list">
        <p className="hint">
          Who gets the “invoice submitted” emails and the weekly digest. Only the project’s invoice administrators (Admin on Commitments) can be on it. If nobody on the list can
          receive email, the project’s invoice administrators get them instead.
        </p>
        {settings.invoiceDistributionFollowsAdministrators ? (
          <p className="hint" data-testid="distribution-follows">
            Until you save a change here, the list follows the project’s Admins on Commitments: whoever is made Admin joins it.
          </p>
        ) : null}
        <ErrorBanner error={failure ?? directory.error} />
        {flash && !dirty ? <Notice tone="success">{flash}</Notice> : null}
        {!directory.data && !directory.error ? <Loading label="Loading the project’s administrators…" /> : null}
        {directory.data && admins.length === 0 ? (
          <p className="muted">
            Nobody has Admin on Commitments in the <Link to={`/projects/${projectId}/directory`}>project directory</Link>.
          </p>
        ) : null}
        <fieldset className="set-fieldset set-plain">
          <legend className="visually-hidden">People on the invoice distribution list</legend>
          {admins.map((a) => (
            <Checkbox key={a.userId} label={`${a.name} (${a.email})`} checked={current.includes(a.userId)} onChange={(e) => toggle(a.userId, e.target.checked)} />
          ))}
          {stale.map((p) => (
            <Checkbox
              key={p.userId}
              label={`${p.name} (${p.email})`}
              hint="No longer an Admin on this project."
              checked={current.includes(p.userId)}
              onChange={(e) => toggle(p.userId, e.target.checked)}
            />
          ))}
        </fieldset>
        <div className="set-save-bar">
          {dirty ? <span className="set-unsaved">Unsaved changes</span> : <span className="muted">{saved.length} on the list</span>}
          <Button disabled={!dirty || busy} onClick={() => setChosen(null)}>
            Discard
          </Button>
          <Button type="submit" tone="primary" busy={busy} disabled={busy || !dirty}>
            Save list
          </Button>
        </div>
      </form>
    </Card>
  );
}

// ---------------------------------------------------------------------------------------------

type ProjectFields = { name: string; number: string; address: string; currency: string; locale: string; timeZone: string; terminology: string };

function projectFields(p: Project): ProjectFields {
  return { name: p.name, number: p.number, address: p.address, currency: p.currency, locale: p.locale, timeZone: p.timeZone, terminology: p.terminology };
}

const TERMINOLOGY_LABELS: Record<Terminology, string> = {
  general_contractor: 'General contractor',
  owner: 'Owner',
  specialty_contractor: 'Specialty contractor',
};

function timeZones(current: string): string[] {
  let zones: string[] = [];
  try {
    zones = Intl.supportedValuesOf('timeZone');
  } catch {
    zones = [];
  }
  return zones.includes(current) ? zones : [current, ...zones];
}

function ProjectDetailsForm({ projectId, report }: { projectId: string; report: (key: string, dirty: boolean) => void }) {
  const { project, reload } = useProject();
  const [draft, setDraft] = useState<ProjectFields>(() => projectFields(project));
  const saved = projectFields(project);
  const changed = (Object.keys(saved) as (keyof ProjectFields)[]).filter((k) => saved[k] !== draft[k]);
  const dirty = changed.length > 0;
  useReportDirty(report, 'project', dirty);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const formRef = useRef<HTMLFormElement>(null);
  useFocusFirstError(errors, formRef);
  const [failure, setFailure] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);
  const [flash, setFlash] = useFlash();
  const zones = useMemo(() => timeZones(draft.timeZone), [draft.timeZone]);
  const set = (k: keyof ProjectFields, v: string) => setDraft((x) => ({ ...x, [k]: v }));
  const preview = vocabularyFor(draft.terminology as Terminology);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (!draft.name.trim()) {
      setErrors({ name: 'Enter the project’s name.' });
      return;
    }
    const body: Schemas['UpdateProject'] = {};
    for (const k of changed) {
      if (k === 'currency') body.currency = draft.currency as Project['currency'];
      else if (k === 'locale') body.locale = draft.locale as Project['locale'];
      else if (k === 'terminology') body.terminology = draft.terminology as Project['terminology'];
      else body[k] = k === 'name' ? draft.name.trim() : draft[k];
    }
    setBusy(true);
    setErrors({});
    setFailure(null);
    try {
      const fresh = await call(api.PATCH('/api/v1/projects/{projectId}', { params: { path: { projectId } }, body }));
      setDraft(projectFields({ ...project, ...fresh }));
      await reload();
      setFlash('Project details saved.');
    } catch (err) {
      const apiError = toApiError(err);
      setErrors(apiError.fieldErrors);
      setFailure(Object.keys(apiError.fieldErrors).some((k) => k in saved) ? null : apiError);
    } finally {
      setBusy(false);
    }
  };

  return (
    <Card title="Project details">
      <form ref={formRef} onSubmit={submit} noValidate aria-label="Project details">
        <ErrorBanner error={failure} />
        {flash && !dirty ? <Notice tone="success">{flash}</Notice> : null}
        <TextInput label="Project name" value={draft.name} onChange={(e) => set('name', e.target.value)} error={errors.name} maxLength={200} />
        <div className="form-grid">
          <TextInput label="Project number" value={draft.number} onChange={(e) => set('number', e.target.value)} error={errors.number} maxLength={50} />
          <SelectInput label="Terminology" value={draft.terminology} onChange={(e) => set('terminology', e.target.value)} error={errors.terminology}>
            {(Object.keys(TERMINOLOGY_LABELS) as Terminology[]).map((t) => (
              <option key={t} value={t}>
                {TERMINOLOGY_LABELS[t]}
              </option>
            ))}
          </SelectInput>
        </div>
        <p className="hint set-preview">
          Words people see: “{preview.invoicing}”, “{preview.subcontractorSov}”, “{preview.invoiceContact}”.
        </p>
        <TextInput label="Address" value={draft.address} onChange={(e) => set('address', e.target.value)} error={errors.address} maxLength={1000} />
        <div className="form-grid">
          <SelectInput label="Currency" value={draft.currency} onChange={(e) => set('currency', e.target.value)} error={errors.currency}>
            <option value="USD">US dollar (USD)</option>
            <option value="CAD">Canadian dollar (CAD)</option>
          </SelectInput>
          <SelectInput label="Number and date format" value={draft.locale} onChange={(e) => set('locale', e.target.value)} error={errors.locale}>
            <option value="en-US">English (United States)</option>
            <option value="en-CA">English (Canada)</option>
          </SelectInput>
          <SelectInput label="Time zone" value={draft.timeZone} onChange={(e) => set('timeZone', e.target.value)} error={errors.timeZone}>
            {zones.map((z) => (
              <option key={z} value={z}>
                {z.replace(/_/g, ' ')}
              </option>
            ))}
          </SelectInput>
        </div>
        <p className="hint set-preview">
          Amounts look like {formatMoney(123456789, draft.currency, draft.locale)}; dates like {formatDay('2026-11-25', draft.locale)}.
        </p>
        <div className="set-save-bar">
          {dirty ? <span className="set-unsaved">Unsaved changes</span> : <span className="muted">No unsaved changes</span>}
          <Button
            disabled={!dirty || busy}
            onClick={() => {
              setDraft(saved);
              setErrors({});
              setFailure(null);
            }}
          >
            Discard
          </Button>
          <Button type="submit" tone="primary" busy={busy} disabled={busy || !dirty}>
            Save project details
          </Button>
        </div>
      </form>
    </Card>
  );
}

// ---------------------------------------------------------------------------------------------

function CompanySettingsCard({ settings, onSaved, report }: { settings: Settings; onSaved: () => void; report: (key: string, dirty: boolean) => void }) {
  const [value, setValue] = useState<boolean | null>(null);
  const current = value ?? settings.overbillingLockedByCompany;
  const dirty = value !== null && value !== settings.overbillingLockedByCompany;
  useReportDirty(report, 'company', dirty);
  const [failure, setFailure] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);
  const [flash, setFlash] = useFlash();
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setFailure(null);
    try {
      const fresh = await call(api.PATCH('/api/v1/company-settings', { body: { preventOverbillingAllProjects: current } }));
      setValue(null);
      onSaved();
      setFlash(fresh.preventOverbillingAllProjects ? 'Overbilling is now prevented on every project.' : 'Each project decides about overbilling again.');
    } catch (err) {
      setFailure(toApiError(err));
    } finally {
      setBusy(false);
    }
  };
  return (
    <Card title="Company-wide (company admins)">
      <form onSubmit={submit} aria-label="Company-wide settings">
        <ErrorBanner error={failure} />
        {flash && !dirty ? <Notice tone="success">{flash}</Notice> : null}
        <Checkbox
          label="Prevent overbilling on all projects"
          hint="Applies to every project of your company and locks each project’s overbilling setting off."
          checked={current}
          onChange={(e) => setValue(e.target.checked)}
        />
        <div className="set-save-bar">
          {dirty ? <span className="set-unsaved">Unsaved change</span> : null}
          <Button type="submit" tone="primary" busy={busy} disabled={busy || !dirty}>
            Save company setting
          </Button>
        </div>
      </form>
    </Card>
  );
}
