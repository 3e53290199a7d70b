/**
 * The Subcontractor SOV being edited: the stored version, the detail lines as typed, what they add
 * up to, and talking to the server — save the whole breakdown, submit / approve / send back (saving
 * pending edits first), ask the contacts to fill it in. A refusal puts its messages on the rows and
 * SOV lines they concern; someone else's change is a conflict that overwrites nothing.
 */
import { useMemo, useRef, useState } from 'react';
import { api, ApiError, call } from '../../api/client.ts';
import { useUnsavedChangesGuard } from '../../lib/hooks.ts';
import { useProject } from '../../lib/project.tsx';
import { centsToInput, focusFirstError, parseMoneyInput, toApiError, useFlash } from '../commitments/form-kit.tsx';
import {
  allocationProblems,
  errorsFromServer,
  figuresOf,
  newRowKey,
  orderedRows,
  rowsFromSsov,
  rowsSignature,
  totalsOf,
  validateRows,
  type DetailRow,
  type GroupErrors,
  type RowErrors,
  type Ssov,
  type SsovDetail,
} from './ssov-model.ts';

export type SsovPath = { params: { path: { projectId: string; commitmentId: string } } };
export type SsovBusy = null | 'save' | 'submit' | 'approve' | 'send_back' | 'request';

/** After a save the stored lines come back in the order sent: they keep their row keys (and the focus stays put). */
function keepKeys(fresh: DetailRow[], sent: DetailRow[]): DetailRow[] {
  if (fresh.length !== sent.length) return fresh;
  return fresh.map((row, i) => ({ ...row, key: sent[i]?.key ?? row.key }));
}

