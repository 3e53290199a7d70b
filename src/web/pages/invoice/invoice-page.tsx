/**
 * THE invoice page (pay application): an invoice contact enters and submits this period's work in
 * a spreadsheet-like G703; an invoice administrator reviews it line by line, certifies different
 * amounts with a reason, and approves. The G703 and G702 are computed in the browser as people
 * type, with the server's own pure code (src/domain/pay-application.ts); the server still decides.
 * Nothing typed is lost: entries are kept as text per line until saved, survive a failed save, are
 * offered back after a conflict (409), and are backed up in sessionStorage until saved.
 *
 * This file puts the page together; the work is done in:
 *   use-invoice-data.ts     loading the invoice and keeping it in step with the server
 *   use-invoice-entries.ts  what was typed and not saved yet (drafts, decisions, details)
 *   use-entry-stash.ts      the sessionStorage backup of those entries
 *   use-save-lines.ts       saving them, holding back lines with problems, conflicts
 *   use-invoice-actions.ts  Save, submit, review and the other status actions
 *   invoice-header.tsx, invoice-banners.tsx, details-card.tsx, g703-grid.tsx,
 *   invoice-action-bar.tsx  what is on screen, top to bottom
 */
import { useCallback, useMemo, useRef, useState } from 'react';
import { ColumnChooser, useColumnChooser, type ChooserColumn } from '../../components/column-chooser.tsx';
import { EmptyState, ErrorBanner, Loading } from '../../components/ui.tsx';
import { useDocumentTitle, useUnsavedChangesGuard } from '../../lib/hooks.ts';
import { useProject } from '../../lib/project.tsx';
import { Link } from '../../lib/router.tsx';
import { AttachmentsPanel } from './attachments.tsx';
import { AuditHistory } from './audit-history.tsx';
import { DetailsCard } from './details-card.tsx';
import { G702Summary, type SummaryColumn } from './g702-summary.tsx';
import { G703Grid, g703Columns, type FocusRequest, type GridConfig } from './g703-grid.tsx';
import { InvoiceActionBar } from './invoice-action-bar.tsx';
import { ApprovedBanner, ConflictBanner, EarlierInvoicesBanner, MessageBanner, RejectedLinesBanner, RestoreBanner, SaveErrorBanner } from './invoice-banners.tsx';
import { todayIn, useInvoiceFormatters } from './invoice-format.ts';
import { InvoiceHeader, nextStepText } from './invoice-header.tsx';
import { OverbilledLinesBanner, OverbillingRule } from './overbilling.tsx';
import { RetainageRulesNotice } from './retainage-rules-notice.tsx';
import { liveChecklist, SubmitChecklist } from './submit-checklist.tsx';
import { applySlidingScale, computeAll, lineName, summarizeAll, type CalcCache, type EditMode } from './invoice-model.ts';
import { PaymentsPanel } from './payments-panel.tsx';
import { RetentionPanel } from './retention-panel.tsx';
import { ConfirmActionDialog, ReviewToolbar, type ConfirmInfo } from './review-panel.tsx';
import { SovGroupsCard } from './sov-groups.tsx';
import { useEntryStash } from './use-entry-stash.ts';
import { useInvoiceActions } from './use-invoice-actions.ts';
import { useInvoiceData } from './use-invoice-data.ts';
import { useInvoiceEntries } from './use-invoice-entries.ts';
import { useSaveLines, type Message } from './use-save-lines.ts';
import './invoice.css';

