/**
 * Saving what was typed: the invoice's details, then the changed lines in one request. Nothing
 * typed is lost: a line with a problem (its own, or one the server refuses for a rule the browser
 * cannot check, e.g. overbilling) is held back with its text and its message on the line while the
 * other lines are saved; a failed save keeps every entry; a conflict (409) reloads the invoice and
 * keeps the entries aside, to be re-applied on the latest version.
 */
import { useCallback, useRef, useState, type ReactNode } from 'react';
import { api, ApiError, call } from '../../api/client.ts';
import { focusLine, rowName } from './g703-grid.tsx';
import {
  applyWrite,
  buildLineChanges,
  describeChanges,
  serverLineErrors,
  type Draft,
  type EditMode,
  type InvoiceData,
  type InvoiceLine,
  type LineCalc,
  type MoneyFormat,
  type ServerLineErrors,
} from './invoice-model.ts';
import type { InvoiceEntries, Details } from './use-invoice-entries.ts';
import type { Stash } from './use-entry-stash.ts';

export type Message = { tone: 'error' | 'success' | 'info' | 'warning'; text: ReactNode };
/** One line's problem, as listed in a banner with a link to the cell. */
export type LineProblem = { id: string; name: string; message: string; column: string };
export type SaveError = { text: string; lines: LineProblem[] };
/** Entries set aside by a conflict, with what the other person changed. */
export type Conflict = { changes: string[]; stash: Stash; canApply: boolean };

