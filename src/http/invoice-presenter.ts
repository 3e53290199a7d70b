/**
 * One invoice as JSON: the G703 lines (certified beside claimed), the G702, the retainage rules in
 * force on it, and what the viewer can do. Explicit field lists: nothing leaves by accident.
 */
import type { Context } from 'hono';
import { invoiceLabel } from '../domain/invoice.ts';
import { STATUS_LABELS } from '../domain/invoice-status.ts';
import { countOverbilledLines, overbilledByCents, workRetainageApplied, type ComputedLine, type LineIssue } from '../domain/pay-application.ts';
import { groupBySovLine } from '../domain/ssov.ts';
import type { Invoice, InvoiceComputation } from '../domain/invoice.ts';
import type { InvoiceWritten } from '../services/billing/invoice-context.ts';
import { buildInvoiceView, getInvoiceView, lineMetaMap, type InvoiceView } from '../services/billing/invoice-view.ts';
import { requireViewer, type Env } from './context.ts';
import { etagFor } from './versioning.ts';

/**
 * What presenting a line needs: its metadata and its problems by line key (from the view, or the
 * lighter context a write answers from, decision 022).
 */
type LineSource = { meta: InvoiceView['meta']; issuesByKey: ReadonlyMap<string, LineIssue[]> };

/**
 * Each line's problems, grouped once per answer (not filtered out of every problem for each line:
 * with every line of 2,000 overbilled, that was 4 million comparisons): the certified amounts'
 * problems, then — for the contact — the claimed amounts', in the order computed.
 */
function issuesByLineKey(amounts: InvoiceComputation, role: InvoiceView['you']['role']): Map<string, LineIssue[]> {
  const byKey = new Map<string, LineIssue[]>();
  for (const issue of role === 'contact' ? [...amounts.issues, ...amounts.claimedIssues] : amounts.issues) {
    const list = byKey.get(issue.key);
    if (list) list.push(issue);
    else byKey.set(issue.key, [issue]);
  }
  return byKey;
}

function presentLine(view: LineSource, line: ComputedLine, claimed: ComputedLine | undefined) {
  const meta = view.meta.get(line.key);
  const applied = workRetainageApplied(line);
  const overbilledBy = overbilledByCents(line);
  const claimedOverbilledBy = overbilledByCents(claimed ?? line);
  return {
    id: meta?.id ?? line.key,
    key: line.key,
    source: line.source,
    parent: line.parent ?? null,
    itemNumber: line.itemNumber,
    description: line.description,
    costCode: line.costCode,
    scheduledValueCents: line.scheduledValueCents,
    workCompletedPreviousCents: line.workCompletedPreviousCents,
    workCompletedThisPeriodCents: line.workCompletedThisPeriodCents,
    percentCompleteToDateBp: meta?.certifiedPercentBp ?? null,
    materialsStoredNewCents: line.materialsStoredNewCents,
    materialsInstalledCents: line.materialsInstalledCents,
    retainageReleasedCents: line.retainageReleasedCents,
    materialsStoredPreviousCents: line.materialsStoredPreviousCents,
    materialsPresentlyStoredCents: line.materialsPresentlyStoredCents,
    totalCompletedAndStoredCents: line.totalCompletedAndStoredCents,
    percentCompleteBp: line.percentCompleteBp,
    balanceToFinishCents: line.balanceToFinishCents,
    workRetainageRateBp: line.workRetainageRateBp,
    materialsRetainageRateBp: line.materialsRetainageRateBp,
    workRetainagePreviousCents: line.workRetainagePreviousCents ?? 0,
    materialsRetainagePreviousCents: line.materialsRetainagePreviousCents ?? 0,
    workRetainageThisPeriodCents: line.workRetainageThisPeriodCents,
    materialsRetainageThisPeriodCents: line.materialsRetainageThisPeriodCents,
    workRetainageHeldCents: line.workRetainageHeldCents,
    materialsRetainageHeldCents: line.materialsRetainageHeldCents,
    retainageHeldCents: line.retainageHeldCents,
    earnedThisPeriodCents: line.earnedThisPeriodCents,
    netThisPeriodCents: line.netThisPeriodCents,
    claimed: {
      workCompletedThisPeriodCents: claimed?.workCompletedThisPeriodCents ?? line.workCompletedThisPeriodCents,
      percentCompleteToDateBp: meta?.claimedPercentBp ?? null,
      materialsStoredNewCents: claimed?.materialsStoredNewCents ?? line.materialsStoredNewCents,
      materialsInstalledCents: claimed?.materialsInstalledCents ?? line.materialsInstalledCents,
      retainageReleasedCents: claimed?.retainageReleasedCents ?? line.retainageReleasedCents,
      totalCompletedAndStoredCents: claimed?.totalCompletedAndStoredCents ?? line.totalCompletedAndStoredCents,
      percentCompleteBp: claimed?.percentCompleteBp ?? line.percentCompleteBp,
      isOverbilled: claimedOverbilledBy > 0,
      overbilledByCents: claimedOverbilledBy,
    },
    isOverbilled: overbilledBy > 0,
    overbilledByCents: overbilledBy,
    isCertifiedAdjusted: meta?.isCertifiedAdjusted ?? false,
    differenceReason: meta?.differenceReason ?? null,
    isRateOverridden: meta?.isRateOverridden ?? false,
    workRetainageRule: line.workRetainageRule ?? null,
    workRetainageOverridden: line.workRetainageOverridden ?? false,
    workRetainageWithheldToDateCents: line.workRetainageWithheldToDateCents ?? line.workRetainageHeldCents,
    workRetainageByRulesCents: line.workRetainageByRulesCents ?? null,
    workRetainageEffectiveRateBp: applied.effectiveRateBp,
    workRetainageRulesApplied: applied.rules,
    retainageOverride: meta?.retainageOverride ?? null,
    review: meta?.review ?? { status: null, reason: null },
    issues: (view.issuesByKey.get(line.key) ?? [])
      .map((i) => ({ field: i.field, code: i.code, message: i.message }))
      // A claim equal to the certified amounts has the same problem in both: say it once.
      .filter((i, n, all) => all.findIndex((j) => j.field === i.field && j.code === i.code && j.message === i.message) === n),
  };
}