export function InvoicePage({ params }: { params: Record<string, string> }) {
  const projectId = params.projectId ?? '';
  const invoiceId = params.invoiceId ?? '';
  const { vocabulary } = useProject();
  const fmt = useInvoiceFormatters();
  const { data, dataRef, setData, fetchInvoice, load, loadError, overbilling, attachments, setAttachments } = useInvoiceData(projectId, invoiceId);
  const [message, setMessage] = useState<Message | null>(null);
  const [showRates, setShowRates] = useState(false);

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

  const entries = useInvoiceEntries({ dataRef, lineById, mode });
  const { drafts, reviews, details, serverErrors, entryCount, hasLineOrDetailChanges } = entries;
  const stash = useEntryStash({ invoiceId, data, drafts, reviews, details, entryCount });
  useUnsavedChangesGuard(entryCount > 0);

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
  const anyMaterials = !!lines?.some(
    (l) => l.materialsStoredNewCents !== 0 || l.materialsInstalledCents !== 0 || l.claimed.materialsStoredNewCents !== 0 || l.claimed.materialsInstalledCents !== 0 || l.materialsStoredPreviousCents !== 0,
  );
  const slidingScale = !!data?.slidingScale;
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
      slidingScale,
      hasMaterials: anyMaterials,
      hasRelease: anyRelease || invoiceType === 'retainage_release' || invoiceType === 'work_materials_retainage',
      num: fmt.num,
      money: fmt.money,
      pct: fmt.pct,
    }),
    [mode, invoiceType, canRelease, anyRelease, anyAdjusted, editRates, showRates, anyRateOverride, canReview, isAdmin, slidingScale, anyMaterials, fmt],
  );
  // The columns: the person shows or hides them with the column chooser, remembered on the server.
  const allColumns = useMemo(() => g703Columns(cfg), [cfg]);
  const chooserColumns = useMemo<ChooserColumn[]>(
    () => allColumns.map((c) => ({ id: c.key, label: c.label, ...(c.required ? { required: true } : {}), ...(c.defaultVisible === false ? { defaultVisible: false } : {}) })),
    [allColumns],
  );
  const chooser = useColumnChooser('invoice-grid.columns', chooserColumns);
  const shownColumns = useMemo(() => allColumns.filter((c) => chooser.visible.has(c.key)), [allColumns, chooser.visible]);

  // Lines over 100% (flagged, whatever the project's rule), and the reviewer's "only these lines":
  // the lines over when it was asked for, so a line certified down stays in view while typing.
  const overCalcs = useMemo(() => calcs.filter((c) => c.overbilledByCents > 0), [calcs]);
  const [onlyLines, setOnlyLines] = useState<ReadonlySet<string> | null>(null);
  const shown = useMemo(() => {
    if (!onlyLines) return { lines: orderedLines, calcs };
    const keep = calcs.filter((c) => onlyLines.has(c.line.id));
    return { lines: keep.map((c) => c.line), calcs: keep };
  }, [onlyLines, orderedLines, calcs]);
  // "Go to line" for a line the filter hides: show every line again, then go there.
  const onFocusMissing = useCallback((detail: FocusRequest) => {
    setOnlyLines(null);
    requestAnimationFrame(() => document.querySelector('table[data-testid="g703"]')?.dispatchEvent(new CustomEvent('g703-focus', { detail })));
  }, []);

  // ---- saving and the actions ------------------------------------------------------------------
  const saver = useSaveLines({ projectId, invoiceId, dataRef, setData, fetchInvoice, entries, calcs, orderedLines, mode, isAdmin, money: fmt.money, setMessage });
  const { saveError, setSaveError, conflict, setConflict, detailErrors } = saver;
  const actions = useInvoiceActions({
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
    contactsWord: vocabulary.invoiceContacts,
    locale: fmt.locale,
    setMessage,
  });
  const { busy, confirm, setConfirm } = actions;

  const title = data ? `Invoice ${data.invoice.label} · ${data.commitment.number}` : 'Invoice';
  useDocumentTitle(title);

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
  const pastDue = todayIn(fmt.timeZone) > data.period.dueOn;
  const rejectedLines = orderedLines.filter((l) => l.review.status === 'rejected');
  const dirtyLines = Math.max(changedCalcs.length, Object.keys(drafts).length);
  const submitWord = inv.status === 'revise_and_resubmit' ? 'Resubmit for review' : 'Submit for review';
  const nextStep = nextStepText({ data, mode, isAdmin, pastDue, submitWord, vocabulary, fmt });
  // Announce, politely, how many lines have problems as it changes.
  const problemCount = problemCalcs.length;

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

  const checklist = confirm === 'submit' ? liveChecklist(data, calcs, mode, attachments.length) : null;
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
        overbilled: overCalcs.map((c) => ({ name: lineName(c.line), description: c.line.description, overBy: fmt.money(c.overbilledByCents) })),
        checklist: checklist ? (
          <SubmitChecklist projectId={projectId} invoiceId={invoiceId} checklist={checklist} attachments={attachments} onAttachments={setAttachments} money={fmt.money} />
        ) : null,
        missingCount: checklist?.missing.length ?? 0,
      }
    : null;

  return (
    <div className={`invoice-page${busy ? ' is-busy' : ''}`}>
      <InvoiceHeader data={data} projectId={projectId} isAdmin={isAdmin} vocabulary={vocabulary} paymentDueCents={summary.currentPaymentDueCents} pastDue={pastDue} fmt={fmt} />

      {nextStep ? (
        <p className="next-step" data-testid="next-step">
          {nextStep}
        </p>
      ) : null}

      {approved ? <ApprovedBanner invoice={inv} instant={fmt.instant} /> : null}
      {inv.status === 'revise_and_resubmit' && rejectedLines.length > 0 ? <RejectedLinesBanner lines={rejectedLines} /> : null}
      {isAdmin && data.unapprovedEarlierInvoices.length > 0 && !approved ? <EarlierInvoicesBanner labels={data.unapprovedEarlierInvoices} /> : null}
      {stash.restore ? (
        <RestoreBanner
          backup={stash.restore}
          instant={fmt.instant}
          onRestore={() => {
            if (stash.restore) actions.restoreBackup(stash.restore);
            stash.restored();
          }}
          onDiscard={stash.discardBackup}
        />
      ) : null}
      {conflict ? (
        <ConflictBanner
          conflict={conflict}
          canApply={conflict.canApply && mode !== 'read'}
          statusLabel={inv.statusLabel}
          lines={orderedLines}
          onReapply={actions.reapply}
          onDismiss={() => setConflict(null)}
        />
      ) : null}
      {data.retentionRulesMatchCommitment === false && you.canApplyCurrentRetainageRules ? (
        <RetainageRulesNotice
          projectId={projectId}
          invoice={data}
          hasUnsavedEntries={entryCount > 0}
          onApplied={(fresh) => {
            setData(fresh);
            setMessage({ tone: 'success', text: 'The commitment’s current retainage rules now apply to this invoice. The change is in its history.' });
          }}
          onConflict={load}
        />
      ) : null}
      {isAdmin && mode !== 'claim' && overCalcs.length > 0 ? (
        <OverbilledLinesBanner
          calcs={overCalcs}
          overbilling={overbilling}
          money={fmt.money}
          filtered={onlyLines !== null}
          onFilter={(on) => setOnlyLines(on ? new Set(overCalcs.map((c) => c.line.id)) : null)}
        />
      ) : null}
      {saveError ? <SaveErrorBanner error={saveError} onDismiss={() => setSaveError(null)} /> : null}
      {message ? <MessageBanner message={message} onDismiss={() => setMessage(null)} /> : null}

      <DetailsCard editable={mode !== 'read'} invoice={inv} details={details} onChange={entries.setDetail} errors={detailErrors} isContactInvoice={inv.createdByRole === 'contact'} />

      <section className={`card grid-card${mode === 'certify' ? ' grid-reviewing' : ''}`} aria-labelledby="g703-title">
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
            {mode !== 'read' ? <OverbillingRule overbilling={overbilling} /> : null}
          </div>
          <div className="grid-tools">
            {editRates ? (
              <label className="inline-check">
                <input type="checkbox" checked={showRates || anyRateOverride} disabled={anyRateOverride} onChange={(e) => setShowRates(e.currentTarget.checked)} /> Show retainage rates
              </label>
            ) : null}
            <ColumnChooser chooser={chooser} tableName="G703 grid" />
          </div>
        </div>
        {onlyLines ? (
          <p className="grid-filter-note" role="status">
            Showing {shown.lines.length} of {orderedLines.length} lines: those billed over 100%.{' '}
            <button type="button" className="btn btn-link" onClick={() => setOnlyLines(null)}>
              Show all lines
            </button>
          </p>
        ) : null}
        {canReview ? (
          <ReviewToolbar lines={orderedLines} reviews={reviews} busy={busy !== null} onApproveAll={entries.approveAll} onDiscard={entries.discardReviews} onSave={actions.onSaveReview} />
        ) : null}
        {orderedLines.length === 0 ? (
          <EmptyState title="This invoice has no lines.">The commitment’s schedule of values is empty.</EmptyState>
        ) : !chooser.ready ? (
          <Loading label="Loading the grid…" />
        ) : (
          <G703Grid
            lines={shown.lines}
            calcs={shown.calcs}
            drafts={drafts}
            reviews={reviews}
            serverErrors={serverErrors}
            totals={live.totals}
            cfg={cfg}
            columns={shownColumns}
            handlers={entries.handlers}
            caption={`G703 lines of invoice ${inv.label}`}
            onFocusMissing={onlyLines ? onFocusMissing : undefined}
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

      {approved ? <PaymentsPanel key={inv.version} projectId={projectId} invoiceId={invoiceId} money={fmt.money} formatDay={fmt.day} today={todayIn(fmt.timeZone)} locale={fmt.locale} /> : null}

      {isAdmin ? <AuditHistory projectId={projectId} invoiceId={invoiceId} lines={orderedLines} money={fmt.money} locale={fmt.locale} timeZone={fmt.timeZone} /> : null}

      {!approved && (mode !== 'read' || you.allowedActions.length > 0) ? (
        <InvoiceActionBar
          mode={mode}
          paymentDue={fmt.money(summary.currentPaymentDueCents)}
          allowedActions={you.allowedActions}
          hasLineOrDetailChanges={hasLineOrDetailChanges}
          dirtyLines={dirtyLines}
          pendingDecisions={Object.keys(reviews).length}
          busy={busy}
          submitWord={submitWord}
          onSave={() => void actions.save()}
          onSubmit={actions.startSubmit}
          onConfirm={setConfirm}
        />
      ) : null}

      <ConfirmActionDialog info={confirmInfo} busy={busy !== null} onClose={() => setConfirm(null)} onConfirm={actions.confirmAction} />
    </div>
  );
}
