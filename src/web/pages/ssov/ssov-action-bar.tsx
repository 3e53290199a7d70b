/**
 * The Subcontractor SOV's action bar, at the foot of its card: whether everything is saved, why it
 * cannot be submitted or approved yet (the lines with something left to allocate), and the actions
 * the person may take now.
 */
import { Button } from '../../components/ui.tsx';
import { useProject } from '../../lib/project.tsx';
import type { Ssov } from './ssov-model.ts';
import type { SsovBusy } from './use-ssov-editor.ts';

export function SsovActionBar({
  server,
  dirty,
  busy,
  hasConflict,
  problems,
  onDiscard,
  onSave,
  onSubmit,
  onAsk,
  onSendBack,
  onApprove,
}: {
  server: Ssov;
  dirty: boolean;
  busy: SsovBusy;
  hasConflict: boolean;
  /** The SOV lines not fully allocated, in words. */
  problems: readonly string[];
  onDiscard: () => void;
  onSave: () => void;
  onSubmit: () => void;
  onAsk: () => void;
  onSendBack: () => void;
  onApprove: () => void;
}) {
  const { vocabulary } = useProject();
  const you = server.you;
  const editable = you.canEditLines;
  const isAdmin = you.role === 'admin';
  const canSubmit = you.allowedActions.includes('submit');
  const canApprove = you.allowedActions.includes('approve');
  const canSendBack = you.allowedActions.includes('send_back');
  const allocated = problems.length === 0;
  const blockedId = 'ssov-blocked';
  const saveBlocked = editable && you.mustStayFullyAllocated && !allocated;
  if (!(editable || canSubmit || canApprove || canSendBack || you.canRequest)) return null;
  return (
    <div className="cm-save-bar sticky-actions ssov-actions" role="group" aria-label={`${vocabulary.subcontractorSov} actions`}>
      {editable ? dirty ? <span className="cm-unsaved">Unsaved changes</span> : <span className="muted">All changes saved</span> : <span />}
      {(canSubmit || canApprove || saveBlocked) && !allocated ? (
        <p className="ssov-blocked" id={blockedId}>
          {saveBlocked ? 'Every SOV line must stay fully allocated while it is under review or approved' : `To ${canSubmit ? 'submit' : 'approve'}, every SOV line must be fully allocated`}:{' '}
          {problems.join('; ')}.
        </p>
      ) : null}
      {editable ? (
        <>
          <Button disabled={!dirty || !!busy} onClick={onDiscard}>
            Discard changes
          </Button>
          <Button
            tone={canSubmit || canApprove ? 'secondary' : 'primary'}
            busy={busy === 'save'}
            disabled={!dirty || !!busy || hasConflict || saveBlocked}
            aria-describedby={saveBlocked ? blockedId : undefined}
            onClick={onSave}
          >
            {server.status === 'draft' || server.status === 'revise_and_resubmit' ? 'Save draft' : 'Save changes'}
          </Button>
        </>
      ) : null}
      {you.canRequest ? (
        <Button disabled={!!busy} onClick={onAsk}>
          Ask the {vocabulary.invoiceContacts} to fill it in…
        </Button>
      ) : null}
      {canSendBack ? (
        <Button disabled={!!busy || hasConflict} onClick={onSendBack}>
          Send back…
        </Button>
      ) : null}
      {canSubmit ? (
        <Button
          tone={isAdmin ? 'secondary' : 'primary'}
          busy={busy === 'submit'}
          disabled={!allocated || !!busy || hasConflict}
          aria-describedby={!allocated ? blockedId : undefined}
          onClick={onSubmit}
        >
          {server.status === 'revise_and_resubmit' && !isAdmin ? 'Resubmit for review' : isAdmin ? 'Submit for review on their behalf' : 'Submit for review'}
        </Button>
      ) : null}
      {canApprove ? (
        <Button tone="primary" disabled={!allocated || !!busy || hasConflict} aria-describedby={!allocated ? blockedId : undefined} onClick={onApprove}>
          Approve…
        </Button>
      ) : null}
    </div>
  );
}
