/**
 * What a person has typed on the invoice and not saved yet: per line drafts (text, exactly as
 * typed), line review decisions, and changes to the invoice's details — plus the server's refusals
 * that belong to a line. The grid's handlers are stable (they never change identity), so typing in
 * one cell re-renders only that row.
 */
import { useCallback, useMemo, useRef, useState } from 'react';
import type { GridHandlers } from './g703-grid.tsx';
import {
  baseEntry,
  formatBpPlain,
  moneyInputText,
  parseMoneyInput,
  parsePercentInput,
  type Draft,
  type Drafts,
  type EditColumn,
  type EditMode,
  type InvoiceData,
  type InvoiceLine,
  type ReviewDecision,
  type ReviewDrafts,
  type ServerLineErrors,
} from './invoice-model.ts';

/** The invoice's own fields a person can change (as typed); a key is present only when changed. */
export type Details = Partial<Record<'number' | 'billingDate' | 'periodStart' | 'periodEnd' | 'comments', string>>;

export function omit<T>(record: Readonly<Record<string, T>>, key: string): Record<string, T> {
  const next = { ...record };
  delete next[key];
  return next;
}

/**
 * Leaving a cell: tidy the number ("1234.5" → "1,234.50"), and forget it when it equals what is
 * saved. Returns the line's next draft (undefined when nothing is left), or `draft` itself when
 * nothing changes — text that does not parse stays as typed, with its message.
 */
function tidyCell(draft: Draft, column: EditColumn, line: InvoiceLine, mode: EditMode): Draft | undefined {
  const text = draft[column as keyof Draft];
  if (text === undefined) return draft;
  const base = baseEntry(line, mode);
  let normalized = text;
  let same = false;
  try {
    switch (column) {
      case 'work': {
        const v = parseMoneyInput(text);
        normalized = v === 0 ? '' : moneyInputText(v);
        same = base.workCompletedThisPeriodCents === v;
        break;
      }
      case 'percent': {
        if (text.trim() === '') same = base.percentCompleteToDateBp === null;
        else {
          const v = parsePercentInput(text);
          normalized = formatBpPlain(v);
          same = base.percentCompleteToDateBp === v;
        }
        break;
      }
      case 'storedNew':
      case 'installed':
      case 'released': {
        const v = parseMoneyInput(text);
        normalized = v === 0 ? '' : moneyInputText(v);
        const saved = column === 'storedNew' ? base.materialsStoredNewCents : column === 'installed' ? base.materialsInstalledCents : base.retainageReleasedCents;
        same = saved === v;
        break;
      }
      case 'workRate':
      case 'materialsRate': {
        const v = parsePercentInput(text, 10_000);
        normalized = formatBpPlain(v);
        same = v === (column === 'workRate' ? line.workRetainageRateBp : line.materialsRetainageRateBp);
        break;
      }
      case 'reason':
        same = text.trim() === (line.differenceReason ?? '');
        break;
      default:
        return draft;
    }
  } catch {
    return draft;
  }
  if (!same && normalized === text) return draft;
  const next: Draft = { ...draft };
  if (same) delete next[column as keyof Draft];
  else next[column as keyof Draft] = normalized;
  return Object.keys(next).length === 0 ? undefined : next;
}

export function useInvoiceEntries({
  dataRef,
  lineById,
  mode,
}: {
  dataRef: { readonly current: InvoiceData | null };
  lineById: ReadonlyMap<string, InvoiceLine>;
  mode: EditMode;
}) {
  const [drafts, setDrafts] = useState<Drafts>({});
  const [reviews, setReviews] = useState<ReviewDrafts>({});
  const [details, setDetails] = useState<Details>({});
  const [serverErrors, setServerErrors] = useState<ServerLineErrors>({});

  // The handlers read the lines and mode through a ref, so they keep one identity.
  const live = useRef({ lineById, mode });
  live.current = { lineById, mode };

  const onEdit = useCallback<GridHandlers['onEdit']>((lineId, column, text) => {
    if (column === 'reviewReason') return;
    setDrafts((prev) => {
      const next: Draft = { ...prev[lineId], [column]: text };
      if (column === 'work') delete next.percent;
      if (column === 'percent') delete next.work;
      return { ...prev, [lineId]: next };
    });
    setServerErrors((prev) => (lineId in prev ? omit(prev, lineId) : prev));
  }, []);

  const onCommit = useCallback<GridHandlers['onCommit']>((lineId, column) => {
    if (column === 'reviewReason') return;
    setDrafts((prev) => {
      const draft = prev[lineId];
      const line = live.current.lineById.get(lineId);
      if (!draft || !line) return prev;
      const next = tidyCell(draft, column, line, live.current.mode);
      if (next === draft) return prev;
      return next === undefined ? omit(prev, lineId) : { ...prev, [lineId]: next };
    });
  }, []);

  const onRestore = useCallback<GridHandlers['onRestore']>((lineId, draft, review) => {
    setDrafts((prev) => (draft ? { ...prev, [lineId]: draft } : lineId in prev ? omit(prev, lineId) : prev));
    setReviews((prev) => (review ? { ...prev, [lineId]: review } : lineId in prev ? omit(prev, lineId) : prev));
  }, []);

  const onReview = useCallback<GridHandlers['onReview']>((lineId, change) => {
    const line = live.current.lineById.get(lineId);
    if (!line) return;
    setReviews((prev) => {
      const current: ReviewDecision = prev[lineId] ?? { decision: line.review.status, reason: line.review.reason ?? '' };
      const next = { ...current, ...change };
      if (next.decision !== 'rejected' && change.decision !== undefined) next.reason = next.decision === line.review.status ? (line.review.reason ?? '') : '';
      const unchanged = next.decision === line.review.status && (next.decision !== 'rejected' || next.reason.trim() === (line.review.reason ?? ''));
      return unchanged ? omit(prev, lineId) : { ...prev, [lineId]: next };
    });
  }, []);

  const setDetail = useCallback(
    (k: keyof Details, v: string) => {
      const inv = dataRef.current?.invoice;
      if (!inv) return;
      setDetails((prev) => {
        const saved = k === 'number' ? (inv.number ?? '') : inv[k];
        return v === saved ? omit(prev, k) : { ...prev, [k]: v };
      });
    },
    [dataRef],
  );

  const approveAll = useCallback(() => {
    setReviews((prev) => {
      const next = { ...prev };
      for (const line of live.current.lineById.values()) {
        const decision = line.id in prev ? prev[line.id]?.decision : line.review.status;
        if (!decision) next[line.id] = { decision: 'approved', reason: '' };
      }
      return next;
    });
  }, []);
  const discardReviews = useCallback(() => setReviews({}), []);

  const handlers = useMemo<GridHandlers>(() => ({ onEdit, onCommit, onRestore, onReview }), [onEdit, onCommit, onRestore, onReview]);

  const entryCount = Object.keys(drafts).length + Object.keys(reviews).length + Object.keys(details).length;
  /** Entries other than line decisions: what Save (and Ctrl+S) saves. */
  const hasLineOrDetailChanges = entryCount - Object.keys(reviews).length > 0;

  return {
    drafts,
    setDrafts,
    reviews,
    setReviews,
    details,
    setDetails,
    serverErrors,
    setServerErrors,
    handlers,
    setDetail,
    approveAll,
    discardReviews,
    entryCount,
    hasLineOrDetailChanges,
  };
}

export type InvoiceEntries = ReturnType<typeof useInvoiceEntries>;
