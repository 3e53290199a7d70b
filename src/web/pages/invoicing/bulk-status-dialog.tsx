/** "Change status": move the selected commitments' latest invoices on, then say per invoice what happened. */
import { useId, useMemo, useState, type FormEvent } from 'react';
import { api, ApiError, call } from '../../api/client.ts';
import { availableActions, STATUS_LABELS, type InvoiceAction, type InvoiceStatus } from '../../../domain/invoice-status.ts';
import { Button, Checkbox, Dialog, ErrorBanner, Notice, StatusBadge } from '../../components/ui.tsx';
import { useProject } from '../../lib/project.tsx';
import { formatMoney } from '../../../domain/format.ts';
import type { BoardRow } from './board-model.ts';
import { errorInWords, humanizeDays, invoiceName } from './invoicing-lib.ts';

type BulkResult = { invoiceId: string; ok: boolean; status?: string; error?: { code: string; message: string } };

const ACTIONS: { action: InvoiceAction; label: string; hint: string }[] = [
  { action: 'approve', label: 'Approve', hint: 'Under Review or Pending Owner Approval → Approved. The amounts are final.' },
  { action: 'approve_as_noted', label: 'Approve as noted', hint: 'Approved, with the differences noted on the invoice.' },
  { action: 'request_revision', label: 'Send back (Revise & Resubmit)', hint: 'The contacts get an email to fix and resubmit.' },
  { action: 'send_to_owner', label: 'Send to owner', hint: 'Under Review → Pending Owner Approval.' },
  { action: 'submit', label: 'Submit for review', hint: "Draft or Revise & Resubmit → Under Review, on the contact's behalf." },
];

const TARGET_STATUS: Record<InvoiceAction, InvoiceStatus> = {
  approve: 'approved',
  approve_as_noted: 'approved_as_noted',
  request_revision: 'revise_and_resubmit',
  send_to_owner: 'pending_owner_approval',
  submit: 'under_review',
};

