/**
 * The messages above the grid: approved, lines sent back, earlier invoices to approve first,
 * entries from an earlier visit, a conflict with someone else's change, a save that failed (each
 * line's problem links to its cell), and the outcome of the last action.
 */
import { Button } from '../../components/ui.tsx';
import { focusLine } from './g703-grid.tsx';
import { lineName, type EditColumn, type InvoiceData, type InvoiceLine } from './invoice-model.ts';
import type { Stash } from './use-entry-stash.ts';
import type { Conflict, Message, SaveError } from './use-save-lines.ts';

const capitalized = (s: string) => (
  <>
    {s[0]?.toUpperCase()}
    {s.slice(1)}
  </>
);

export function ApprovedBanner({ invoice, instant }: { invoice: InvoiceData['invoice']; instant: (iso: string) => string }) {
  return (
    <div className="banner banner-success" role="status">
      <p>
        <strong>
          {invoice.status === 'approved_as_noted' ? 'Approved as noted' : 'Approved'}
          {invoice.approvedAt ? ` on ${instant(invoice.approvedAt)}` : ''}
        </strong>{' '}
        — this is what was certified. It is read-only.
      </p>
    </div>
  );
}

export function RejectedLinesBanner({ lines }: { lines: readonly InvoiceLine[] }) {
  return (
    <div className="banner banner-warning rr-banner" role="region" aria-label="Rejected lines">
      <div>
        <p>
          <strong>
            Sent back for revision: {lines.length} line{lines.length > 1 ? 's were' : ' was'} rejected.
          </strong>
        </p>
        <ul>
          {lines.map((l) => (
            <li key={l.id}>
              <button type="button" className="btn btn-link" onClick={() => focusLine(l.id)}>
                {capitalized(lineName(l))}
              </button>{' '}
              {l.description}
              {l.review.reason ? <> — “{l.review.reason}”</> : null}
            </li>
          ))}
        </ul>
      </div>
    </div>
  );
}

export function EarlierInvoicesBanner({ labels }: { labels: readonly string[] }) {
  return (
    <div className="banner banner-info" role="status">
      <p>
        Earlier invoice{labels.length > 1 ? 's' : ''} {labels.join(', ')} of this commitment must be approved before this one can be.
      </p>
    </div>
  );
}

export function RestoreBanner({ backup, instant, onRestore, onDiscard }: { backup: Stash; instant: (iso: string) => string; onRestore: () => void; onDiscard: () => void }) {
  return (
    <div className="banner banner-warning" role="alert">
      <p>You have entries on this invoice that were not saved{backup.savedAt ? ` (from ${instant(backup.savedAt)})` : ''}.</p>
      <span className="banner-actions">
        <Button tone="primary" onClick={onRestore}>
          Restore my entries
        </Button>
        <Button onClick={onDiscard}>Discard them</Button>
      </span>
    </div>
  );
}

export function ConflictBanner({
  conflict,
  canApply,
  statusLabel,
  lines,
  onReapply,
  onDismiss,
}: {
  conflict: Conflict;
  /** The entries can go back on the latest version (the person may still change it). */
  canApply: boolean;
  statusLabel: string;
  lines: readonly InvoiceLine[];
  onReapply: () => void;
  onDismiss: () => void;
}) {
  return (
    <div className="banner banner-warning conflict" role="alert">
      <div>
        <p>
          <strong>Someone changed this invoice while you were working</strong>
          {conflict.changes.length > 0 ? <>: {conflict.changes.join('; ')}.</> : '.'} Your entries were not saved; the grid now shows the latest version.
        </p>
        {!canApply ? <p>This invoice can no longer be changed by you ({statusLabel}), so your entries cannot be re-applied.</p> : null}
        <StashList stash={conflict.stash} lines={lines} />
      </div>
      <span className="banner-actions">
        {canApply ? (
          <Button tone="primary" onClick={onReapply}>
            Re-apply my entries
          </Button>
        ) : null}
        <Button onClick={onDismiss}>{canApply ? 'Discard my entries' : 'Dismiss'}</Button>
      </span>
    </div>
  );
}

export function SaveErrorBanner({ error, onDismiss }: { error: SaveError; onDismiss: () => void }) {
  return (
    <div className="banner banner-error save-error" role="alert">
      <div>
        <p>{error.text}</p>
        {error.lines.length > 0 ? (
          <ul>
            {error.lines.slice(0, 10).map((p) => (
              <li key={p.id}>
                <button type="button" className="btn btn-link" onClick={() => focusLine(p.id, p.column)}>
                  {capitalized(p.name)}
                </button>
                : {p.message}
              </li>
            ))}
            {error.lines.length > 10 ? <li>…and {error.lines.length - 10} more lines, highlighted in the grid.</li> : null}
          </ul>
        ) : null}
      </div>
      <Button tone="link" onClick={onDismiss}>
        Dismiss
      </Button>
    </div>
  );
}

export function MessageBanner({ message, onDismiss }: { message: Message; onDismiss: () => void }) {
  return (
    <div className={`banner banner-${message.tone}`} role="status">
      <p>{message.text}</p>
      <Button tone="link" onClick={onDismiss}>
        Dismiss
      </Button>
    </div>
  );
}

/** The entries a conflict kept aside, so nothing typed is lost even when they cannot be re-applied. */
function StashList({ stash, lines }: { stash: Stash; lines: readonly InvoiceLine[] }) {
  const entries = Object.entries(stash.drafts);
  if (entries.length === 0 && Object.keys(stash.details).length === 0 && Object.keys(stash.reviews).length === 0) return null;
  const byId = new Map(lines.map((l) => [l.id, l]));
  const labels: Record<string, string> = {
    work: 'E this period',
    percent: '% complete',
    storedNew: 'new materials stored',
    installed: 'moved into work',
    released: 'retainage released',
    reason: 'reason',
    workRate: 'work retainage %',
    materialsRate: 'materials retainage %',
  };
  return (
    <details className="stash">
      <summary>
        Your entries ({entries.length + Object.keys(stash.reviews).length} line{entries.length === 1 ? '' : 's'})
      </summary>
      <ul>
        {entries.map(([id, d]) => {
          const line = byId.get(id);
          return (
            <li key={id}>
              {line ? `${lineName(line)} ${line.description}` : 'A line no longer on the invoice'}:{' '}
              {Object.entries(d)
                .map(([k, v]) => `${labels[k as EditColumn] ?? k} ${v === '' ? '(cleared)' : v}`)
                .join(', ')}
            </li>
          );
        })}
        {Object.entries(stash.reviews).map(([id, r]) => {
          const line = byId.get(id);
          return (
            <li key={`r-${id}`}>
              {line ? lineName(line) : 'A line'}: {r.decision ?? 'undecided'}
              {r.reason ? ` (“${r.reason}”)` : ''}
            </li>
          );
        })}
        {Object.entries(stash.details).map(([k, v]) => (
          <li key={`d-${k}`}>
            {k}: {v}
          </li>
        ))}
      </ul>
    </details>
  );
}
