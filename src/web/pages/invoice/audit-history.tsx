/** An invoice's history for administrators: who did what and when, in words. */
import { memo, useState } from 'react';
import { api, ApiError, call, type Schemas } from '../../api/client.ts';
import { ErrorBanner, Loading } from '../../components/ui.tsx';
import { formatInstant } from '../../../domain/format.ts';
import { STATUS_LABELS, type InvoiceStatus } from '../../../domain/invoice-status.ts';
import type { InvoiceLine } from './invoice-model.ts';

type Entry = Schemas['AuditEntry'];
type Obj = Record<string, unknown>;

const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const list = (names: string[]) => (names.length <= 1 ? (names[0] ?? '') : `${names.slice(0, -1).join(', ')} and ${names[names.length - 1]}`);

function linesPhrase(ids: string[], names: Map<string, string>): string {
  const labels = ids.map((id) => names.get(id) ?? 'a removed line');
  if (labels.length > 6) return `${labels.length} lines`;
  const numbers = labels.map((l) => l.replace(/^line /, ''));
  return labels.every((l) => l.startsWith('line ')) ? `line${labels.length > 1 ? 's' : ''} ${list(numbers)}` : list(labels);
}

export function describeAudit(entry: Entry, names: Map<string, string>, money: (cents: number) => string, filenames: Map<string, string>): string {
  const before = entry.before;
  const after = entry.after;
  switch (entry.action) {
    case 'create':
      return 'created the invoice';
    case 'update': {
      if (!isObj(after)) return 'changed the invoice details';
      const parts: string[] = [];
      if ('number' in after) parts.push(after.number ? `the invoice number to “${String(after.number)}”` : 'the invoice number');
      if ('billingDate' in after) parts.push(`the billing date to ${String(after.billingDate)}`);
      if ('periodStart' in after || 'periodEnd' in after) parts.push('the period dates');
      if ('comments' in after) parts.push('the comments');
      return parts.length > 0 ? `changed ${list(parts)}` : 'saved the invoice details';
    }
    case 'save_lines':
    case 'certify_lines': {
      const rows = Array.isArray(after) ? after.filter(isObj) : [];
      const prior = new Map((Array.isArray(before) ? before.filter(isObj) : []).map((b) => [String(b.lineId), b]));
      const ids = rows.map((r) => String(r.lineId));
      const rateIds = rows.filter((r) => JSON.stringify(r.rates) !== JSON.stringify(prior.get(String(r.lineId))?.rates)).map((r) => String(r.lineId));
      const amountIds = rows
        .filter((r) => JSON.stringify(entry.action === 'certify_lines' ? r.certified : r.claimed) !== JSON.stringify(entry.action === 'certify_lines' ? prior.get(String(r.lineId))?.certified : prior.get(String(r.lineId))?.claimed))
        .map((r) => String(r.lineId));
      const parts: string[] = [];
      if (amountIds.length > 0 || rateIds.length === 0) {
        parts.push(`${entry.action === 'certify_lines' ? 'certified different amounts on' : 'entered amounts on'} ${linesPhrase(amountIds.length > 0 ? amountIds : ids, names)}`);
      }
      if (rateIds.length > 0) parts.push(`changed the retainage rates on ${linesPhrase(rateIds, names)}`);
      const reasons = rows.filter((r) => typeof r.differenceReason === 'string' && r.differenceReason).map((r) => `“${String(r.differenceReason)}”`);
      return `${list(parts)}${entry.action === 'certify_lines' && reasons.length > 0 && reasons.length <= 3 ? ` (reason: ${reasons.join('; ')})` : ''}`;
    }
    case 'review_lines': {
      const rows = Array.isArray(after) ? after.filter(isObj) : [];
      const approved = rows.filter((r) => r.decision === 'approved').map((r) => String(r.lineId));
      const rejected = rows.filter((r) => r.decision === 'rejected');
      const cleared = rows.filter((r) => r.decision === null).map((r) => String(r.lineId));
      const parts: string[] = [];
      if (approved.length > 0) parts.push(`approved ${linesPhrase(approved, names)}`);
      for (const r of rejected.slice(0, 5)) parts.push(`rejected ${linesPhrase([String(r.lineId)], names)}${r.reason ? ` (“${String(r.reason)}”)` : ''}`);
      if (rejected.length > 5) parts.push(`rejected ${rejected.length - 5} more lines`);
      if (cleared.length > 0) parts.push(`cleared the decision on ${linesPhrase(cleared, names)}`);
      return parts.length > 0 ? list(parts) : 'reviewed the lines';
    }
    case 'apply_current_retainage_rules': {
      const held = (side: unknown) => (isObj(side) && typeof side.totalRetainageCents === 'number' ? money(side.totalRetainageCents) : null);
      const [was, now] = [held(before), held(after)];
      return `applied the commitment’s current retainage rules${was !== null && now !== null ? ` (retainage ${was} → ${now})` : ''}`;
    }
    case 'add_attachment':
      return `attached ${isObj(after) && after.filename ? String(after.filename) : 'a file'}`;
    case 'remove_attachment': {
      const id = isObj(before) ? String(before.attachmentId) : '';
      return `removed ${filenames.get(id) ?? 'an attachment'}`;
    }
    default: {
      if (entry.action.startsWith('status_')) {
        const next = entry.action.slice('status_'.length) as InvoiceStatus;
        const from = isObj(before) ? (before.status as InvoiceStatus | undefined) : undefined;
        const note = isObj(after) && after.note ? ` — “${String(after.note)}”` : '';
        const certified = isObj(after) && isObj(after.certified) ? after.certified : undefined;
        const due = certified && typeof certified.currentPaymentDueCents === 'number' ? ` (current payment due ${money(certified.currentPaymentDueCents)})` : '';
        switch (next) {
          case 'under_review': {
            // Submitted knowingly without what the checklist asked for (decision 012): the reviewer reads it here.
            const missing = isObj(after) && Array.isArray(after.acknowledgedMissing) ? after.acknowledgedMissing.map((c) => CHECKLIST_WORDS[String(c)] ?? String(c)) : [];
            const without = missing.length > 0 ? `, knowingly without ${missing.join(' and ')}` : '';
            return `${from === 'revise_and_resubmit' ? 'resubmitted' : 'submitted'} the invoice for review${without}${note}`;
          }
          case 'revise_and_resubmit':
            return `sent the invoice back for revision${note}`;
          case 'approved':
            return `approved the invoice${due}${note}`;
          case 'approved_as_noted':
            return `approved the invoice as noted${due}${note}`;
          case 'pending_owner_approval':
            return `sent the invoice to the owner for approval${note}`;
          default:
            return `changed the status to ${STATUS_LABELS[next] ?? next}${note}`;
        }
      }
      return entry.action.replace(/_/g, ' ');
    }
  }
}

