/**
 * Review by an invoice administrator: the line decisions made in the grid (approve ✓ / reject ✗
 * with a reason), saved together; any rejection sends the invoice back, so that asks first. The
 * status actions (approve, approve as noted, send to owner, send back) ask first too.
 */
import { memo, useState, type ReactNode } from 'react';
import { Button, Dialog } from '../../components/ui.tsx';
import type { InvoiceLine, ReviewDrafts } from './invoice-model.ts';

export type ActionKind = 'submit' | 'approve' | 'approve_as_noted' | 'send_to_owner' | 'request_revision' | 'send_back_review';

export const ReviewToolbar = memo(function ReviewToolbar({
  lines,
  reviews,
  busy,
  onApproveAll,
  onSave,
  onDiscard,
}: {
  lines: readonly InvoiceLine[];
  reviews: ReviewDrafts;
  busy: boolean;
  onApproveAll: () => void;
  onSave: () => void;
  onDiscard: () => void;
}) {
  const decisionOf = (l: InvoiceLine) => (l.id in reviews ? (reviews[l.id]?.decision ?? null) : l.review.status);
  const approved = lines.filter((l) => decisionOf(l) === 'approved').length;
  const rejected = lines.filter((l) => decisionOf(l) === 'rejected').length;
  const pending = Object.keys(reviews).length;
  return (
    <div className="review-toolbar" role="group" aria-label="Line review">
      <p className="review-counts">
        <span className="count-ok">{approved} approved</span> · <span className="count-no">{rejected} rejected</span> · {lines.length - approved - rejected} not decided
        {pending > 0 ? <strong> · {pending} decision{pending > 1 ? 's' : ''} not saved</strong> : null}
      </p>
      <Button onClick={onApproveAll} disabled={busy || approved === lines.length}>
        ✓ Approve all undecided lines
      </Button>
      {pending > 0 ? (
        <>
          <Button tone={rejected > 0 ? 'danger' : 'primary'} onClick={onSave} busy={busy}>
            {rejected > 0 ? `Send back with ${rejected} rejected line${rejected > 1 ? 's' : ''}…` : 'Save line decisions'}
          </Button>
          <Button tone="link" onClick={onDiscard} disabled={busy}>
            Undo decisions
          </Button>
        </>
      ) : null}
    </div>
  );
});

export type ConfirmInfo = {
  kind: ActionKind;
  invoiceLabel: string;
  paymentDue: string;
  rejected: { name: string; description: string; reason: string }[];
  unapprovedEarlier: string[];
  dirtyLines: number;
  contactWord: string;
  /** Lines billed over 100% as they will be submitted (flagged for the reviewer). */
  overbilled: { name: string; description: string; overBy: string }[];
  /** Submit: the submission checklist (what to attach), or null when nothing is asked. */
  checklist: ReactNode;
  /** Submit: how many checklist items are missing (submitting then says so knowingly). */
  missingCount: number;
};

const TITLES: Record<ActionKind, string> = {
  submit: 'Submit this invoice for review?',
  approve: 'Approve this invoice?',
  approve_as_noted: 'Approve this invoice as noted?',
  send_to_owner: 'Send this invoice to the owner?',
  request_revision: 'Send this invoice back for revision?',
  send_back_review: 'Send this invoice back with rejected lines?',
};

const CONFIRM: Record<ActionKind, string> = {
  submit: 'Submit for review',
  approve: 'Approve',
  approve_as_noted: 'Approve as noted',
  send_to_owner: 'Send to owner',
  request_revision: 'Send back',
  send_back_review: 'Send back',
};

