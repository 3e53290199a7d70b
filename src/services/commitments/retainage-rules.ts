/**
 * Sliding-scale retention rules of a commitment (src/domain/sliding-scale.ts): read by whoever may
 * see the commitment's SOV items (their caps are amounts: "until 50,000.00 is held"; anyone else
 * who sees the commitment gets 403, as for its SOV — issue 11, defect 7); set or removed by its
 * invoice administrators. Every invoice keeps the
 * rules in force when it was created (decision 008), so a change applies to invoices created from
 * then on; an administrator puts the new rules on an open invoice explicitly
 * (services/billing/apply-retainage-rules.ts). Administrators are told which open invoices keep
 * other rules.
 */
import { assertVersion } from '../../domain/commitment.ts';
import { invoiceLabel } from '../../domain/invoice.ts';
import { isApproved, type InvoiceStatus } from '../../domain/invoice-status.ts';
import { describeRuleShape, sameSlidingScale, validateSlidingScale, type SlidingScale, type SlidingScaleRule } from '../../domain/sliding-scale.ts';
import { assertCanSeeSovItems, isInvoiceAdministrator, type Viewer } from '../../domain/permissions.ts';
import { recordAudit } from '../../db/audit.queries.ts';
import { getVisibleCommitment } from '../../db/commitments.queries.ts';
import type { Db, DbOrTrx } from '../../db/database.ts';
import { listCommitmentInvoices } from '../../db/invoices.queries.ts';
import { getProjectAccess } from '../../db/projects.queries.ts';
import { deleteSlidingScale, getSlidingScale, saveSlidingScale } from '../../db/retainage-rules.queries.ts';
import { loadCommitmentForWrite } from './load-for-write.ts';

export type RetainageRulesView = {
  enabled: boolean;
  rules: (SlidingScaleRule & { description: string })[];
  afterRateBp: number;
  /** 0 until rules are first saved. */
  version: number;
  updatedAt: Date | null;
  updatedByName: string | null;
  /**
   * Invoice administrators: the commitment's invoices not yet approved whose rules differ from
   * these (they keep their own until the rules are applied to them); null for anyone else.
   */
  openInvoicesWithOtherRules: { id: string; label: string; status: InvoiceStatus }[] | null;
};

export async function getRetainageRules(db: Db, viewer: Viewer, projectId: string, commitmentId: string): Promise<RetainageRulesView> {
  const access = await getProjectAccess(db, viewer, projectId);
  const { facts } = await getVisibleCommitment(db, access, commitmentId);
  assertCanSeeSovItems(access, facts);
  return present(db, access.tenantId, commitmentId, isInvoiceAdministrator(access));
}

async function present(db: DbOrTrx, tenantId: string, commitmentId: string, isAdmin: boolean): Promise<RetainageRulesView> {
  const stored = await getSlidingScale(db, tenantId, commitmentId);
  const scale = stored && { rules: stored.rules, afterRateBp: stored.afterRateBp };
  const openInvoicesWithOtherRules = isAdmin
    ? (await listCommitmentInvoices(db, tenantId, commitmentId))
        .filter((i) => !isApproved(i.status) && !sameSlidingScale(i.retainageRules, scale))
        .map((i) => ({ id: i.id, label: invoiceLabel(i), status: i.status }))
    : null;
  if (!stored) return { enabled: false, rules: [], afterRateBp: 0, version: 0, updatedAt: null, updatedByName: null, openInvoicesWithOtherRules };
  return {
    enabled: true,
    rules: stored.rules.map((r, i) => ({ ...r, description: describeRuleShape(r, i) })),
    afterRateBp: stored.afterRateBp,
    version: stored.version,
    updatedAt: stored.updatedAt,
    updatedByName: stored.updatedByName,
    openInvoicesWithOtherRules,
  };
}

/** Saves the rules (null removes them: the flat rates apply again). `version` is what the caller read (0 when none). */
export async function setRetainageRules(
  db: Db,
  viewer: Viewer,
  projectId: string,
  commitmentId: string,
  input: { version: number; scale: SlidingScale | null },
  now: Date,
): Promise<RetainageRulesView> {
  return db.transaction().execute(async (trx) => {
    const { tenantId } = (await loadCommitmentForWrite(trx, viewer, projectId, commitmentId, 'set sliding-scale retention')).access;
    const before = await getSlidingScale(trx, tenantId, commitmentId);
    assertVersion(before?.version ?? 0, input.version, 'set of retention rules');
    if (input.scale) {
      validateSlidingScale(input.scale);
      await saveSlidingScale(trx, tenantId, commitmentId, input.scale, (before?.version ?? 0) + 1, viewer.userId, now);
    } else {
      await deleteSlidingScale(trx, tenantId, commitmentId);
    }
    await recordAudit(trx, {
      occurredAt: now,
      actorUserId: viewer.userId,
      projectId,
      entityType: 'commitment',
      entityId: commitmentId,
      action: input.scale ? 'set_retainage_rules' : 'remove_retainage_rules',
      before: before ? { rules: before.rules, afterRateBp: before.afterRateBp } : null,
      after: input.scale,
    });
    return present(trx, tenantId, commitmentId, true);
  });
}