const CHECKLIST_WORDS: Record<string, string> = {
  attachments_requested: 'the attachments the invite asked for',
  stored_materials_backup: 'backup for the stored materials',
};

/** Ends a description with a full stop unless it already ends with one (or a closing quote after one). */
function sentence(text: string): string {
  return /[.!?]["”)]?$/.test(text) ? text : `${text}.`;
}

export const AuditHistory = memo(function AuditHistory({
  projectId,
  invoiceId,
  lines,
  money,
  locale,
  timeZone,
}: {
  projectId: string;
  invoiceId: string;
  lines: readonly InvoiceLine[];
  money: (cents: number) => string;
  locale: string;
  timeZone: string;
}) {
  const [entries, setEntries] = useState<Entry[] | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const [loading, setLoading] = useState(false);

  const load = async () => {
    setLoading(true);
    try {
      const res = await call(api.GET('/api/v1/projects/{projectId}/invoices/{invoiceId}/audit', { params: { path: { projectId, invoiceId } } }));
      setEntries(res.data);
      setError(null);
    } catch (e) {
      setError(e instanceof ApiError ? e : new ApiError(0, undefined));
    } finally {
      setLoading(false);
    }
  };

  const names = new Map(lines.map((l, n) => [l.id, `line ${l.itemNumber || n + 1}`]));
  const filenames = new Map<string, string>();
  for (const e of entries ?? []) if (e.action === 'add_attachment' && isObj(e.after)) filenames.set(String(e.after.id), String(e.after.filename));

  return (
    <details
      className="card history"
      onToggle={(e) => {
        if ((e.currentTarget as HTMLDetailsElement).open && !entries && !loading) void load();
      }}
    >
      <summary>
        <h2>History</h2>
        <span className="muted"> — who changed what, and when</span>
      </summary>
      {loading ? <Loading label="Loading the history…" /> : null}
      <ErrorBanner error={error} onRetry={() => void load()} />
      {entries && entries.length === 0 ? <p className="muted">Nothing recorded yet.</p> : null}
      {entries && entries.length > 0 ? (
        <>
          <ol className="history-list">
            {entries.map((e) => (
              <li key={e.id}>
                <time dateTime={e.occurredAt}>{formatInstant(new Date(e.occurredAt), locale, timeZone)}</time>{' '}
                <strong>{e.actorName ?? 'payapp'}</strong> {sentence(describeAudit(e, names, money, filenames))}
              </li>
            ))}
          </ol>
          <button type="button" className="btn btn-link" onClick={() => void load()}>
            Refresh
          </button>
        </>
      ) : null}
    </details>
  );
});
