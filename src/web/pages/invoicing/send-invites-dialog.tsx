/** "Send invites": invite the selected commitments' contacts to bill the open period, then say per commitment what happened. */
import { useEffect, useId, useMemo, useState, type FormEvent } from 'react';
import { api, ApiError, call, type Schemas } from '../../api/client.ts';
import { Button, Checkbox, ErrorBanner, Loading, Notice } from '../../components/ui.tsx';
import { GuardedDialog } from './guarded-dialog.tsx';
import { useUnsavedChangesGuard } from '../../lib/hooks.ts';
import { useProject } from '../../lib/project.tsx';
import type { BoardRow } from './board-model.ts';
import { compareDates } from '../../../domain/calendar.ts';
import { billingStatusLabel, day, dayRange, errorInWords, humanizeDays, INVOICE_TYPE_LABELS, projectToday, type InvoiceType } from './invoicing-lib.ts';

type Result = Schemas['InviteResult'];
const INVOICE_TYPES = Object.keys(INVOICE_TYPE_LABELS) as InvoiceType[];
const TYPE_HINTS: Record<InvoiceType, string> = {
  work_and_materials: 'Bill work completed and materials stored this period.',
  retainage_release: 'Only release retainage held on earlier invoices.',
  work_materials_retainage: 'Bill work and materials, and release retainage too.',
};

