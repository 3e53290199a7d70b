/**
 * The action bar that stays at the bottom of the window while the invoice can be changed or acted
 * on: the live payment due, whether everything is saved, Save and the status actions. It never
 * covers the field being typed in (use-room-for-bar.ts).
 */
import { useRef } from 'react';
import { Button } from '../../components/ui.tsx';
import type { EditMode } from './invoice-model.ts';
import type { ActionKind } from './review-panel.tsx';
import { useRoomForBar } from './use-room-for-bar.ts';

export function InvoiceActionBar({
  mode,
  paymentDue,
  allowedActions,
  hasLineOrDetailChanges,
  dirtyLines,
  pendingDecisions,
  busy,
  submitWord,
  onSave,
  onSubmit,
  onConfirm,
}: {
  mode: EditMode;
  /** The current payment due, formatted. */
  paymentDue: string;
  allowedActions: readonly string[];
  hasLineOrDetailChanges: boolean;
  dirtyLines: number;
  pendingDecisions: number;
  busy: string | null;
  submitWord: string;
  onSave: () => void;
  onSubmit: () => void;
  /** Opens the confirmation dialog of a status action. */
  onConfirm: (kind: ActionKind) => void;
}) {
  const allowed = new Set(allowedActions);
  const bar = useRef<HTMLDivElement>(null);
  useRoomForBar(bar);
  return (
    <div className="sticky-actions invoice-actions" role="region" aria-label="Invoice actions" ref={bar}>
      <p className="action-status">
        <span>
          Current payment due <strong data-testid="payment-due-live">{paymentDue}</strong>
        </span>
        <span className={hasLineOrDetailChanges || pendingDecisions > 0 ? 'unsaved' : 'muted'} role="status">
          {[
            hasLineOrDetailChanges ? `Unsaved changes${dirtyLines > 0 ? ` on ${dirtyLines} line${dirtyLines > 1 ? 's' : ''}` : ''}` : '',
            pendingDecisions > 0 ? `${pendingDecisions} line decision${pendingDecisions > 1 ? 's' : ''} not saved` : '',
          ]
            .filter(Boolean)
            .join(' · ') || (mode === 'read' ? '' : 'All changes saved')}
        </span>
      </p>
      {mode !== 'read' ? (
        <Button onClick={onSave} busy={busy === 'save'} disabled={busy !== null || !hasLineOrDetailChanges}>
          {mode === 'certify' ? 'Save changes' : 'Save draft'}
        </Button>
      ) : null}
      {allowed.has('request_revision') ? (
        <Button onClick={() => onConfirm('request_revision')} disabled={busy !== null}>
          Send back for revision…
        </Button>
      ) : null}
      {allowed.has('send_to_owner') ? (
        <Button onClick={() => onConfirm('send_to_owner')} disabled={busy !== null}>
          Send to owner…
        </Button>
      ) : null}
      {allowed.has('approve_as_noted') ? (
        <Button onClick={() => onConfirm('approve_as_noted')} disabled={busy !== null}>
          Approve as noted…
        </Button>
      ) : null}
      {allowed.has('approve') ? (
        <Button tone="primary" onClick={() => onConfirm('approve')} disabled={busy !== null}>
          Approve…
        </Button>
      ) : null}
      {allowed.has('submit') ? (
        <Button tone="primary" onClick={onSubmit} busy={busy === 'submit'} disabled={busy !== null}>
          {submitWord}
        </Button>
      ) : null}
    </div>
  );
}
