/**
 * The Subcontractor SOV's confirmations: approve it, send it back (a reason is required: it is
 * emailed to the contacts) and ask the contacts to fill it in (with an optional message).
 */
import { useState } from 'react';
import { Button, Dialog, ErrorBanner } from '../../components/ui.tsx';
import { TextArea } from '../commitments/form-kit.tsx';

export function ApproveDialog({
  open,
  title,
  lineCount,
  dirty,
  busy,
  onClose,
  onConfirm,
}: {
  open: boolean;
  title: string;
  lineCount: number;
  dirty: boolean;
  busy: boolean;
  onClose: () => void;
  onConfirm: () => Promise<void>;
}) {
  return (
    <Dialog
      open={open}
      title={title}
      onClose={onClose}
      footer={
        <>
          <Button onClick={onClose}>Cancel</Button>
          <Button tone="primary" busy={busy} onClick={() => void onConfirm()}>
            Approve
          </Button>
        </>
      }
    >
      <p>
        New invoices of this commitment will bill its {lineCount} detail {lineCount === 1 ? 'line' : 'lines'}, each rolled up to its line of the schedule of values. Nobody is emailed.
      </p>
      {dirty ? <p>Your unsaved changes are saved first.</p> : null}
    </Dialog>
  );
}

export function SendBackDialog({
  what,
  who,
  busy,
  onClose,
  onConfirm,
}: {
  what: string;
  who: string;
  busy: boolean;
  onClose: () => void;
  onConfirm: (reason: string) => Promise<boolean>;
}) {
  const [reason, setReason] = useState('');
  const [error, setError] = useState<string | undefined>(undefined);
  const submit = async () => {
    if (!reason.trim()) {
      setError('Say why it goes back, so they know what to change.');
      return;
    }
    setError(undefined);
    await onConfirm(reason.trim());
  };
  return (
    <Dialog
      open
      title={`Send the ${what} back?`}
      onClose={onClose}
      footer={
        <>
          <Button onClick={onClose}>Cancel</Button>
          <Button tone="primary" busy={busy} onClick={() => void submit()}>
            Send back
          </Button>
        </>
      }
    >
      <p>
        It goes back to the {who} as Revise &amp; Resubmit, and they are emailed your reason. Until it is approved again, the commitment cannot be invited to bill or invoiced.
      </p>
      <TextArea label="Reason (emailed to them)" value={reason} onChange={(e) => setReason(e.target.value)} error={error} required maxLength={2000} rows={4} />
    </Dialog>
  );
}

export function RequestDialog({ who, busy, onClose, onSend }: { who: string; busy: boolean; onClose: () => void; onSend: (message: string, key: string) => Promise<string | null> }) {
  const [message, setMessage] = useState('');
  const [error, setError] = useState<string | null>(null);
  // One key per dialog: a double click or a retried request never emails twice.
  const [key] = useState(() => crypto.randomUUID());
  return (
    <Dialog
      open
      title={`Ask the ${who} to fill it in`}
      onClose={onClose}
      footer={
        <>
          <Button onClick={onClose}>Cancel</Button>
          <Button
            tone="primary"
            busy={busy}
            onClick={() =>
              void onSend(message, key).then((failed) => {
                if (failed) setError(failed);
                else onClose();
              })
            }
          >
            Send the request
          </Button>
        </>
      }
    >
      <ErrorBanner error={error} />
      <p>Each of them is emailed an invitation to break down the schedule of values, with a link to this page.</p>
      <TextArea label="Message (optional, added to the email)" value={message} onChange={(e) => setMessage(e.target.value)} maxLength={2000} rows={3} />
    </Dialog>
  );
}