export function ConfirmActionDialog({
  info,
  busy,
  onConfirm,
  onClose,
}: {
  info: ConfirmInfo | null;
  busy: boolean;
  /** `acknowledgeMissing`: submitting although checklist items are missing, knowingly. */
  onConfirm: (note: string, acknowledgeMissing: boolean) => void;
  onClose: () => void;
}) {
  const [note, setNote] = useState('');
  const kind = info?.kind ?? 'submit';
  const submitWithout = kind === 'submit' && (info?.missingCount ?? 0) > 0;
  const withNote = kind === 'request_revision' || kind === 'send_back_review' || kind === 'approve_as_noted';
  return (
    <Dialog
      open={info !== null}
      title={TITLES[kind]}
      onClose={() => {
        setNote('');
        onClose();
      }}
      footer={
        <>
          <Button onClick={onClose} disabled={busy}>
            Cancel
          </Button>
          <Button
            tone={kind === 'request_revision' || kind === 'send_back_review' ? 'danger' : 'primary'}
            busy={busy}
            onClick={() => {
              onConfirm(note.trim(), submitWithout);
              setNote('');
            }}
          >
            {submitWithout ? `Submit without ${(info?.missingCount ?? 0) > 1 ? 'them' : 'it'}` : CONFIRM[kind]}
          </Button>
        </>
      }
    >
      {info ? (
        <div className="confirm-body">
          {kind === 'submit' ? (
            <>
              <p>
                Invoice {info.invoiceLabel} applies for a <strong>current payment due of {info.paymentDue}</strong>.
              </p>
              <p>{info.dirtyLines > 0 ? `Your changes on ${info.dirtyLines} line${info.dirtyLines > 1 ? 's' : ''} are saved first. ` : ''}Once submitted you cannot change it unless the reviewer sends it back.</p>
              {info.overbilled.length > 0 ? <OverbilledList lines={info.overbilled} /> : null}
              {info.checklist}
              {info.missingCount > 0 ? (
                <p className="submit-without" data-testid="submit-without">
                  You can submit without {info.missingCount > 1 ? 'them' : 'it'}: the reviewer sees that {info.missingCount > 1 ? 'they were' : 'it was'} missing, and your choice is recorded in the invoice’s
                  history.
                </p>
              ) : null}
            </>
          ) : null}
          {(kind === 'approve' || kind === 'approve_as_noted') && info.overbilled.length > 0 ? <OverbilledList lines={info.overbilled} /> : null}
          {kind === 'approve' || kind === 'approve_as_noted' ? (
            <>
              <p>
                Invoice {info.invoiceLabel} will be certified for a <strong>current payment due of {info.paymentDue}</strong>. An approved invoice is final: it cannot be changed afterwards.
              </p>
              {info.dirtyLines > 0 ? <p>Your certified amounts on {info.dirtyLines} line(s) are saved first.</p> : null}
              {info.unapprovedEarlier.length > 0 ? (
                <p className="banner banner-warning">Earlier invoice(s) {info.unapprovedEarlier.join(', ')} of this commitment are not approved yet; the server will refuse until they are.</p>
              ) : null}
            </>
          ) : null}
          {kind === 'send_to_owner' ? <p>Invoice {info.invoiceLabel} will wait for the owner's approval. You can still adjust amounts and approve it afterwards.</p> : null}
          {kind === 'request_revision' ? <p>The {info.contactWord} gets an email and can change the invoice and resubmit it.</p> : null}
          {kind === 'send_back_review' ? (
            <>
              <p>Rejecting a line sends the invoice back to the {info.contactWord}, who sees these lines and reasons:</p>
              <ul className="reject-list">
                {info.rejected.map((r) => (
                  <li key={r.name}>
                    <strong>{r.name}</strong> {r.description}
                    {r.reason ? <> — “{r.reason}”</> : <span className="muted"> — no reason given</span>}
                  </li>
                ))}
              </ul>
            </>
          ) : null}
          {withNote ? (
            <div className="field">
              <label htmlFor="action-note">Note to the {kind === 'approve_as_noted' ? 'record' : info.contactWord} (optional)</label>
              <textarea id="action-note" value={note} maxLength={2000} onChange={(e) => setNote(e.currentTarget.value)} />
            </div>
          ) : null}
        </div>
      ) : null}
    </Dialog>
  );
}

function OverbilledList({ lines }: { lines: ConfirmInfo['overbilled'] }) {
  return (
    <div className="banner banner-warning" data-testid="dialog-over-100">
      <p>
        <strong>
          {lines.length} line{lines.length > 1 ? 's' : ''} over 100%
        </strong>{' '}
        of {lines.length > 1 ? 'their' : 'its'} scheduled value, flagged for review:
      </p>
      <ul>
        {lines.slice(0, 8).map((l) => (
          <li key={l.name}>
            <strong>{l.name}</strong> {l.description} — over by {l.overBy}
          </li>
        ))}
        {lines.length > 8 ? <li>…and {lines.length - 8} more.</li> : null}
      </ul>
    </div>
  );
}