export function SendInvitesDialog({
  open,
  projectId,
  period,
  rows: selectedRows,
  onClose,
  onDone,
}: {
  open: boolean;
  projectId: string;
  period: Schemas['BillingPeriod'] | null;
  rows: BoardRow[];
  onClose: () => void;
  onDone: () => Promise<void>;
}) {
  const { project, vocabulary } = useProject();
  const formId = useId();
  // The rows as they were selected when the dialog opened (the board may reload behind it).
  const [rows] = useState(selectedRows);
  const [invoiceType, setInvoiceType] = useState<InvoiceType>('work_and_materials');
  const [message, setMessage] = useState('');
  const [defaultMessage, setDefaultMessage] = useState<string | null>(null);
  const [settingsError, setSettingsError] = useState<ApiError | null>(null);
  const [includeInvited, setIncludeInvited] = useState(false);
  // The invite may ask for attachments (decision 012): the email says so, and the contact's submit dialog lists it until a file is attached.
  const [requestAttachments, setRequestAttachments] = useState(false);
  const [attachmentsNote, setAttachmentsNote] = useState('');
  const [sending, setSending] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [results, setResults] = useState<Result[] | null>(null);

  // The project's invitation message prefills the text.
  useEffect(() => {
    if (!open || defaultMessage !== null) return;
    let cancelled = false;
    call(api.GET('/api/v1/projects/{projectId}/invoicing-settings', { params: { path: { projectId } } }))
      .then((s) => {
        if (cancelled) return;
        setDefaultMessage(s.inviteMessage);
        setMessage((m) => (m === '' ? s.inviteMessage : m));
      })
      .catch((e: unknown) => {
        if (cancelled) return;
        setDefaultMessage('');
        setSettingsError(e instanceof ApiError ? e : new ApiError(0, undefined));
      });
    return () => {
      cancelled = true;
    };
  }, [open, projectId, defaultMessage]);

  // Commitments that already have an invite this period: sending again replaces it and clears the answer.
  const alreadyInvited = useMemo(() => rows.filter((r) => r.invite !== null), [rows]);
  const blocked = useMemo(() => rows.filter((r) => r.billingStatus === 'no_invoice_contacts' || r.billingStatus === 'ssov_not_approved'), [rows]);
  const targets = useMemo(() => rows.filter((r) => includeInvited || r.invite === null), [rows, includeInvited]);

  const dirty = results === null && open && ((defaultMessage !== null && message !== defaultMessage) || invoiceType !== 'work_and_materials' || requestAttachments);
  useUnsavedChangesGuard(dirty);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (targets.length === 0 || sending) return;
    setSending(true);
    setError(null);
    try {
      const body = {
        commitmentIds: targets.map((r) => r.commitmentId),
        invoiceType,
        // Unloaded settings and an empty message: let the server use the project's message.
        ...(defaultMessage !== null && !(settingsError && message === '') ? { message } : {}),
        ...(requestAttachments ? { requestAttachments: true, ...(attachmentsNote.trim() ? { attachmentsNote: attachmentsNote.trim() } : {}) } : {}),
      };
      const response = await call(api.POST('/api/v1/projects/{projectId}/invites', { params: { path: { projectId } }, body }));
      setResults(response.results);
      void onDone();
    } catch (err) {
      setError(errorInWords(err instanceof ApiError ? err : new ApiError(0, undefined), project.locale));
    } finally {
      setSending(false);
    }
  };

  const byId = useMemo(() => new Map(rows.map((r) => [r.commitmentId, r])), [rows]);
  const refusalInWords = (code: string, reason: string): string => {
    switch (code) {
      case 'no_invoice_contacts':
        return `It has no ${vocabulary.invoiceContact}: add one on the commitment first.`;
      case 'ssov_not_approved':
        return `Its ${vocabulary.subcontractorSov} is not approved yet.`;
      case 'period_not_open':
        return 'No billing period is open: open one under Billing periods.';
      case 'past_due_date':
        return period ? `The billing period was due on ${day(period.dueOn, project.locale)}: invites cannot be sent after the due date.` : humanizeDays(reason, project.locale);
      case 'not_found':
        return 'This commitment is no longer on the project.';
      default:
        return humanizeDays(reason, project.locale);
    }
  };

  const skipped = rows.filter((r) => !targets.includes(r));
  const sentCount = results?.filter((r) => r.sent).length ?? 0;
  const refused = results?.filter((r) => !r.sent) ?? [];

  const footer = (requestClose: () => void) =>
    results ? (
      <Button tone="primary" onClick={onClose}>
        Done
      </Button>
    ) : (
      <>
        <Button onClick={requestClose}>Cancel</Button>
        <Button tone="primary" type="submit" form={formId} busy={sending} disabled={targets.length === 0}>
          {targets.length === 1 ? 'Send 1 invite' : `Send ${targets.length} invites`}
        </Button>
      </>
    );

  return (
    <GuardedDialog open={open} dirty={dirty} title={results ? 'Invites to bill: results' : 'Send invites to bill'} onClose={onClose} footer={footer} discardQuestion="Discard this invite? Nothing has been sent.">
      {results ? (
        <div className="inv-results">
          {sentCount > 0 ? (
            <Notice tone="success">
              <p>
                {sentCount === 1 ? 'Invite sent for 1 commitment.' : `Invites sent for ${sentCount} commitments.`} Their contacts get an email now and can answer Yes or No.
              </p>
            </Notice>
          ) : null}
          {refused.length > 0 ? (
            <Notice tone="warning">
              <p>{refused.length === 1 ? '1 commitment was not invited.' : `${refused.length} commitments were not invited.`} The reasons are below.</p>
            </Notice>
          ) : null}
          <ul className="inv-result-list">
            {results.map((r) => {
              const row = byId.get(r.commitmentId);
              const name = r.number ?? row?.number ?? 'Commitment';
              return (
                <li key={r.commitmentId} className={r.sent ? 'inv-result-ok' : 'inv-result-refused'}>
                  <span className="inv-result-mark" aria-hidden="true">
                    {r.sent ? '✓' : '✕'}
                  </span>
                  <div>
                    <p className="inv-result-title">
                      <strong>{name}</strong> {row?.title} — {r.sent ? 'invite sent' : 'not invited'}
                    </p>
                    {r.refusals && r.refusals.length > 0 ? (
                      <ul className="inv-result-reasons">
                        {r.refusals.map((f) => (
                          <li key={f.code}>{refusalInWords(f.code, f.reason)}</li>
                        ))}
                      </ul>
                    ) : null}
                  </div>
                </li>
              );
            })}
          </ul>
          {skipped.length > 0 ? <p className="hint">Not invited again (already invited this period): {skipped.map((r) => r.number).join(', ')}.</p> : null}
        </div>
      ) : (
        <form id={formId} onSubmit={(e) => void submit(e)}>
          {period ? (
            <p>
              Invite the {vocabulary.invoiceContacts} of{' '}
              <strong>{rows.length === 1 ? `${rows[0]?.number ?? ''}` : `${rows.length} commitments`}</strong> to bill the period{' '}
              <strong>{dayRange(period.startsOn, period.endsOn, project.locale)}</strong>, due <strong>{day(period.dueOn, project.locale)}</strong>. Each contact gets an email asking
              “Do you want to bill this period?”.
            </p>
          ) : null}
          <ErrorBanner error={error} />
          {period && compareDates(projectToday(project.timeZone), period.dueOn) > 0 ? (
            <Notice tone="warning">
              <p>
                The due date ({day(period.dueOn, project.locale)}) has passed: invites cannot be sent for this period any more, so each one will be refused. You can still create
                invoices on a contact's behalf from the board.
              </p>
            </Notice>
          ) : null}

          <fieldset className="inv-radio-group">
            <legend>Invoice type</legend>
            {INVOICE_TYPES.map((t) => (
              <div key={t} className="inv-radio">
                <input type="radio" id={`${formId}-${t}`} name={`${formId}-type`} value={t} checked={invoiceType === t} onChange={() => setInvoiceType(t)} aria-describedby={`${formId}-${t}-hint`} />
                <label htmlFor={`${formId}-${t}`}>{INVOICE_TYPE_LABELS[t]}</label>
                <p className="hint" id={`${formId}-${t}-hint`}>
                  {TYPE_HINTS[t]}
                </p>
              </div>
            ))}
          </fieldset>

          <div className="field">
            <label htmlFor={`${formId}-message`}>Message</label>
            {defaultMessage === null ? (
              <Loading label="Loading the project's invitation message…" />
            ) : (
              <textarea id={`${formId}-message`} value={message} maxLength={2000} rows={4} onChange={(e) => setMessage(e.target.value)} aria-describedby={`${formId}-message-hint`} />
            )}
            <p className="hint" id={`${formId}-message-hint`}>
              {settingsError
                ? "The project's invitation message could not be loaded; leave this empty to use it, or write your own."
                : "Prefilled with the project's invitation message (Settings); change it for this send only."}
            </p>
          </div>

          <div className="inv-attachments-ask">
            <Checkbox
              label="Ask for attachments"
              hint="The email asks the contacts to attach documents to their invoice; their submit dialog lists it until a file is attached."
              checked={requestAttachments}
              onChange={(e) => setRequestAttachments(e.target.checked)}
            />
            {requestAttachments ? (
              <div className="field">
                <label htmlFor={`${formId}-attach-note`}>What to attach (optional)</label>
                <input
                  id={`${formId}-attach-note`}
                  type="text"
                  value={attachmentsNote}
                  maxLength={500}
                  placeholder="e.g. Conditional lien waiver and certified payroll"
                  onChange={(e) => setAttachmentsNote(e.target.value)}
                />
              </div>
            ) : null}
          </div>

          {blocked.length > 0 ? (
            <Notice tone="warning">
              <p>
                {blocked.map((r) => r.number).join(', ')} cannot be invited yet ({blocked.map((r) => billingStatusLabel(r.billingStatus, vocabulary)).filter((v, i, a) => a.indexOf(v) === i).join(', ')}). They will be reported as
                not invited.
              </p>
            </Notice>
          ) : null}
          {alreadyInvited.length > 0 ? (
            <div className="inv-already-invited">
              <p>
                <strong>{alreadyInvited.length === 1 ? '1 selected commitment was' : `${alreadyInvited.length} selected commitments were`} already invited</strong> this period
                ({alreadyInvited.map((r) => r.number).join(', ')}). Inviting again sends a new email and clears their Yes/No answer.
              </p>
              <Checkbox label="Invite them again too" checked={includeInvited} onChange={(e) => setIncludeInvited(e.target.checked)} />
            </div>
          ) : null}
          {targets.length === 0 ? <p className="error-text">Every selected commitment was already invited. Tick “Invite them again too” to send anyway.</p> : null}
        </form>
      )}
    </GuardedDialog>
  );
}