export function useSaveLines({
  projectId,
  invoiceId,
  dataRef,
  setData,
  fetchInvoice,
  entries,
  calcs,
  orderedLines,
  mode,
  isAdmin,
  money,
  setMessage,
}: {
  projectId: string;
  invoiceId: string;
  dataRef: { readonly current: InvoiceData | null };
  setData: (fresh: InvoiceData) => void;
  fetchInvoice: () => Promise<InvoiceData>;
  entries: InvoiceEntries;
  calcs: readonly LineCalc[];
  orderedLines: readonly InvoiceLine[];
  mode: EditMode;
  isAdmin: boolean;
  money: MoneyFormat;
  setMessage: (m: Message | null) => void;
}) {
  const { drafts, reviews, details, setDrafts, setReviews, setDetails, setServerErrors } = entries;
  const [saveError, setSaveError] = useState<SaveError | null>(null);
  const [conflict, setConflict] = useState<Conflict | null>(null);
  const [detailErrors, setDetailErrors] = useState<Record<string, string>>({});

  const problemOf = (c: LineCalc, issues: readonly { message: string; column: string }[]): LineProblem[] => {
    const first = issues[0];
    return first ? [{ id: c.line.id, name: rowName(c, orderedLines.indexOf(c.line)), message: first.message, column: first.column === 'total' ? 'work' : first.column }] : [];
  };

  /** Each listed line's first problem: the server's refusal first, then its own blocking issues. */
  const describeLineProblems = (list: readonly LineCalc[], extra: ServerLineErrors = {}): LineProblem[] =>
    list.flatMap((c) => problemOf(c, [...(extra[c.line.id] ?? []), ...c.issues.filter((i) => i.blocking)]));

  // The entries as they are now (a conflict keeps whatever was typed, even during the save).
  const entriesRef = useRef<Stash>({ drafts, reviews, details });
  entriesRef.current = { drafts, reviews, details };

  const handleConflict = useCallback(
    async (before: InvoiceData) => {
      const stash: Stash = entriesRef.current;
      try {
        const fresh = await fetchInvoice();
        const freshMode: EditMode = fresh.you.canEditClaim ? 'claim' : fresh.you.canCertify ? 'certify' : 'read';
        setDrafts({});
        setReviews({});
        setDetails({});
        setServerErrors({});
        setSaveError(null);
        setData(fresh);
        setConflict({ changes: describeChanges(before, fresh), stash, canApply: freshMode !== 'read' || Object.keys(stash.reviews).length > 0 });
      } catch (e) {
        setSaveError({ text: `Someone changed this invoice, and it could not be reloaded: ${e instanceof Error ? e.message : String(e)} Your entries are kept.`, lines: [] });
      }
    },
    [fetchInvoice, setData, setDrafts, setReviews, setDetails, setServerErrors],
  );

  /** A failed write: keep every entry, say why, and put each line's problem on the line. */
  const handleWriteError = useCallback(
    async (error: unknown, before: InvoiceData, sent: readonly { lineId: string }[] = [], failed = 'Not saved') => {
      if (error instanceof ApiError && error.status === 409 && error.code === 'version_conflict') {
        await handleConflict(before);
        return;
      }
      if (!(error instanceof ApiError)) {
        setSaveError({ text: `${failed}: ${error instanceof Error ? error.message : String(error)} Your entries are kept.`, lines: [] });
        return;
      }
      const fieldErrors = error.fieldErrors;
      const { byLine, unplaced } = serverLineErrors(
        Object.fromEntries(Object.entries(fieldErrors).filter(([path]) => path.startsWith('lines.'))),
        sent,
        before.lines,
        money,
      );
      const detailFields = Object.fromEntries(Object.entries(fieldErrors).filter(([path]) => !path.startsWith('lines') && path !== 'action' && path !== 'version'));
      setDetailErrors(detailFields);
      setServerErrors(byLine);
      const placed = calcs.filter((c) => byLine[c.line.id]);
      const problems = placed.flatMap((c) => problemOf(c, byLine[c.line.id] ?? []));
      const lead = error.status === 0 ? `${failed}: ${error.message}` : placed.length > 0 ? `${failed} — fix the lines below. Your entries are kept.` : `${failed}: ${unplaced[0] ?? error.message}`;
      setSaveError({ text: `${lead}${error.status === 0 ? ' Your entries are kept; try again.' : ''}`, lines: problems });
      const first = problems[0];
      if (first) requestAnimationFrame(() => focusLine(first.id, first.column));
    },
    // problemOf reads orderedLines, listed here.
    [calcs, handleConflict, money, orderedLines, setServerErrors],
  );

  /**
   * Saves the details and the changed lines. A line with a problem (its own, or one the server
   * refuses, e.g. overbilling) is held back with what was typed and its message on the line; the
   * other lines are saved. Returns the saved invoice and the held lines, or null on failure.
   */
  const saveAll = useCallback(async (): Promise<{ invoice: InvoiceData; held: LineProblem[] } | null> => {
    const current = dataRef.current;
    if (!current) return null;
    setMessage(null);
    setSaveError(null);
    let invoice = current;
    const sentDrafts = drafts;
    const sentDetails = details;
    const saveMode = mode === 'certify' ? 'certify' : 'claim';
    // Only lines with entries are held back; a saved line's own problem is for Submit to report.
    const withProblems = calcs.filter((c) => sentDrafts[c.line.id] !== undefined && c.issues.some((i) => i.blocking));
    const heldIds = new Set(withProblems.map((c) => c.line.id));
    const held = describeLineProblems(withProblems);
    let changes = mode === 'read' ? [] : buildLineChanges(calcs, saveMode, isAdmin).filter((c) => !heldIds.has(c.lineId));
    let refused: ServerLineErrors = {};
    try {
      if (Object.keys(sentDetails).length > 0) {
        const body: Record<string, string | null> = {};
        for (const [k, v] of Object.entries(sentDetails)) body[k] = k === 'number' ? v.trim() || null : v;
        invoice = applyWrite(
          invoice,
          await call(
          api.PATCH('/api/v1/projects/{projectId}/invoices/{invoiceId}', {
            params: { path: { projectId, invoiceId } },
            body: { version: invoice.invoice.version, ...body },
          }),
          ),
        );
        setDetails((prev) => (prev === sentDetails ? {} : Object.fromEntries(Object.entries(prev).filter(([k, v]) => sentDetails[k as keyof Details] !== v))));
        setDetailErrors({});
        setData(invoice);
      }
      const put = (lines: typeof changes, version: number) =>
        call(
          api.PUT('/api/v1/projects/{projectId}/invoices/{invoiceId}/lines', {
            params: { path: { projectId, invoiceId } },
            body: { version, mode: saveMode, lines },
          }),
        );
      if (changes.length > 0) {
        try {
          invoice = applyWrite(invoice, await put(changes, invoice.invoice.version));
        } catch (error) {
          // The server refused some lines for a rule the browser could not check: save the others.
          if (!(error instanceof ApiError) || error.status !== 422) throw error;
          const lineErrors = Object.fromEntries(Object.entries(error.fieldErrors).filter(([path]) => path.startsWith('lines.')));
          const { byLine, unplaced } = serverLineErrors(lineErrors, changes, invoice.lines, money);
          const ids = Object.keys(byLine);
          if (ids.length === 0 || unplaced.length > 0) throw error;
          refused = byLine;
          for (const id of ids) {
            const c = calcs.find((x) => x.line.id === id);
            if (c) held.push(...problemOf(c, byLine[id] ?? []));
            heldIds.add(id);
          }
          changes = changes.filter((c) => !byLine[c.lineId]);
          if (changes.length > 0) invoice = applyWrite(invoice, await put(changes, invoice.invoice.version));
        }
        setData(invoice);
      }
      // Forget what was saved; keep what was held back and anything typed while saving.
      setDrafts((prev) => {
        const next: Record<string, Draft> = {};
        for (const [id, d] of Object.entries(prev)) if (sentDrafts[id] !== d || heldIds.has(id)) next[id] = d;
        return next;
      });
      setServerErrors(refused);
      if (held.length > 0) {
        setSaveError({
          text:
            changes.length > 0 || Object.keys(sentDetails).length > 0
              ? `Saved, except ${held.length} line${held.length > 1 ? 's' : ''} with a problem. ${held.length > 1 ? 'They keep' : 'It keeps'} what you typed:`
              : `Not saved — fix ${held.length > 1 ? 'these lines' : 'this line'} first. Your entries are kept:`,
          lines: held,
        });
        const first = held[0];
        if (first) requestAnimationFrame(() => focusLine(first.id, first.column));
      }
      return { invoice, held };
    } catch (error) {
      await handleWriteError(error, invoice, changes);
      return null;
    }
    // describeLineProblems and problemOf read orderedLines, listed here.
  }, [calcs, drafts, details, mode, isAdmin, projectId, invoiceId, handleWriteError, setData, money, orderedLines, dataRef, setMessage, setDetails, setDrafts, setServerErrors]);

  return { saveAll, handleWriteError, describeLineProblems, saveError, setSaveError, conflict, setConflict, detailErrors };
}
