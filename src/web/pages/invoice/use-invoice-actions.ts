/**
 * What the buttons do: Save (and Ctrl/Cmd+S), the status actions (submit, send back, approve,
 * approve as noted, send to owner) and saving line decisions — each saves pending entries first —
 * and putting entries kept aside (a conflict, an earlier visit's backup) back on the invoice.
 */
import { useCallback, useEffect, useRef, useState } from 'react';
import { api, ApiError, call } from '../../api/client.ts';
import { focusLine } from './g703-grid.tsx';
import { applyWrite, lineName, type EditMode, type InvoiceData, type InvoiceLine, type LineCalc } from './invoice-model.ts';
import type { ActionKind } from './review-panel.tsx';
import type { Stash } from './use-entry-stash.ts';
import type { InvoiceEntries } from './use-invoice-entries.ts';
import type { Message, useSaveLines } from './use-save-lines.ts';

export type StatusAction = 'submit' | 'request_revision' | 'approve' | 'approve_as_noted' | 'send_to_owner';

function newIdempotencyKey(): string {
  if (typeof crypto.randomUUID === 'function') return crypto.randomUUID();
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return [...bytes].map((b) => b.toString(16).padStart(2, '0')).join('');
}

export function useInvoiceActions({
  projectId,
  invoiceId,
  dataRef,
  setData,
  entries,
  saver,
  problemCalcs,
  orderedLines,
  mode,
  canReview,
  isAdmin,
  contactsWord,
  locale,
  setMessage,
}: {
  projectId: string;
  invoiceId: string;
  dataRef: { readonly current: InvoiceData | null };
  setData: (fresh: InvoiceData) => void;
  entries: InvoiceEntries;
  saver: ReturnType<typeof useSaveLines>;
  problemCalcs: readonly LineCalc[];
  orderedLines: readonly InvoiceLine[];
  mode: EditMode;
  canReview: boolean;
  isAdmin: boolean;
  /** The project's word for invoice contacts (plural). */
  contactsWord: string;
  locale: string;
  setMessage: (m: Message | null) => void;
}) {
  const { reviews, setReviews, setDrafts, setDetails, serverErrors, entryCount, hasLineOrDetailChanges } = entries;
  const { saveAll, handleWriteError, describeLineProblems, setSaveError, conflict, setConflict } = saver;
  /** The action in progress ('save', 'review' or a status action), or null. */
  const [busy, setBusy] = useState<string | null>(null);
  /** The action whose confirmation dialog is open. */
  const [confirm, setConfirm] = useState<ActionKind | null>(null);
  const idempotency = useRef<{ action: string; key: string } | null>(null);

  const save = async () => {
    setBusy('save');
    const result = await saveAll();
    setBusy(null);
    if (result && result.held.length === 0) setMessage({ tone: 'success', text: `Saved at ${new Date().toLocaleTimeString(locale, { hour: 'numeric', minute: '2-digit' })}.` });
  };

  /** Saves pending line and detail entries (not decisions); the invoice to act on, or null when that failed. */
  const savePending = async () => {
    const result = entryCount - Object.keys(reviews).length > 0 ? await saveAll() : dataRef.current ? { invoice: dataRef.current, held: [] } : null;
    return result && result.held.length === 0 ? result.invoice : null;
  };

  const saveReview = async (note: string) => {
    setMessage(null);
    setSaveError(null);
    setBusy('review');
    const saved = await savePending();
    if (!saved) {
      setBusy(null);
      setConfirm(null);
      return;
    }
    const sent = Object.entries(reviews).map(([lineId, r]) => ({ lineId, decision: r.decision, ...(r.decision === 'rejected' && r.reason.trim() ? { reason: r.reason.trim() } : {}) }));
    try {
      const result = await call(
        api.POST('/api/v1/projects/{projectId}/invoices/{invoiceId}/review', {
          // A review may send the invoice back: what you may do changes, so the whole invoice comes back.
          params: { path: { projectId, invoiceId }, query: { view: 'full' } },
          body: { version: saved.invoice.version, lines: sent, ...(note ? { note } : {}) },
        }),
      );
      setReviews({});
      setData(applyWrite(saved, result));
      const rejected = sent.filter((s) => s.decision === 'rejected').length;
      setMessage({
        tone: 'success',
        text: rejected > 0 ? `Sent back for revision with ${rejected} rejected line${rejected > 1 ? 's' : ''}. The ${contactsWord} have been notified.` : 'Line decisions saved.',
      });
    } catch (error) {
      await handleWriteError(error, saved, sent, 'Line decisions not saved');
    } finally {
      setBusy(null);
      setConfirm(null);
    }
  };

  /** `acknowledgeMissing`: a submission that goes on knowingly without the checklist's missing items (decision 012). */
  const transition = async (action: StatusAction, note: string, acknowledgeMissing = false) => {
    setMessage(null);
    setSaveError(null);
    // Line decisions not saved yet go with the action: a rejection cannot be approved over.
    const pendingRejections = orderedLines.filter((l) => reviews[l.id]?.decision === 'rejected');
    if ((action === 'approve' || action === 'approve_as_noted' || action === 'send_to_owner') && pendingRejections.length > 0) {
      setConfirm(null);
      setSaveError({
        text: `You rejected ${pendingRejections.length} line${pendingRejections.length > 1 ? 's' : ''}: send the invoice back, or undo ${pendingRejections.length > 1 ? 'those rejections' : 'that rejection'}, first.`,
        lines: pendingRejections.map((l) => ({ id: l.id, name: lineName(l), message: reviews[l.id]?.reason || 'Rejected', column: 'reviewReason' })),
      });
      return;
    }
    if (action === 'request_revision' && pendingRejections.length > 0) {
      await saveReview(note); // Saving a rejection sends the invoice back, with the note.
      return;
    }
    setBusy(action);
    let saved = await savePending();
    if (saved && Object.keys(reviews).length > 0 && action !== 'submit') {
      try {
        saved = applyWrite(
          saved,
          await call(
          api.POST('/api/v1/projects/{projectId}/invoices/{invoiceId}/review', {
            params: { path: { projectId, invoiceId }, query: { view: 'full' } },
            body: { version: saved.invoice.version, lines: Object.entries(reviews).map(([lineId, r]) => ({ lineId, decision: r.decision })) },
          }),
          ),
        );
        setReviews({});
        setData(saved);
      } catch (error) {
        await handleWriteError(error, saved, [], 'Line decisions not saved');
        saved = null;
      }
    }
    if (!saved) {
      setBusy(null);
      setConfirm(null);
      return;
    }
    // One key per attempt: a retry after a network failure cannot submit twice.
    if (!idempotency.current || idempotency.current.action !== `${action}@${saved.invoice.version}`) {
      idempotency.current = { action: `${action}@${saved.invoice.version}`, key: newIdempotencyKey() };
    }
    try {
      const result = await call(
        api.POST('/api/v1/projects/{projectId}/invoices/{invoiceId}/transitions', {
          // A new status changes what you may do: the whole invoice comes back, built from what the server already loaded.
          params: { path: { projectId, invoiceId }, query: { view: 'full' } },
          headers: { 'Idempotency-Key': idempotency.current.key },
          body: { action, version: saved.invoice.version, ...(note ? { note } : {}), ...(action === 'submit' && acknowledgeMissing ? { acknowledgeMissing: true } : {}) },
        }),
      );
      idempotency.current = null;
      setData(applyWrite(saved, result));
      setReviews({});
      const words: Record<StatusAction, string> = {
        submit: isAdmin ? 'Submitted for review.' : 'Submitted for review. The invoice administrators have been notified; you will get an email when it is reviewed.',
        request_revision: `Sent back for revision. The ${contactsWord} have been notified.`,
        approve: 'Approved. This invoice is now final.',
        approve_as_noted: 'Approved as noted. This invoice is now final.',
        send_to_owner: 'Sent to the owner for approval.',
      };
      setMessage({ tone: 'success', text: words[action] });
      window.scrollTo({ top: 0 });
    } catch (error) {
      if (error instanceof ApiError && error.status !== 0 && error.status < 500) idempotency.current = null;
      const failedWords: Record<StatusAction, string> = {
        submit: 'Not submitted',
        request_revision: 'Not sent back',
        approve: 'Not approved',
        approve_as_noted: 'Not approved',
        send_to_owner: 'Not sent to the owner',
      };
      await handleWriteError(error, saved, [], failedWords[action]);
    } finally {
      setBusy(null);
      setConfirm(null);
    }
  };

  /** Submit asks first — unless a line has a problem, which is listed and focused instead. */
  const startSubmit = () => {
    setMessage(null);
    const problems = describeLineProblems(problemCalcs, serverErrors);
    if (problems.length > 0) {
      setSaveError({ text: `Fix the problem${problems.length > 1 ? 's' : ''} on ${problems.length} line${problems.length > 1 ? 's' : ''} before submitting. Your entries are kept.`, lines: problems });
      const first = problems[0];
      if (first) focusLine(first.id, first.column);
      return;
    }
    setSaveError(null);
    setConfirm('submit');
  };

  /** The dialog's confirm button. */
  const confirmAction = (note: string, acknowledgeMissing: boolean) => {
    if (!confirm) return;
    if (confirm === 'send_back_review') void saveReview(note);
    else void transition(confirm, note, acknowledgeMissing);
  };

  // The review toolbar's Save is stable (the toolbar is memoized), so it reads through refs.
  const saveReviewRef = useRef<(note: string) => Promise<void>>(async () => {});
  saveReviewRef.current = saveReview;
  const reviewsRef = useRef(reviews);
  reviewsRef.current = reviews;
  const onSaveReview = useCallback(() => {
    if (Object.values(reviewsRef.current).some((r) => r.decision === 'rejected')) setConfirm('send_back_review');
    else void saveReviewRef.current('');
  }, []);

  const reapply = () => {
    if (!conflict) return;
    const ids = new Set(orderedLines.map((l) => l.id));
    const kept = Object.fromEntries(Object.entries(conflict.stash.drafts).filter(([id]) => ids.has(id)));
    setDrafts(mode === 'read' ? {} : kept);
    setReviews(canReview ? Object.fromEntries(Object.entries(conflict.stash.reviews).filter(([id]) => ids.has(id))) : {});
    setDetails(mode === 'read' ? {} : conflict.stash.details);
    setConflict(null);
    setMessage({ tone: 'info', text: 'Your entries are back on the latest version. Check them, then save.' });
  };

  /** Puts an earlier visit's backed-up entries back on the invoice. */
  const restoreBackup = (backup: Stash) => {
    const ids = new Set(orderedLines.map((l) => l.id));
    if (mode !== 'read') {
      setDrafts(Object.fromEntries(Object.entries(backup.drafts ?? {}).filter(([id]) => ids.has(id))));
      setDetails(backup.details ?? {});
    }
    if (canReview) setReviews(Object.fromEntries(Object.entries(backup.reviews ?? {}).filter(([id]) => ids.has(id))));
    setMessage({ tone: 'info', text: mode === 'read' ? 'This invoice can no longer be changed, so the entries could not be restored.' : 'Your entries are restored. Check them, then save.' });
  };

  // Ctrl/Cmd+S saves, like a spreadsheet.
  const saveShortcut = useRef<() => void>(() => {});
  saveShortcut.current = () => {
    if (mode !== 'read' && !busy && hasLineOrDetailChanges) void save();
  };
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if ((e.ctrlKey || e.metaKey) && e.key.toLowerCase() === 's') {
        e.preventDefault();
        saveShortcut.current();
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);

  return { busy, confirm, setConfirm, save, startSubmit, confirmAction, onSaveReview, reapply, restoreBackup };
}