export function useSsovEditor({ path, initial, money }: { path: SsovPath; initial: Ssov; money: (cents: number) => string }) {
  const { project, vocabulary } = useProject();
  const [server, setServer] = useState<Ssov>(initial);
  const [base, setBase] = useState<{ version: number; rows: DetailRow[] }>(() => ({ version: initial.version, rows: rowsFromSsov(initial) }));
  const [rows, setRows] = useState<DetailRow[]>(() => rowsFromSsov(initial));
  const [rowErrors, setRowErrors] = useState<RowErrors>({});
  const [groupErrors, setGroupErrors] = useState<GroupErrors>({});
  const [failure, setFailure] = useState<ApiError | null>(null);
  const [conflict, setConflict] = useState<Ssov | null>(null);
  const [busy, setBusy] = useState<SsovBusy>(null);
  const [notice, setNotice] = useFlash();
  /** The grid's frame: where focus goes to a row (a new line, the first error). */
  const gridRef = useRef<HTMLDivElement>(null);

  const groups = server.sovLines;
  const ordered = useMemo(() => orderedRows(groups, rows), [groups, rows]);
  const figures = useMemo(() => figuresOf(groups, rows), [groups, rows]);
  const totals = useMemo(() => totalsOf(figures), [figures]);
  const problems = useMemo(() => allocationProblems(figures, money), [figures, project.currency, project.locale]);
  const baseSignature = useMemo(() => rowsSignature(base.rows), [base]);
  const dirty = rowsSignature(ordered) !== baseSignature;
  useUnsavedChangesGuard(dirty);
  const stored = useMemo(() => new Map<string, SsovDetail>(server.sovLines.flatMap((g) => g.lines.map((l) => [l.id, l] as const))), [server]);

  const adoptSaved = (fresh: Ssov, sent?: DetailRow[]) => {
    const freshRows = sent ? keepKeys(rowsFromSsov(fresh), sent) : rowsFromSsov(fresh);
    setServer(fresh);
    setBase({ version: fresh.version, rows: freshRows });
    setRows(freshRows);
    setConflict(null);
  };

  const loadFresh = () => call(api.GET('/api/v1/projects/{projectId}/commitments/{commitmentId}/ssov', path));

  /** A refusal: a conflict (someone else saved), or messages on the rows and SOV lines they concern. */
  const fail = async (err: unknown, sent: DetailRow[]) => {
    const e = toApiError(err);
    if (e.status === 409 || e.status === 412) {
      const fresh = await loadFresh().catch(() => null);
      if (fresh) setConflict(fresh);
      else setFailure(e);
      return;
    }
    const mapped = errorsFromServer(sent, e);
    setRowErrors(mapped.rows);
    setGroupErrors(mapped.groups);
    setFailure(e);
    focusFirstError(gridRef.current);
  };

  /** PUT the whole breakdown; the saved SSOV, or null when refused (the reasons are on screen). */
  const putLines = async (version: number, retried = false): Promise<Ssov | null> => {
    const sent = ordered;
    const { errors, lines } = validateRows(sent);
    setRowErrors(errors);
    setGroupErrors({});
    setFailure(null);
    if (Object.keys(errors).length > 0) {
      setFailure(new ApiError(400, { error: { message: 'Some detail lines need a fix before saving: see the marked cells.' } }));
      focusFirstError(gridRef.current);
      return null;
    }
    try {
      const fresh = await call(api.PUT('/api/v1/projects/{projectId}/commitments/{commitmentId}/ssov', { ...path, body: { version, lines } }));
      adoptSaved(fresh, sent);
      return fresh;
    } catch (err) {
      const e = toApiError(err);
      if ((e.status === 409 || e.status === 412) && !retried) {
        // Only the version moved (a status change, a request) and not the lines: save on top of it.
        const fresh = await loadFresh().catch(() => null);
        if (fresh && rowsSignature(rowsFromSsov(fresh)) === baseSignature) {
          setServer(fresh);
          setBase((b) => ({ ...b, version: fresh.version }));
          return putLines(fresh.version, true);
        }
      }
      await fail(err, sent);
      return null;
    }
  };

  const save = async () => {
    if (busy || conflict) return;
    setBusy('save');
    try {
      if (await putLines(base.version)) setNotice(`${vocabulary.subcontractorSov} saved.`);
    } finally {
      setBusy(null);
    }
  };

  /** Saves pending edits first, then moves the status; true when it moved. */
  const transition = async (action: 'submit' | 'approve' | 'send_back', reason = ''): Promise<boolean> => {
    if (busy || conflict) return false;
    setBusy(action);
    setFailure(null);
    setGroupErrors({});
    try {
      let version = base.version;
      if (dirty) {
        const saved = await putLines(version);
        if (!saved) return false;
        version = saved.version;
      }
      let fresh: Ssov;
      if (action === 'submit') fresh = await call(api.POST('/api/v1/projects/{projectId}/commitments/{commitmentId}/ssov/submit', { ...path, body: { version } }));
      else if (action === 'approve') fresh = await call(api.POST('/api/v1/projects/{projectId}/commitments/{commitmentId}/ssov/approve', { ...path, body: { version } }));
      else fresh = await call(api.POST('/api/v1/projects/{projectId}/commitments/{commitmentId}/ssov/send-back', { ...path, body: { version, reason } }));
      adoptSaved(fresh, orderedRows(fresh.sovLines, rows));
      setNotice(
        action === 'submit'
          ? 'Submitted for review. The invoice administrators have been notified.'
          : action === 'approve'
            ? 'Approved. New invoices of this commitment bill its detail lines.'
            : 'Sent back for revision. The invoice contacts have been emailed your reason.',
      );
      return true;
    } catch (err) {
      await fail(err, []);
      return false;
    } finally {
      setBusy(null);
    }
  };

  /** Asks the contacts to fill it in; null when sent, else why not. */
  const request = async (message: string, key: string): Promise<string | null> => {
    setBusy('request');
    setFailure(null);
    try {
      const result = await call(
        api.POST('/api/v1/projects/{projectId}/commitments/{commitmentId}/ssov/request', {
          ...path,
          headers: { 'Idempotency-Key': key },
          body: message.trim() ? { message: message.trim() } : {},
        }),
      );
      // Asking changes no line: the draft on screen stays as it is.
      setServer(result.ssov);
      setBase((b) => (rowsSignature(rowsFromSsov(result.ssov)) === rowsSignature(b.rows) ? { ...b, version: result.ssov.version } : b));
      const n = result.emailed.length;
      const skipped = result.skipped.map((s) => s.reason);
      setNotice(
        `${n === 0 ? 'No invoice contact was emailed' : `The request was emailed to ${n} ${n === 1 ? vocabulary.invoiceContact : vocabulary.invoiceContacts}`}.` +
          (skipped.length > 0 ? ` Not emailed: ${skipped.join('; ')}.` : ''),
      );
      return null;
    } catch (err) {
      return toApiError(err).message;
    } finally {
      setBusy(null);
    }
  };

  // ---- Editing ------------------------------------------------------------------------------

  const update = (key: string, patch: Partial<DetailRow>) => setRows((rs) => rs.map((r) => (r.key === key ? { ...r, ...patch } : r)));

  const focusLater = (selector: string) =>
    window.requestAnimationFrame(() => {
      const el = gridRef.current?.querySelector<HTMLElement>(selector);
      el?.focus();
    });

  const addRow = (sovLineId: string) => {
    const key = newRowKey();
    setRows((rs) => [...rs, { key, sovLineId, description: '', costCode: '', amount: '' }]);
    focusLater(`input[data-key="${key}"][data-col="description"]`);
  };

  const removeRow = (row: DetailRow) => {
    const siblings = ordered.filter((r) => r.sovLineId === row.sovLineId);
    const at = siblings.findIndex((r) => r.key === row.key);
    const next = siblings[at + 1] ?? siblings[at - 1];
    setRows((rs) => rs.filter((r) => r.key !== row.key));
    setRowErrors((errs) => {
      const { [row.key]: _gone, ...rest } = errs;
      return rest;
    });
    focusLater(next ? `button[data-remove="${next.key}"]` : `button[data-add="${row.sovLineId}"]`);
  };

  /** Leaving an amount: "6000" → "6,000.00". */
  const tidyAmount = (key: string) =>
    setRows((rs) =>
      rs.map((r) => {
        if (r.key !== key) return r;
        const p = parseMoneyInput(r.amount);
        return p.ok && centsToInput(p.value) !== r.amount ? { ...r, amount: centsToInput(p.value) } : r;
      }),
    );

  /** Back to the stored version: every edit and message of this visit forgotten. */
  const discard = () => {
    setRows(base.rows);
    setRowErrors({});
    setGroupErrors({});
    setFailure(null);
  };

  return {
    server,
    groups,
    ordered,
    figures,
    totals,
    problems,
    dirty,
    stored,
    rowErrors,
    groupErrors,
    failure,
    conflict,
    busy,
    notice,
    gridRef,
    adoptSaved,
    save,
    transition,
    request,
    update,
    addRow,
    removeRow,
    tidyAmount,
    discard,
  };
}