function presentInvoiceHeader(invoice: Invoice) {
  return {
    id: invoice.id,
    projectId: invoice.projectId,
    commitmentId: invoice.commitmentId,
    billingPeriodId: invoice.billingPeriodId,
    sequence: invoice.sequence,
    number: invoice.number,
    label: invoiceLabel(invoice),
    invoiceType: invoice.invoiceType,
    status: invoice.status,
    statusLabel: STATUS_LABELS[invoice.status],
    billingDate: invoice.billingDate,
    periodStart: invoice.periodStart,
    periodEnd: invoice.periodEnd,
    comments: invoice.comments,
    createdByRole: invoice.createdByRole,
    submittedAt: invoice.submittedAt?.toISOString() ?? null,
    approvedAt: invoice.approvedAt?.toISOString() ?? null,
    version: invoice.version,
  };
}

export function presentInvoiceView(c: Context<Env>, view: InvoiceView) {
  const { invoice, commitment, period } = view.ctx;
  const claimedByKey = new Map(view.amounts.claimedLines.map((l) => [l.key, l]));
  const source: LineSource = { meta: view.meta, issuesByKey: issuesByLineKey(view.amounts, view.you.role) };
  c.header('ETag', etagFor(invoice.version));
  return {
    view: 'full' as const,
    invoice: presentInvoiceHeader(invoice),
    commitment: { id: commitment.id, number: commitment.number, title: commitment.title, contractCompanyName: view.contractCompanyName },
    period: { id: period.id, startsOn: period.startsOn, endsOn: period.endsOn, dueOn: period.dueOn, status: period.status },
    lines: view.amounts.lines.map((l) => presentLine(source, l, claimedByKey.get(l.key))),
    sovGroups: groupBySovLine(view.amounts.lines),
    retentionRules: view.ctx.invoice.snapshot || !view.ctx.slidingScale ? null : { rules: [...view.ctx.slidingScale.rules], afterRateBp: view.ctx.slidingScale.afterRateBp },
    slidingScale: view.ctx.invoice.snapshot ? view.amounts.lines.some((l) => l.workRetainageRule !== undefined) : view.ctx.slidingScale !== null,
    retentionRulesMatchCommitment: view.retainageRulesMatchCommitment,
    summary: view.amounts.summary,
    claimedSummary: view.amounts.claimedSummary,
    overbilledLineCount: countOverbilledLines(view.amounts.lines),
    claimedOverbilledLineCount: countOverbilledLines(view.amounts.claimedLines),
    attachments: view.attachments.map((a) => ({ ...a, createdAt: a.createdAt.toISOString() })),
    submissionChecklist: view.submissionChecklist,
    you: view.you,
    unapprovedEarlierInvoices: view.amounts.unapprovedEarlierLabels,
  };
}

export async function respondWithInvoice(c: Context<Env>, projectId: string, invoiceId: string) {
  const { db, clock } = c.get('deps');
  return presentInvoiceView(c, await getInvoiceView(db, requireViewer(c), projectId, invoiceId, clock()));
}

/**
 * What a write answers (decision 022): the invoice's header (new version and status), its G702
 * (certified and claimed), and only the lines the write changed — from the context the service
 * already holds, without a statement more. Asked for `?view=full`, the whole invoice as GET shows
 * it, built from that same context (four statements more, whatever the number of lines).
 */
export async function respondToInvoiceWrite(c: Context<Env>, written: InvoiceWritten, view: 'changes' | 'full' | undefined) {
  if (view === 'full') return presentInvoiceView(c, await buildInvoiceView(c.get('deps').db, written.ctx));
  return presentInvoiceChanges(c, written);
}

export function presentInvoiceChanges(c: Context<Env>, written: InvoiceWritten) {
  const { ctx, amounts, changedLineKeys } = written;
  const source: LineSource = { meta: lineMetaMap(ctx, changedLineKeys), issuesByKey: issuesByLineKey(amounts, ctx.actor) };
  const claimedByKey = new Map(amounts.claimedLines.map((l) => [l.key, l]));
  c.header('ETag', etagFor(ctx.invoice.version));
  return {
    view: 'changes' as const,
    invoice: presentInvoiceHeader(ctx.invoice),
    lines: amounts.lines.filter((l) => changedLineKeys.has(l.key)).map((l) => presentLine(source, l, claimedByKey.get(l.key))),
    summary: amounts.summary,
    claimedSummary: amounts.claimedSummary,
    overbilledLineCount: countOverbilledLines(amounts.lines),
    claimedOverbilledLineCount: countOverbilledLines(amounts.claimedLines),
    unapprovedEarlierInvoices: amounts.unapprovedEarlierLabels,
  };
}
