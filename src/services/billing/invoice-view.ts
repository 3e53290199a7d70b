/** One invoice as a person may see it: G703 lines (certified beside claimed), G702, attachments, and what they can do. */
import { DomainError } from '../../domain/errors.ts';
import type { InvoiceComputation, InvoiceLine } from '../../domain/invoice.ts';
import { assertCanEdit, type EditKind } from '../../domain/invoice-rules.ts';
import { availableActions, type InvoiceAction } from '../../domain/invoice-status.ts';
import type { Viewer } from '../../domain/permissions.ts';
import { compareDates } from '../../domain/calendar.ts';
import type { Db, DbOrTrx } from '../../db/database.ts';
import { findCompany } from '../../db/directory.queries.ts';
import { getCurrentSlidingScale } from '../../db/retainage-rules.queries.ts';
import { isApproved } from '../../domain/invoice-status.ts';
import { sameSlidingScale } from '../../domain/sliding-scale.ts';
import type { SubmissionChecklist } from '../../domain/submission-checklist.ts';
import { loadSubmissionChecklist } from './submission-checklist.ts';
import { invoiceAmounts, loadInvoiceContext, type InvoiceContext } from './invoice-context.ts';

export type InvoiceView = {
  ctx: InvoiceContext;
  amounts: InvoiceComputation;
  contractCompanyName: string | null;
  attachments: { id: string; filename: string; contentType: string; sizeBytes: number; createdAt: Date }[];
  /** What the invoice should carry before it is submitted, and what it lacks (issue 10, item 12). */
  submissionChecklist: SubmissionChecklist;
  /**
   * Whether the invoice's retainage rules are the commitment's current ones (both flat counts as
   * the same); null once approved (the snapshot is final, whatever the rules are now).
   */
  retainageRulesMatchCommitment: boolean | null;
  you: {
    role: 'contact' | 'admin';
    canEditClaim: boolean;
    canCertify: boolean;
    canEditDetails: boolean;
    canOverrideRates: boolean;
    canReview: boolean;
    canReleaseRetainage: boolean;
    allowOverbilling: boolean;
    /** An administrator, the invoice not approved, and the commitment's rules differ from the invoice's. */
    canApplyCurrentRetainageRules: boolean;
    allowedActions: InvoiceAction[];
  };
  /** Per line key: the stored line (live invoices) or its snapshot metadata (approved ones). */
  meta: Map<string, LineMeta>;
};

export type LineMeta = Pick<InvoiceLine, 'id' | 'isCertifiedAdjusted' | 'differenceReason' | 'review' | 'isRateOverridden' | 'retainageOverride'> & {
  /** The percent complete a person typed, when they entered the work as a percent. */
  claimedPercentBp: number | null;
  certifiedPercentBp: number | null;
};

/** Field by field, not `{ ...line }`: copying every field of 2,000 lines cost ~4 ms per GET. */
export function lineMetaOf(line: InvoiceLine): LineMeta {
  return {
    id: line.id,
    isCertifiedAdjusted: line.isCertifiedAdjusted,
    differenceReason: line.differenceReason,
    review: line.review,
    isRateOverridden: line.isRateOverridden,
    retainageOverride: line.retainageOverride,
    claimedPercentBp: line.claimed.percentCompleteToDateBp,
    certifiedPercentBp: line.certified.percentCompleteToDateBp,
  };
}

/**
 * Per line key: the stored line (live invoices) or the snapshot's metadata (approved ones) — of
 * every line, or only of the lines `only` names (a write's answer presents only what changed).
 */
export function lineMetaMap(ctx: Pick<InvoiceContext, 'invoice' | 'lines'>, only?: ReadonlySet<string>): InvoiceView['meta'] {
  const meta: InvoiceView['meta'] = new Map();
  if (ctx.invoice.snapshot) {
    for (const [key, m] of Object.entries(ctx.invoice.snapshot.lineMeta)) {
      if (only && !only.has(key)) continue;
      meta.set(key, {
        id: m.lineId,
        isCertifiedAdjusted: m.isCertifiedAdjusted,
        differenceReason: m.differenceReason,
        review: m.review,
        isRateOverridden: m.isRateOverridden,
        claimedPercentBp: null,
        certifiedPercentBp: null,
      });
    }
  } else {
    for (const line of ctx.lines) if (!only || only.has(line.key)) meta.set(line.key, lineMetaOf(line));
  }
  return meta;
}

function can(ctx: InvoiceContext, kind: EditKind): boolean {
  try {
    assertCanEdit({ actor: ctx.actor, status: ctx.invoice.status, isLatestInPeriod: ctx.isLatestInPeriod }, kind);
    return true;
  } catch (error) {
    if (error instanceof DomainError) return false;
    throw error;
  }
}

export async function getInvoiceView(db: Db, viewer: Viewer, projectId: string, invoiceId: string, now: Date): Promise<InvoiceView> {
  return buildInvoiceView(db, await loadInvoiceContext(db, viewer, projectId, invoiceId, now));
}

/**
 * The whole view from a context already loaded (by a GET, or by a write asked for the whole
 * invoice): four more statements — the contract company's name, the attachments, the
 * commitment's current retainage rules, the invite — however many lines (decision 022).
 */
export async function buildInvoiceView(db: DbOrTrx, ctx: InvoiceContext): Promise<InvoiceView> {
  const amounts = invoiceAmounts(ctx);
  const company = ctx.commitment.contractCompanyId ? await findCompany(db, ctx.commitment.contractCompanyId) : undefined;
  const attachments = await db
    .selectFrom('invoiceAttachments')
    .select(['id', 'filename', 'contentType', 'sizeBytes', 'createdAt'])
    .where('tenantId', '=', ctx.access.tenantId)
    .where('invoiceId', '=', ctx.invoice.id)
    .where('deletedAt', 'is', null)
    .orderBy('createdAt')
    .execute();
  const canEditClaim = can(ctx, 'claim');
  const canCertify = ctx.actor === 'admin' && can(ctx, 'certify');
  const releaseTypeOk = ctx.actor === 'admin' || ctx.invoice.invoiceType !== 'work_and_materials';
  const contactReleaseOk = ctx.actor === 'admin' || (ctx.isLatestOfCommitment && compareDates(ctx.today, ctx.period.dueOn) <= 0);
  const retainageRulesMatchCommitment = isApproved(ctx.invoice.status)
    ? null
    : sameSlidingScale(ctx.slidingScale, await getCurrentSlidingScale(db, ctx.access.tenantId, ctx.invoice.commitmentId));
  const meta = lineMetaMap(ctx);
  return {
    ctx,
    amounts,
    contractCompanyName: company?.name ?? null,
    attachments,
    submissionChecklist: await loadSubmissionChecklist(db, ctx, attachments.length),
    retainageRulesMatchCommitment,
    you: {
      role: ctx.actor,
      canEditClaim,
      canCertify,
      canEditDetails: can(ctx, 'details'),
      canOverrideRates: ctx.actor === 'admin' && can(ctx, 'rates'),
      canReview: ctx.actor === 'admin' && (ctx.invoice.status === 'under_review' || ctx.invoice.status === 'pending_owner_approval'),
      canReleaseRetainage: (canEditClaim || canCertify) && releaseTypeOk && contactReleaseOk,
      allowOverbilling: ctx.allowOverbilling,
      canApplyCurrentRetainageRules: ctx.actor === 'admin' && retainageRulesMatchCommitment === false,
      allowedActions: ctx.isLatestInPeriod || ctx.actor === 'admin' ? availableActions(ctx.invoice.status, ctx.actor) : [],
    },
    meta,
  };
}
