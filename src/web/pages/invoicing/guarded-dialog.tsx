/**
 * A dialog that does not lose what was typed: closing it (Escape, ×, Cancel) with unsaved input asks
 * inside the dialog first. (A native confirm() inside the dialog's cancel event makes Chrome close the
 * dialog anyway, so the question is asked in the page.)
 */
import { Fragment, useRef, useState, type ReactNode } from 'react';
import { Button, Dialog } from '../../components/ui.tsx';

export function GuardedDialog({
  open,
  dirty,
  title,
  onClose,
  footer,
  children,
  discardQuestion = 'Discard your changes?',
}: {
  open: boolean;
  dirty: boolean;
  title: string;
  onClose: () => void;
  /** Receives requestClose, for the dialog's own Cancel button. */
  footer: (requestClose: () => void) => ReactNode;
  children: ReactNode;
  discardQuestion?: string;
}) {
  const [asking, setAsking] = useState(false);
  const anchor = useRef<HTMLSpanElement>(null);

  const requestClose = () => {
    if (!open) return;
    if (dirty) {
      setAsking(true);
      // If the browser closed the dialog regardless (a second Escape), open it again.
      requestAnimationFrame(() => {
        const dialog = anchor.current?.closest('dialog');
        if (dialog && !dialog.open) dialog.showModal();
        dialog?.querySelector<HTMLButtonElement>('[data-keep-editing]')?.focus();
      });
      return;
    }
    setAsking(false);
    onClose();
  };

  const discard = () => {
    setAsking(false);
    onClose();
  };

  return (
    <Dialog
      open={open}
      title={title}
      onClose={requestClose}
      footer={
        // Keyed apart: a click on "Keep editing" must never land on the submit button that replaces it.
        asking && dirty ? (
          <Fragment key="asking">
            <Button tone="danger" onClick={discard}>
              Discard changes
            </Button>
            <Button tone="primary" data-keep-editing="" onClick={() => setAsking(false)}>
              Keep editing
            </Button>
          </Fragment>
        ) : (
          <Fragment key="footer">{footer(requestClose)}</Fragment>
        )
      }
    >
      <span ref={anchor} hidden />
      {asking && dirty ? (
        <div className="banner banner-warning" role="alert">
          <p>
            <strong>{discardQuestion}</strong> What you entered here has not been saved.
          </p>
        </div>
      ) : null}
      {children}
    </Dialog>
  );
}
