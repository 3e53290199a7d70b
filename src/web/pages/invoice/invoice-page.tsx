/**
 * THE invoice page (pay application): an invoice contact enters and submits this period's work in
 * a spreadsheet-like G703; an invoice administrator reviews it line by line, certifies different
 * amounts with a reason, and approves. The G703 and G702 are computed in the browser as people
 * type, with the server's own pure code (src/domain/pay-application.ts); the server still decides.
 * Nothing typed is lost: entries are kept as text per line until saved, survive a failed save, are
 * offered back after a conflict (409), and are backed up in sessionStorage until saved.
 */
import { memo, useCallback, useEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import { api, ApiError, call } from '../../api/client.ts';
import { Button, EmptyState, ErrorBanner, Loading, StatusBadge } from '../../components/ui.tsx';
import { INVOICE_TYPE_LABELS } from '../../../domain/invite-to-bill.ts';
import { entriesEqual } from '../../../domain/invoice.ts';
import { useDocumentTitle, useUnsavedChangesGuard } from '../../lib/hooks.ts';
import { useProject, useProjectFormat } from '../../lib/project.tsx';
import { Link } from '../../lib/router.tsx';
import { AttachmentsPanel, type Attachment } from './attachments.tsx';
import { AuditHistory } from './audit-history.tsx';
import { PaymentsPanel } from './payments-panel.tsx';
import { RetentionPanel } from './retention-panel.tsx';
import { SovGroupsCard } from './sov-groups.tsx';
import { G702Summary, type SummaryColumn } from './g702-summary.tsx';
import { focusLine, G703Grid, rowName, type GridConfig, type GridHandlers } from './g703-grid.tsx';
import {
  applySlidingScale,
  baseEntry,
  buildLineChanges,
  computeAll,
  describeChanges,
  formatBpPlain,
  lineName,
  moneyInputText,
  parseDraft,
  parseMoneyInput,
  parsePercentInput,
  serverLineErrors,
  summarizeAll,
  type CalcCache,
  type Draft,
  type Drafts,
  type EditColumn,
  type EditMode,
  type InvoiceData,
  type InvoiceLine,
  type LineCalc,
  type Overbilling,
  type ReviewDecision,
  type ReviewDrafts,
  type ServerLineErrors,
} from './invoice-model.ts';
import { ConfirmActionDialog, ReviewToolbar, type ActionKind, type ConfirmInfo } from './review-panel.tsx';
import './invoice.css';

type Details = Partial<Record<'number' | 'billingDate' | 'periodStart' | 'periodEnd' | 'comments', string>>;
type Stash = { drafts: Drafts; reviews: ReviewDrafts; details: Details; savedAt?: string };
type Message = { tone: 'error' | 'success' | 'info' | 'warning'; text: ReactNode };
type LineProblem = { id: string; name: string; message: string; column: string };

const STORAGE_PREFIX = 'payapp.invoice-entries.';

function newIdempotencyKey(): string {
  if (typeof crypto.randomUUID === 'function') return crypto.randomUUID();
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return [...bytes].map((b) => b.toString(16).padStart(2, '0')).join('');
}

const todayFormats = new Map<string, Intl.DateTimeFormat>();
function todayIn(timeZone: string): string {
  let f = todayFormats.get(timeZone);
  if (!f) todayFormats.set(timeZone, (f = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' })));
  return f.format(new Date());
}

/** Keeps the previous line objects when a line did not change, so its row does not re-render. */
function reconcile(old: InvoiceData | null, fresh: InvoiceData): InvoiceData {
  if (!old) return fresh;
  const before = new Map(old.lines.map((l) => [l.id, l]));
  let same = old.lines.length === fresh.lines.length;
  const lines = fresh.lines.map((l, n) => {
    const prev = before.get(l.id);
    if (prev && JSON.stringify(prev) === JSON.stringify(l)) {
      if (old.lines[n] !== prev) same = false;
      return prev;
    }
    same = false;
    return l;
  });
  return { ...fresh, lines: same ? old.lines : lines };
}

function inferOverbilling(d: InvoiceData): Overbilling | null {
  if (d.lines.some((l) => l.issues.some((i) => i.code === 'overbilled'))) return 'refused';
  if (d.lines.some((l) => l.totalCompletedAndStoredCents > Math.max(l.scheduledValueCents, 0))) return 'allowed';
  return null;
}

function omit<T>(record: Readonly<Record<string, T>>, key: string): Record<string, T> {
  const next = { ...record };
  delete next[key];
  return next;
}

function useFormatters() {
  const { currency, locale, timeZone } = useProjectFormat();
  return useMemo(() => {
    const n = new Intl.NumberFormat(locale, { minimumFractionDigits: 2, maximumFractionDigits: 2 });
    const m = new Intl.NumberFormat(locale, { style: 'currency', currency, currencyDisplay: 'narrowSymbol' });
    const p = new Intl.NumberFormat(locale, { minimumFractionDigits: 0, maximumFractionDigits: 2 });
    const d = new Intl.DateTimeFormat(locale, { year: 'numeric', month: 'short', day: 'numeric', timeZone: 'UTC' });
    const t = new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short', timeZone });
    // Display only: cents / 100 is exact at two decimals for |cents| < 2^53.
    return {
      num: (cents: number) => n.format(cents / 100),
      money: (cents: number) => m.format(cents / 100),
      pct: (bp: number) => `${p.format(bp / 100)}%`,
      /** A calendar day ('2026-11-25') as people read it (the same as formatDay, with one formatter). */
      day: (value: string) => {
        const [y, m, dd] = value.split('-').map(Number);
        return d.format(new Date(Date.UTC(y ?? 1970, (m ?? 1) - 1, dd ?? 1)));
      },
      instant: (iso: string) => t.format(new Date(iso)),
      locale,
      currency,
      timeZone,
    };
  }, [currency, locale, timeZone]);
}

export function InvoicePage({ params }: { params: Record<string, string> }) {
  const projectId = params.projectId ?? '';
  const invoiceId = params.invoiceId ?? '';
  const { vocabulary, isAdmin: projectAdmin } = useProject();
  const fmt = useFormatters();

  const [data, setDataRaw] = useState<InvoiceData | null>(null);
  const [loadError, setLoadError] = useState<ApiError | null>(null);
  const [drafts, setDrafts] = useState<Drafts>({});
  const [reviews, setReviews] = useState<ReviewDrafts>({});
  const [details, setDetails] = useState<Details>({});
  const [detailErrors, setDetailErrors] = useState<Record<string, string>>({});
  const [serverErrors, setServerErrors] = useState<ServerLineErrors>({});
  const [message, setMessage] = useState<Message | null>(null);
  const [saveError, setSaveError] = useState<{ text: string; lines: LineProblem[] } | null>(null);
  const [conflict, setConflict] = useState<{ changes: string[]; stash: Stash; canApply: boolean } | null>(null);
  const [restore, setRestore] = useState<Stash | null>(null);
  const [busy, setBusy] = useState<string | null>(null);
  const [overbilling, setOverbilling] = useState<Overbilling>('unknown');
  const [attachments, setAttachments] = useState<Attachment[]>([]);
  const [confirm, setConfirm] = useState<ActionKind | null>(null);
  const [showRates, setShowRates] = useState(false);
  const idempotency = useRef<{ action: string; key: string } | null>(null);

  const dataRef = useRef<InvoiceData | null>(null);
  const setData = useCallback((fresh: InvoiceData) => {
    const next = reconcile(dataRef.current, fresh);
    dataRef.current = next;
    setDataRaw(next);
    setAttachments(next.attachments);
    const inferred = inferOverbilling(next);
    if (inferred) setOverbilling(inferred);
  }, []);

  const fetchInvoice = useCallback(
    () => call(api.GET('/api/v1/projects/{projectId}/invoices/{invoiceId}', { params: { path: { projectId, invoiceId } } })),
    [projectId, invoiceId],
  );

  const load = useCallback(async () => {
    try {
      setData(await fetchInvoice());
      setLoadError(null);
    } catch (e) {
      setLoadError(e instanceof ApiError ? e : new ApiError(0, undefined));
    }
  }, [fetchInvoice, setData]);

  useEffect(() => {
    void load();
  }, [load]);

  // Administrators can read the project's overbilling rule; contacts learn it from the server's checks.
  useEffect(() => {
    if (!projectAdmin) return;
    call(api.GET('/api/v1/projects/{projectId}/invoicing-settings', { params: { path: { projectId } } }))
      .then((s) => setOverbilling(s.effectiveAllowOverbilling ? 'allowed' : 'refused'))
      .catch(() => undefined);
  }, [projectAdmin, projectId]);

  // Entries not saved yet from an earlier visit (e.g. the session expired while typing). Only
  // entries that still differ from the saved invoice, on an invoice that can still take them.
  const storageKey = `${STORAGE_PREFIX}${invoiceId}`;
  const checkedBackup = useRef(false);
  useEffect(() => {
    if (!data || checkedBackup.current) return;
    checkedBackup.current = true;
    try {
      const raw = sessionStorage.getItem(storageKey);
      if (!raw) return;
      const stash = JSON.parse(raw) as Stash;
      const backupMode: EditMode = data.you.canEditClaim ? 'claim' : data.you.canCertify ? 'certify' : 'read';
      const byId = new Map(data.lines.map((l) => [l.id, l]));
      const still = (id: string, d: Draft) => {
        const line = byId.get(id);
        if (!line || backupMode === 'read') return false;
        const p = parseDraft(line, d, backupMode);
        return (
          Object.keys(p.parseErrors).length > 0 ||
          !entriesEqual(p.entry, baseEntry(line, backupMode)) ||
          p.rates.workBp !== line.workRetainageRateBp ||
          p.rates.materialsBp !== line.materialsRetainageRateBp ||
          (backupMode === 'certify' && (p.reason ?? '') !== (line.differenceReason ?? ''))
        );
      };
      const kept: Stash = {
        drafts: Object.fromEntries(Object.entries(stash.drafts ?? {}).filter(([id, d]) => still(id, d))),
        reviews: data.you.canReview ? Object.fromEntries(Object.entries(stash.reviews ?? {}).filter(([id]) => byId.has(id))) : {},
        details: backupMode === 'read' ? {} : Object.fromEntries(Object.entries(stash.details ?? {}).filter(([k, v]) => v !== (k === 'number' ? (data.invoice.number ?? '') : data.invoice[k as keyof Details]))),
        ...(stash.savedAt ? { savedAt: stash.savedAt } : {}),
      };
      if (Object.keys(kept.drafts).length + Object.keys(kept.reviews).length + Object.keys(kept.details).length > 0) setRestore(kept);
      else sessionStorage.removeItem(storageKey);
    } catch {
      sessionStorage.removeItem(storageKey);
    }
  }, [data, storageKey]);

  const entryCount = Object.keys(drafts).length + Object.keys(reviews).length + Object.keys(details).length;
  useEffect(() => {
    if (!checkedBackup.current || restore) return;
    const write = () => {
      try {
        if (entryCount === 0) sessionStorage.removeItem(storageKey);
        else sessionStorage.setItem(storageKey, JSON.stringify({ drafts, reviews, details, savedAt: new Date().toISOString() } satisfies Stash));
      } catch {
        // Storage full or disabled: the page still keeps the entries in memory.
      }
    };
    if (entryCount === 0) {
      write(); // Saved or discarded: forget the backup at once.
      return;
    }
    const timer = window.setTimeout(write, 300);
    window.addEventListener('pagehide', write);
    return () => {
      window.clearTimeout(timer);
      window.removeEventListener('pagehide', write);
    };
  }, [drafts, reviews, details, entryCount, storageKey, restore]);

  useUnsavedChangesGuard(entryCount > 0);

  // ---- derived: mode, ordered lines, live computation ------------------------------------------
  const you = data?.you;
  const mode: EditMode = !you ? 'read' : you.canEditClaim ? 'claim' : you.canCertify ? 'certify' : 'read';
  const isAdmin = you?.role === 'admin';
  const lines = data?.lines;
  const orderedLines = useMemo(() => {
    if (!lines) return [];
    return [...lines.filter((l) => l.source === 'sov'), ...lines.filter((l) => l.source !== 'sov')];
  }, [lines]);
  const lineById = useMemo(() => new Map(orderedLines.map((l) => [l.id, l])), [orderedLines]);

  const cacheRef = useRef<CalcCache | null>(null);
  const retentionRules = data?.retentionRules ?? null;
  const stamp = `${mode}|${overbilling}|${fmt.locale}|${fmt.currency}`;
  const calcs = useMemo(() => {
    const result = computeAll(orderedLines, drafts, mode, overbilling, fmt.money, cacheRef.current, stamp);
    cacheRef.current = result.cache;
    return applySlidingScale(result.calcs, retentionRules, mode);
  }, [orderedLines, drafts, mode, overbilling, fmt.money, stamp, retentionRules]);

  const previousCertificates = data?.summary.lessPreviousCertificatesCents ?? 0;
  const live = useMemo(() => summarizeAll(calcs, previousCertificates), [calcs, previousCertificates]);
  const summary = mode === 'read' && data ? data.summary : live.summary;

  const changedCalcs = useMemo(() => calcs.filter((c) => c.changed), [calcs]);
  const problemCalcs = useMemo(() => calcs.filter((c) => c.issues.some((i) => i.blocking) || serverErrors[c.line.id]), [calcs, serverErrors]);

  // ---- grid configuration (changes only with the invoice, never per keystroke) -----------------
  const invoiceType = data?.invoice.invoiceType;
  const anyAdjusted = !!lines?.some((l) => l.isCertifiedAdjusted);
  const anyRelease = !!lines?.some((l) => l.retainageReleasedCents !== 0 || l.claimed.retainageReleasedCents !== 0);
  const anyRateOverride = !!lines?.some((l) => l.isRateOverridden);
  const canRelease = !!you?.canReleaseRetainage;
  const canReview = !!you?.canReview;
  const editRates = isAdmin && !!you?.canCertify;
  const cfg = useMemo<GridConfig>(
    () => ({
      mode,
      editWork: invoiceType !== 'retainage_release',
      showRelease: canRelease || anyRelease || invoiceType === 'retainage_release',
      editRelease: canRelease,
      showClaimed: mode === 'certify' || (mode === 'read' && anyAdjusted),
      showReason: mode === 'certify' || (mode === 'read' && anyAdjusted),
      showRates: (editRates && showRates) || anyRateOverride,
      editRates,
      showReview: canReview,
      isContact: !isAdmin,
      num: fmt.num,
      pct: fmt.pct,
    }),
    [mode, invoiceType, canRelease, anyRelease, anyAdjusted, editRates, showRates, anyRateOverride, canReview, isAdmin, fmt],
  );

  // ---- editing handlers (stable) -----------------------------------------------------------------
  const live_ = useRef({ lineById, mode });
  live_.current = { lineById, mode };

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

  /** Leaving a cell: tidy the number ("1234.5" → "1,234.50"), and forget it when it equals what is saved. */
  const onCommit = useCallback<GridHandlers['onCommit']>((lineId, column) => {
    if (column === 'reviewReason') return;
    setDrafts((prev) => {
      const draft = prev[lineId];
      const text = draft?.[column as keyof Draft];
      const line = live_.current.lineById.get(lineId);
      if (!draft || text === undefined || !line) return prev;
      const base = baseEntry(line, live_.current.mode);
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
            return prev;
        }
      } catch {
        return prev; // Text that does not parse stays as typed, with its message.
      }
      if (!same && normalized === text) return prev;
      const next: Draft = { ...draft };
      if (same) delete next[column as keyof Draft];
      else next[column as keyof Draft] = normalized;
      return Object.keys(next).length === 0 ? omit(prev, lineId) : { ...prev, [lineId]: next };
    });
  }, []);

  const onRestore = useCallback<GridHandlers['onRestore']>((lineId, draft, review) => {
    setDrafts((prev) => (draft ? { ...prev, [lineId]: draft } : lineId in prev ? omit(prev, lineId) : prev));
    setReviews((prev) => (review ? { ...prev, [lineId]: review } : lineId in prev ? omit(prev, lineId) : prev));
  }, []);

  const onReview = useCallback<GridHandlers['onReview']>((lineId, change) => {
    const line = live_.current.lineById.get(lineId);
    if (!line) return;
    setReviews((prev) => {
      const current: ReviewDecision = prev[lineId] ?? { decision: line.review.status, reason: line.review.reason ?? '' };
      const next = { ...current, ...change };
      if (next.decision !== 'rejected' && change.decision !== undefined) next.reason = next.decision === line.review.status ? (line.review.reason ?? '') : '';
      const unchanged = next.decision === line.review.status && (next.decision !== 'rejected' || next.reason.trim() === (line.review.reason ?? ''));
      return unchanged ? omit(prev, lineId) : { ...prev, [lineId]: next };
    });
  }, []);

  const setDetail = useCallback((k: keyof Details, v: string) => {
    const inv = dataRef.current?.invoice;
    if (!inv) return;
    setDetails((prev) => {
      const saved = k === 'number' ? (inv.number ?? '') : inv[k];
      return v === saved ? omit(prev, k) : { ...prev, [k]: v };
    });
  }, []);

  const handlers = useMemo<GridHandlers>(() => ({ onEdit, onCommit, onRestore, onReview }), [onEdit, onCommit, onRestore, onReview]);

  // ---- saving ------------------------------------------------------------------------------------
  const describeLineProblems = (list: readonly LineCalc[], extra: ServerLineErrors = {}) =>
    list.flatMap((c) => {
      const index = orderedLines.indexOf(c.line);
      const all = [...(extra[c.line.id] ?? []), ...c.issues.filter((i) => i.blocking)];
      const first = all[0];
      return first ? [{ id: c.line.id, name: rowName(c, index), message: first.message, column: first.column === 'total' ? 'work' : first.column }] : [];
    });

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
    [fetchInvoice, setData],
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
        fmt.money,
      );
      const detailFields = Object.fromEntries(Object.entries(fieldErrors).filter(([path]) => !path.startsWith('lines') && path !== 'action' && path !== 'version'));
      setDetailErrors(detailFields);
      if (Object.values(byLine).some((list) => list.some((i) => /over 100%/i.test(i.message)))) setOverbilling('refused');
      setServerErrors(byLine);
      const placed = calcs.filter((c) => byLine[c.line.id]);
      const problems = placed.flatMap((c) => {
        const first = byLine[c.line.id]?.[0];
        return first ? [{ id: c.line.id, name: rowName(c, orderedLines.indexOf(c.line)), message: first.message, column: first.column === 'total' ? 'work' : first.column }] : [];
      });
      const lead = error.status === 0 ? `${failed}: ${error.message}` : placed.length > 0 ? `${failed} — fix the lines below. Your entries are kept.` : `${failed}: ${unplaced[0] ?? error.message}`;
      setSaveError({ text: `${lead}${error.status === 0 ? ' Your entries are kept; try again.' : ''}`, lines: problems });
      const first = problems[0];
      if (first) requestAnimationFrame(() => focusLine(first.id, first.column));
    },
    [calcs, handleConflict, fmt.money, orderedLines],
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
        invoice = await call(
          api.PATCH('/api/v1/projects/{projectId}/invoices/{invoiceId}', {
            params: { path: { projectId, invoiceId } },
            body: { version: invoice.invoice.version, ...body },
          }),
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
          invoice = await put(changes, invoice.invoice.version);
        } catch (error) {
          // The server refused some lines for a rule the browser could not check: save the others.
          if (!(error instanceof ApiError) || error.status !== 422) throw error;
          const lineErrors = Object.fromEntries(Object.entries(error.fieldErrors).filter(([path]) => path.startsWith('lines.')));
          const { byLine, unplaced } = serverLineErrors(lineErrors, changes, invoice.lines, fmt.money);
          const ids = Object.keys(byLine);
          if (ids.length === 0 || unplaced.length > 0) throw error;
          refused = byLine;
          if (Object.values(byLine).some((list) => list.some((i) => /over 100%/i.test(i.message)))) setOverbilling('refused');
          for (const id of ids) {
            const c = calcs.find((x) => x.line.id === id);
            const first = byLine[id]?.[0];
            if (c && first) held.push({ id, name: rowName(c, orderedLines.indexOf(c.line)), message: first.message, column: first.column === 'total' ? 'work' : first.column });
            heldIds.add(id);
          }
          changes = changes.filter((c) => !byLine[c.lineId]);
          if (changes.length > 0) invoice = await put(changes, invoice.invoice.version);
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
  }, [calcs, drafts, details, mode, isAdmin, projectId, invoiceId, handleWriteError, setData, fmt.money, orderedLines]);

  const save = async () => {
    setBusy('save');
    const result = await saveAll();
    setBusy(null);
    if (result && result.held.length === 0) setMessage({ tone: 'success', text: `Saved at ${new Date().toLocaleTimeString(fmt.locale, { hour: 'numeric', minute: '2-digit' })}.` });
  };

  const transition = async (action: 'submit' | 'request_revision' | 'approve' | 'approve_as_noted' | 'send_to_owner', note: string) => {
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
      await saveReviewRef.current(note); // Saving a rejection sends the invoice back, with the note.
      return;
    }
    setBusy(action);
    const result = entryCount - Object.keys(reviews).length > 0 ? await saveAll() : dataRef.current ? { invoice: dataRef.current, held: [] } : null;
    let saved = result && result.held.length === 0 ? result.invoice : null;
    if (saved && Object.keys(reviews).length > 0 && action !== 'submit') {
      try {
        saved = await call(
          api.POST('/api/v1/projects/{projectId}/invoices/{invoiceId}/review', {
            params: { path: { projectId, invoiceId } },
            body: { version: saved.invoice.version, lines: Object.entries(reviews).map(([lineId, r]) => ({ lineId, decision: r.decision })) },
          }),
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
          params: { path: { projectId, invoiceId } },
          headers: { 'Idempotency-Key': idempotency.current.key },
          body: { action, version: saved.invoice.version, ...(note ? { note } : {}) },
        }),
      );
      idempotency.current = null;
      setData(result);
      setReviews({});
      const words: Record<typeof action, string> = {
        submit: isAdmin ? 'Submitted for review.' : 'Submitted for review. The invoice administrators have been notified; you will get an email when it is reviewed.',
        request_revision: `Sent back for revision. The ${vocabulary.invoiceContacts} have been notified.`,
        approve: 'Approved. This invoice is now final.',
        approve_as_noted: 'Approved as noted. This invoice is now final.',
        send_to_owner: 'Sent to the owner for approval.',
      };
      setMessage({ tone: 'success', text: words[action] });
      window.scrollTo({ top: 0 });
    } catch (error) {
      if (error instanceof ApiError && error.status !== 0 && error.status < 500) idempotency.current = null;
      const failedWords: Record<typeof action, string> = {
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

  const saveReview = async (note: string) => {
    setMessage(null);
    setSaveError(null);
    setBusy('review');
    const result = entryCount - Object.keys(reviews).length > 0 ? await saveAll() : dataRef.current ? { invoice: dataRef.current, held: [] } : null;
    const saved = result && result.held.length === 0 ? result.invoice : null;
    if (!saved) {
      setBusy(null);
      setConfirm(null);
      return;
    }
    const sent = Object.entries(reviews).map(([lineId, r]) => ({ lineId, decision: r.decision, ...(r.decision === 'rejected' && r.reason.trim() ? { reason: r.reason.trim() } : {}) }));
    try {
      const result = await call(
        api.POST('/api/v1/projects/{projectId}/invoices/{invoiceId}/review', {
          params: { path: { projectId, invoiceId } },
          body: { version: saved.invoice.version, lines: sent, ...(note ? { note } : {}) },
        }),
      );
      setReviews({});
      setData(result);
      const rejected = sent.filter((s) => s.decision === 'rejected').length;
      setMessage({
        tone: 'success',
        text: rejected > 0 ? `Sent back for revision with ${rejected} rejected line${rejected > 1 ? 's' : ''}. The ${vocabulary.invoiceContacts} have been notified.` : 'Line decisions saved.',
      });
    } catch (error) {
      await handleWriteError(error, saved, sent, 'Line decisions not saved');
    } finally {
      setBusy(null);
      setConfirm(null);
    }
  };

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

  const approveAll = useCallback(() => {
    setReviews((prev) => {
      const next = { ...prev };
      for (const line of live_.current.lineById.values()) {
        const decision = line.id in prev ? prev[line.id]?.decision : line.review.status;
        if (!decision) next[line.id] = { decision: 'approved', reason: '' };
      }
      return next;
    });
  }, []);
  const discardReviews = useCallback(() => setReviews({}), []);
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

  // Ctrl/Cmd+S saves, like a spreadsheet.
  const saveShortcut = useRef<() => void>(() => {});
  saveShortcut.current = () => {
    if (mode !== 'read' && !busy && entryCount - Object.keys(reviews).length > 0) void save();
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

  const title = data ? `Invoice ${data.invoice.label} · ${data.commitment.number}` : 'Invoice';
  useDocumentTitle(title);

  // Announce, politely, how many lines have problems as it changes.
  const problemCount = problemCalcs.length;

  if (loadError && !data) {
    if (loadError.status === 404) {
      return (
        <EmptyState title="This invoice does not exist, or you cannot see it.">
          <p>
            <Link to={`/projects/${projectId}`}>Back to the project</Link>
          </p>
        </EmptyState>
      );
    }
    return <ErrorBanner error={loadError} onRetry={() => void load()} />;
  }
  if (!data || !you) return <Loading label="Loading the invoice…" />;

  const inv = data.invoice;
  const approved = inv.status === 'approved' || inv.status === 'approved_as_noted';
  const dueDay = fmt.day(data.period.dueOn);
  const pastDue = todayIn(fmt.timeZone) > data.period.dueOn;
  const rejectedLines = orderedLines.filter((l) => l.review.status === 'rejected');
  const allowed = new Set(you.allowedActions);
  const dirtyLines = Math.max(changedCalcs.length, Object.keys(drafts).length);
  const pendingDecisions = Object.keys(reviews).length;
  const hasLineOrDetailChanges = entryCount - Object.keys(reviews).length > 0;
  const canEditDetails = mode !== 'read';
  const submitWord = inv.status === 'revise_and_resubmit' ? 'Resubmit for review' : 'Submit for review';

  const nextStep = (() => {
    if (approved) return null;
    if (!isAdmin) {
      if (mode === 'claim') {
        const fix = inv.status === 'revise_and_resubmit' ? `Fix the ${rejectedLines.length > 0 ? `${rejectedLines.length} rejected line${rejectedLines.length > 1 ? 's' : ''}` : 'lines the reviewer asked about'}, then ` : "Enter this period's work, then ";
        return allowed.has('submit') ? `${fix}${submitWord} ${pastDue ? `— it was due ${dueDay}, so send it as soon as you can.` : `by ${dueDay}.`}` : `${fix}save it.`;
      }
      if (inv.status === 'under_review') return `Submitted${inv.submittedAt ? ` on ${fmt.instant(inv.submittedAt)}` : ''} — waiting for the invoice administrator's review. Nothing to do for now.`;
      if (inv.status === 'pending_owner_approval') return 'With the owner for approval. Nothing to do for now.';
      return 'You can view this invoice.';
    }
    if (mode === 'claim' && inv.status === 'revise_and_resubmit') {
      return `Sent back to the ${vocabulary.invoiceContact} for revision: they fix it and resubmit. You can also change amounts on their behalf and ${submitWord.toLowerCase()}.`;
    }
    if (mode === 'claim') return `The ${vocabulary.invoiceContact} has not submitted this invoice yet. You can enter amounts on their behalf and ${submitWord.toLowerCase()}.`;
    if (mode === 'certify') {
      return `Review each line: approve ✓ or reject ✗ (a rejection sends the invoice back), change a certified amount with a reason if needed, then ${allowed.has('approve') ? 'Approve' : 'choose what happens next'}.`;
    }
    return 'You can view this invoice.';
  })();

  const summaryColumns: SummaryColumn[] =
    mode === 'certify' || (isAdmin && mode === 'read' && anyAdjusted)
      ? [
          { title: 'Claimed', summary: data.claimedSummary },
          { title: mode === 'certify' ? 'Certified (live)' : 'Certified', summary },
        ]
      : mode === 'read' && anyAdjusted
        ? [
            { title: 'You applied for', summary: data.claimedSummary },
            { title: 'Certified', summary },
          ]
        : mode === 'claim' && anyAdjusted
          ? [
              { title: 'This application (live)', summary },
              { title: 'Certified so far', summary: data.summary },
            ]
          : [{ title: mode === 'claim' ? 'This application (live)' : 'Certified', summary }];

  const confirmInfo: ConfirmInfo | null = confirm
    ? {
        kind: confirm,
        invoiceLabel: inv.label,
        paymentDue: fmt.money(summary.currentPaymentDueCents),
        dirtyLines,
        unapprovedEarlier: data.unapprovedEarlierInvoices,
        contactWord: vocabulary.invoiceContact,
        rejected: orderedLines
          .filter((l) => (l.id in reviews ? reviews[l.id]?.decision : l.review.status) === 'rejected')
          .map((l) => ({ name: lineName(l), description: l.description, reason: (l.id in reviews ? reviews[l.id]?.reason : l.review.reason) ?? '' })),
      }
    : null;


  const backLink = isAdmin ? `/projects/${projectId}/invoicing` : `/projects/${projectId}/commitments/${data.commitment.id}`;

  return (
    <div className={`invoice-page${busy ? ' is-busy' : ''}`}>
      <nav aria-label="Breadcrumb" className="breadcrumb">
        <Link to={backLink}>{isAdmin ? vocabulary.invoicing : 'Commitments'}</Link> ›{' '}
        <Link to={`/projects/${projectId}/commitments/${data.commitment.id}`}>
          {data.commitment.number} {data.commitment.title}
        </Link>{' '}
        › Invoice {inv.label}
      </nav>
      <header className="invoice-header">
        <div>
          <h1>
            Invoice {inv.label} <StatusBadge status={inv.status} label={inv.statusLabel} />
          </h1>
          <p className="subtitle">
            {data.commitment.number} · {data.commitment.title}
            {data.commitment.contractCompanyName ? <> · {data.commitment.contractCompanyName}</> : null}
          </p>
        </div>
        <dl className="invoice-facts">
          <div>
            <dt>Period</dt>
            <dd>
              <time dateTime={inv.periodStart}>{fmt.day(inv.periodStart)}</time> – <time dateTime={inv.periodEnd}>{fmt.day(inv.periodEnd)}</time>
            </dd>
          </div>
          <div>
            <dt>Due</dt>
            <dd className={pastDue && !approved && inv.status !== 'under_review' ? 'past-due' : ''}>
              <time dateTime={data.period.dueOn}>{dueDay}</time>
            </dd>
          </div>
          <div>
            <dt>Billing date</dt>
            <dd>
              <time dateTime={inv.billingDate}>{fmt.day(inv.billingDate)}</time>
            </dd>
          </div>
          <div>
            <dt>Type</dt>
            <dd>{INVOICE_TYPE_LABELS[inv.invoiceType]}</dd>
          </div>
          <div>
            <dt>Current payment due</dt>
            <dd className="big-money" data-testid="payment-due">
              {fmt.money(summary.currentPaymentDueCents)}
            </dd>
          </div>
        </dl>
      </header>

      {nextStep ? (
        <p className="next-step" data-testid="next-step">
          {nextStep}
        </p>
      ) : null}

      {approved ? (
        <div className="banner banner-success" role="status">
          <p>
            <strong>
              {inv.status === 'approved_as_noted' ? 'Approved as noted' : 'Approved'}
              {inv.approvedAt ? ` on ${fmt.instant(inv.approvedAt)}` : ''}
            </strong>{' '}
            — this is what was certified. It is read-only.
          </p>
        </div>
      ) : null}

      {inv.status === 'revise_and_resubmit' && rejectedLines.length > 0 ? (
        <div className="banner banner-warning rr-banner" role="region" aria-label="Rejected lines">
          <div>
            <p>
              <strong>
                Sent back for revision: {rejectedLines.length} line{rejectedLines.length > 1 ? 's were' : ' was'} rejected.
              </strong>
            </p>
            <ul>
              {rejectedLines.map((l) => (
                <li key={l.id}>
                  <button type="button" className="btn btn-link" onClick={() => focusLine(l.id)}>
                    {lineName(l)[0]?.toUpperCase()}
                    {lineName(l).slice(1)}
                  </button>{' '}
                  {l.description}
                  {l.review.reason ? <> — “{l.review.reason}”</> : null}
                </li>
              ))}
            </ul>
          </div>
        </div>
      ) : null}

      {isAdmin && data.unapprovedEarlierInvoices.length > 0 && !approved ? (
        <div className="banner banner-info" role="status">
          <p>
            Earlier invoice{data.unapprovedEarlierInvoices.length > 1 ? 's' : ''} {data.unapprovedEarlierInvoices.join(', ')} of this commitment must be approved before this one can be.
          </p>
        </div>
      ) : null}

      {restore ? (
        <div className="banner banner-warning" role="alert">
          <p>
            You have entries on this invoice that were not saved{restore.savedAt ? ` (from ${fmt.instant(restore.savedAt)})` : ''}.
          </p>
          <span className="banner-actions">
            <Button
              tone="primary"
              onClick={() => {
                const ids = new Set(orderedLines.map((l) => l.id));
                if (mode !== 'read') {
                  setDrafts(Object.fromEntries(Object.entries(restore.drafts ?? {}).filter(([id]) => ids.has(id))));
                  setDetails(restore.details ?? {});
                }
                if (canReview) setReviews(Object.fromEntries(Object.entries(restore.reviews ?? {}).filter(([id]) => ids.has(id))));
                setRestore(null);
                setMessage({ tone: 'info', text: mode === 'read' ? 'This invoice can no longer be changed, so the entries could not be restored.' : 'Your entries are restored. Check them, then save.' });
              }}
            >
              Restore my entries
            </Button>
            <Button
              onClick={() => {
                sessionStorage.removeItem(storageKey);
                setRestore(null);
              }}
            >
              Discard them
            </Button>
          </span>
        </div>
      ) : null}

      {conflict ? (
        <div className="banner banner-warning conflict" role="alert">
          <div>
            <p>
              <strong>Someone changed this invoice while you were working</strong>
              {conflict.changes.length > 0 ? <>: {conflict.changes.join('; ')}.</> : '.'} Your entries were not saved; the grid now shows the latest version.
            </p>
            {!conflict.canApply || mode === 'read' ? <p>This invoice can no longer be changed by you ({inv.statusLabel}), so your entries cannot be re-applied.</p> : null}
            <StashList stash={conflict.stash} lines={orderedLines} />
          </div>
          <span className="banner-actions">
            {conflict.canApply && mode !== 'read' ? (
              <Button tone="primary" onClick={reapply}>
                Re-apply my entries
              </Button>
            ) : null}
            <Button onClick={() => setConflict(null)}>{conflict.canApply && mode !== 'read' ? 'Discard my entries' : 'Dismiss'}</Button>
          </span>
        </div>
      ) : null}

      {saveError ? (
        <div className="banner banner-error save-error" role="alert">
          <div>
            <p>{saveError.text}</p>
            {saveError.lines.length > 0 ? (
              <ul>
                {saveError.lines.slice(0, 10).map((p) => (
                  <li key={p.id}>
                    <button type="button" className="btn btn-link" onClick={() => focusLine(p.id, p.column)}>
                      {p.name[0]?.toUpperCase()}
                      {p.name.slice(1)}
                    </button>
                    : {p.message}
                  </li>
                ))}
                {saveError.lines.length > 10 ? <li>…and {saveError.lines.length - 10} more lines, highlighted in the grid.</li> : null}
              </ul>
            ) : null}
          </div>
          <Button tone="link" onClick={() => setSaveError(null)}>
            Dismiss
          </Button>
        </div>
      ) : null}

      {message ? (
        <div className={`banner banner-${message.tone}`} role="status">
          <p>{message.text}</p>
          <Button tone="link" onClick={() => setMessage(null)}>
            Dismiss
          </Button>
        </div>
      ) : null}

      <DetailsCard
        editable={canEditDetails}
        invoice={inv}
        details={details}
        onChange={setDetail}
        errors={detailErrors}
        isContactInvoice={inv.createdByRole === 'contact'}
      />

      <section className="card grid-card" aria-labelledby="g703-title">
        <div className="card-header">
          <div>
            <h2 id="g703-title">Continuation sheet (G703)</h2>
            <p className="hint">
              {mode === 'claim'
                ? 'Type this period’s work as an amount (E) or a percent complete to date. Arrow keys, Tab and Enter move between cells; Escape undoes a cell.'
                : mode === 'certify'
                  ? 'Certified amounts can differ from the claim, with a reason. Arrow keys, Tab and Enter move between cells; Escape undoes a cell.'
                  : approved
                    ? 'The amounts certified at approval.'
                    : 'Read-only.'}
            </p>
          </div>
          <div className="grid-tools">
            {editRates ? (
              <label className="inline-check">
                <input type="checkbox" checked={showRates || anyRateOverride} disabled={anyRateOverride} onChange={(e) => setShowRates(e.currentTarget.checked)} /> Show retainage rates
              </label>
            ) : null}
          </div>
        </div>
        {canReview ? (
          <ReviewToolbar
            lines={orderedLines}
            reviews={reviews}
            busy={busy !== null}
            onApproveAll={approveAll}
            onDiscard={discardReviews}
            onSave={onSaveReview}
          />
        ) : null}
        {orderedLines.length === 0 ? (
          <EmptyState title="This invoice has no lines.">The commitment’s schedule of values is empty.</EmptyState>
        ) : (
          <G703Grid
            lines={orderedLines}
            calcs={calcs}
            drafts={drafts}
            reviews={reviews}
            serverErrors={serverErrors}
            totals={live.totals}
            cfg={cfg}
            handlers={handlers}
            caption={`G703 lines of invoice ${inv.label}`}
          />
        )}
        <p className="ip-sr-only" role="status" aria-live="polite">
          {problemCount > 0 ? `${problemCount} line${problemCount > 1 ? 's have' : ' has'} a problem.` : ''}
        </p>
      </section>

      <div className="invoice-bottom">
        <section className="card" aria-labelledby="g702-title">
          <div className="card-header">
            <h2 id="g702-title">Application summary (G702)</h2>
          </div>
          <G702Summary columns={summaryColumns} money={fmt.money} title="G702 application summary" />
        </section>
        <AttachmentsPanel projectId={projectId} invoiceId={invoiceId} attachments={attachments} editable={mode !== 'read'} onChange={setAttachments} />
      </div>

      <SovGroupsCard calcs={calcs} money={fmt.money} pct={fmt.pct} />

      {data.slidingScale ? <RetentionPanel projectId={projectId} invoice={data} canOverride={you.canOverrideRates} money={fmt.money} onSaved={setData} /> : null}

      {approved ? <PaymentsPanel key={inv.version} projectId={projectId} invoiceId={invoiceId} money={fmt.money} formatDay={fmt.day} today={todayIn(fmt.timeZone)} /> : null}

      {isAdmin ? <AuditHistory projectId={projectId} invoiceId={invoiceId} lines={orderedLines} money={fmt.money} locale={fmt.locale} timeZone={fmt.timeZone} /> : null}

      {!approved && (mode !== 'read' || you.allowedActions.length > 0) ? (
        <div className="sticky-actions invoice-actions" role="region" aria-label="Invoice actions">
          <p className="action-status">
            <span>
              Current payment due <strong data-testid="payment-due-live">{fmt.money(summary.currentPaymentDueCents)}</strong>
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
            <Button onClick={() => void save()} busy={busy === 'save'} disabled={busy !== null || !hasLineOrDetailChanges}>
              {mode === 'certify' ? 'Save changes' : 'Save draft'}
            </Button>
          ) : null}
          {allowed.has('request_revision') ? (
            <Button onClick={() => setConfirm('request_revision')} disabled={busy !== null}>
              Send back for revision…
            </Button>
          ) : null}
          {allowed.has('send_to_owner') ? (
            <Button onClick={() => setConfirm('send_to_owner')} disabled={busy !== null}>
              Send to owner…
            </Button>
          ) : null}
          {allowed.has('approve_as_noted') ? (
            <Button onClick={() => setConfirm('approve_as_noted')} disabled={busy !== null}>
              Approve as noted…
            </Button>
          ) : null}
          {allowed.has('approve') ? (
            <Button tone="primary" onClick={() => setConfirm('approve')} disabled={busy !== null}>
              Approve…
            </Button>
          ) : null}
          {allowed.has('submit') ? (
            <Button tone="primary" onClick={startSubmit} busy={busy === 'submit'} disabled={busy !== null}>
              {submitWord}
            </Button>
          ) : null}
        </div>
      ) : null}

      <ConfirmActionDialog
        info={confirmInfo}
        busy={busy !== null}
        onClose={() => setConfirm(null)}
        onConfirm={(note) => {
          if (!confirm) return;
          if (confirm === 'send_back_review') void saveReview(note);
          else void transition(confirm, note);
        }}
      />
    </div>
  );
}