export function BulkStatusDialog({
  open,
  projectId,
  rows: selectedRows,
  onClose,
  onDone,
}: {
  open: boolean;
  projectId: string;
  rows: BoardRow[];
  onClose: () => void;
  onDone: () => Promise<void>;
}) {
  const { project } = useProject();
  const formId = useId();
  const [rows] = useState(selectedRows);
  const withInvoice = useMemo(() => rows.filter((r) => r.latestInvoice !== null), [rows]);
  const withoutInvoice = useMemo(() => rows.filter((r) => r.latestInvoice === null), [rows]);
  const [action, setAction] = useState<InvoiceAction | null>(null);
  // Submitting on the contacts' behalf: go on although attachments asked for, or backup for stored
  // materials, are missing (decision 012) — a deliberate choice, recorded on each invoice.
  const [acknowledgeMissing, setAcknowledgeMissing] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [results, setResults] = useState<BulkResult[] | null>(null);

  // How many of the selected invoices each action can apply to (the server checks each again).
  const applicable = useMemo(() => {
    const out = new Map<InvoiceAction, number>();
    for (const r of withInvoice) {
      for (const a of availableActions(r.latestInvoice?.status as InvoiceStatus, 'admin')) out.set(a, (out.get(a) ?? 0) + 1);
    }
    return out;
  }, [withInvoice]);

  const close = () => {
    if (!open || busy) return;
    onClose();
  };

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (!action || withInvoice.length === 0 || busy) return;
    setBusy(true);
    setError(null);
    try {
      const response = await call(
        api.POST('/api/v1/projects/{projectId}/invoices/bulk-transitions', {
          params: { path: { projectId } },
          body: { action, invoiceIds: withInvoice.map((r) => r.latestInvoice?.id ?? ''), ...(action === 'submit' && acknowledgeMissing ? { acknowledgeMissing: true } : {}) },
        }),
      );
      setResults(response.results);
      void onDone();
    } catch (err) {
      setError(errorInWords(err instanceof ApiError ? err : new ApiError(0, undefined), project.locale));
    } finally {
      setBusy(false);
    }
  };

  const refusalInWords = (error: { code: string; message: string }, status: string | undefined): string => {
    const target = action ? TARGET_STATUS[action] : undefined;
    if (error.code === 'invalid_transition' && status && status === target) return `It is already ${STATUS_LABELS[status as InvoiceStatus]}.`;
    if (error.code === 'version_conflict') return 'Someone changed this invoice a moment ago. Open it to check, then try again.';
    if (error.code === 'submission_incomplete') {
      const money = (amount: string) => formatMoney(Number(amount.replace(/[,.]/g, '')), project.currency, project.locale);
      const said = error.message.replace(/\(([\d,]+\.\d{2})\)/g, (_, amount: string) => `(${money(amount)})`).replace(/ Attach what is missing, or confirm that you submit without it\.$/, '');
      return `${said} Attach it on the invoice, or submit again with “Submit even when attachments are missing”.`;
    }
    return humanizeDays(error.message, project.locale);
  };
  const byInvoice = useMemo(() => new Map(withInvoice.map((r) => [r.latestInvoice?.id ?? '', r])), [withInvoice]);
  const okCount = results?.filter((r) => r.ok).length ?? 0;
  const refusedCount = (results?.length ?? 0) - okCount;
  const chosen = ACTIONS.find((a) => a.action === action);

  const footer = results ? (
    <Button tone="primary" onClick={onClose}>
      Done
    </Button>
  ) : (
    <>
      <Button onClick={close} disabled={busy}>
        Cancel
      </Button>
      <Button tone="primary" type="submit" form={formId} busy={busy} disabled={!action || withInvoice.length === 0}>
        {chosen ? `${chosen.label}: ${withInvoice.length} ${withInvoice.length === 1 ? 'invoice' : 'invoices'}` : 'Choose a status'}
      </Button>
    </>
  );

  return (
    <Dialog open={open} title={results ? 'Status change: results' : 'Change invoice status'} onClose={close} footer={footer}>
      {results ? (
        <div className="inv-results">
          {okCount > 0 ? (
            <Notice tone="success">
              <p>{okCount === 1 ? '1 invoice changed.' : `${okCount} invoices changed.`}</p>
            </Notice>
          ) : null}
          {refusedCount > 0 ? (
            <Notice tone="warning">
              <p>{refusedCount === 1 ? '1 invoice was not changed.' : `${refusedCount} invoices were not changed.`} The reasons are below; open an invoice to fix it.</p>
            </Notice>
          ) : null}
          <ul className="inv-result-list">
            {results.map((r) => {
              const row = byInvoice.get(r.invoiceId);
              return (
                <li key={r.invoiceId} className={r.ok ? 'inv-result-ok' : 'inv-result-refused'}>
                  <span className="inv-result-mark" aria-hidden="true">
                    {r.ok ? '✓' : '✕'}
                  </span>
                  <div>
                    <p className="inv-result-title">
                      <strong>{row?.number}</strong> invoice {invoiceName(row?.latestInvoice?.label ?? '')} —{' '}
                      {r.ok && r.status ? (
                        <>
                          now <StatusBadge status={r.status} label={STATUS_LABELS[r.status as InvoiceStatus] ?? r.status} />
                        </>
                      ) : (
                        'not changed'
                      )}
                    </p>
                    {r.error ? <p className="inv-result-reason">{refusalInWords(r.error, row?.latestInvoice?.status)}</p> : null}
                  </div>
                </li>
              );
            })}
          </ul>
          {withoutInvoice.length > 0 ? <p className="hint">Skipped (no invoice this period): {withoutInvoice.map((r) => r.number).join(', ')}.</p> : null}
        </div>
      ) : (
        <form id={formId} onSubmit={(e) => void submit(e)}>
          <ErrorBanner error={error} />
          {withInvoice.length === 0 ? (
            <Notice tone="warning">
              <p>None of the selected commitments has an invoice this period, so there is no status to change. Select rows with an invoice.</p>
            </Notice>
          ) : (
            <p>
              Change the latest invoice of{' '}
              <strong>{withInvoice.length === 1 ? withInvoice[0]?.number : `${withInvoice.length} commitments`}</strong>. Each invoice is checked on its own; the ones that
              cannot move are listed with the reason.
            </p>
          )}
          {withoutInvoice.length > 0 && withInvoice.length > 0 ? (
            <p className="hint">Left out, no invoice this period: {withoutInvoice.map((r) => r.number).join(', ')}.</p>
          ) : null}
          <fieldset className="inv-radio-group" disabled={withInvoice.length === 0}>
            <legend>New status</legend>
            {ACTIONS.map((a) => {
              const n = applicable.get(a.action) ?? 0;
              return (
                <div key={a.action} className="inv-radio">
                  <input type="radio" id={`${formId}-${a.action}`} name={`${formId}-action`} checked={action === a.action} onChange={() => setAction(a.action)} aria-describedby={`${formId}-${a.action}-hint`} />
                  <label htmlFor={`${formId}-${a.action}`}>{a.label}</label>
                  <p className="hint" id={`${formId}-${a.action}-hint`}>
                    {a.hint} {withInvoice.length > 0 ? <span className={n === 0 ? 'inv-applies-none' : undefined}>Applies to {n} of {withInvoice.length}.</span> : null}
                  </p>
                </div>
              );
            })}
          </fieldset>
          {action === 'submit' ? (
            <Checkbox
              label="Submit even when attachments are missing"
              hint="Without this, an invoice whose invite asked for attachments, or that bills stored materials, is not submitted until a file is attached. With it, what was missing is recorded in the invoice’s history."
              checked={acknowledgeMissing}
              onChange={(e) => setAcknowledgeMissing(e.target.checked)}
            />
          ) : null}
        </form>
      )}
    </Dialog>
  );
}
