/** Company admins add new companies and people to the company directory (and, optionally, to this project). */
import { useId, useRef, useState, type FormEvent } from 'react';
import { api, call, type ApiError, type Schemas } from '../../api/client.ts';
import { Button, Checkbox, Dialog, ErrorBanner, Notice, SelectInput, TextInput } from '../../components/ui.tsx';
import { toApiError, useFocusFirstError } from '../commitments/form-kit.tsx';
import { COMPANY_KIND_LABELS, PERMISSION_LABELS, PERMISSION_LEVELS, type CompanyKind, type PermissionLevel } from '../commitments/labels.ts';

export function NewCompanyDialog({ open, projectId, onClose, onCreated }: { open: boolean; projectId: string; onClose: () => void; onCreated: (message: string) => Promise<void> }) {
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

export function NewPersonDialog({
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