const DetailsCard = memo(function DetailsCard({
  editable,
  invoice,
  details,
  onChange,
  errors,
  isContactInvoice,
}: {
  editable: boolean;
  invoice: InvoiceData['invoice'];
  details: Details;
  onChange: (k: keyof Details, v: string) => void;
  errors: Record<string, string>;
  isContactInvoice: boolean;
}) {
  const value = (k: keyof Details) => details[k] ?? (k === 'number' ? (invoice.number ?? '') : (invoice[k] ?? ''));
  const field = (k: keyof Details, label: string, type: 'text' | 'date', hint?: string) => (
    <div className={`field${errors[k] ? ' field-error' : ''}`}>
      <label htmlFor={`inv-${k}`}>{label}</label>
      <input
        id={`inv-${k}`}
        type={type}
        value={value(k)}
        maxLength={type === 'text' ? 50 : undefined}
        onChange={(e) => onChange(k, e.currentTarget.value)}
        aria-invalid={errors[k] ? true : undefined}
        aria-describedby={errors[k] ? `inv-${k}-error` : hint ? `inv-${k}-hint` : undefined}
      />
      {hint && !errors[k] ? (
        <p className="hint" id={`inv-${k}-hint`}>
          {hint}
        </p>
      ) : null}
      {errors[k] ? (
        <p className="error-text" id={`inv-${k}-error`} role="alert">
          {errors[k]}
        </p>
      ) : null}
    </div>
  );
  if (!editable) {
    const comments = value('comments');
    const number = value('number');
    if (!comments && !number) return null;
    return (
      <section className="card details-card" aria-label="Invoice details">
        <dl className="details-read">
          {number ? (
            <div>
              <dt>Your invoice number</dt>
              <dd>{number}</dd>
            </div>
          ) : null}
          {comments ? (
            <div>
              <dt>Comments</dt>
              <dd className="pre">{comments}</dd>
            </div>
          ) : null}
        </dl>
      </section>
    );
  }
  return (
    <details className="card details-card">
      <summary>
        <h2>Invoice details</h2>
        <span className="muted"> — your invoice number, dates and comments</span>
      </summary>
      <div className="details-grid">
        {field('number', 'Your invoice number', 'text', isContactInvoice ? 'Optional: the number on your own invoice.' : undefined)}
        {field('billingDate', 'Billing date', 'date')}
        {field('periodStart', 'Period from', 'date')}
        {field('periodEnd', 'Period to', 'date')}
        <div className={`field details-comments${errors.comments ? ' field-error' : ''}`}>
          <label htmlFor="inv-comments">Comments</label>
          <textarea id="inv-comments" value={value('comments')} maxLength={5000} onChange={(e) => onChange('comments', e.currentTarget.value)} />
          {errors.comments ? (
            <p className="error-text" role="alert">
              {errors.comments}
            </p>
          ) : null}
        </div>
      </div>
    </details>
  );
});

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
      <summary>Your entries ({entries.length + Object.keys(stash.reviews).length} line{entries.length === 1 ? '' : 's'})</summary>
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
