/**
 * Sliding-scale retention rules of a commitment (src/domain/sliding-scale.ts): read by anyone who
 * can see the commitment; set or removed by its invoice administrators. Approved invoices keep the
 * retainage they were approved with (their snapshot); invoices not yet approved follow the rules
 * in force, so a change applies from the next approval on and never rewrites history.
 */
import { assertVersion } from '../../domain/commitment.ts';
import { describeRuleShape, validateSlidingScale, type SlidingScale, type SlidingScaleRule } from '../../domain/sliding-scale.ts';
import type { Viewer } from '../../domain/permissions.ts';
import { recordAudit } from '../../db/audit.queries.ts';
import { getVisibleCommitment } from '../../db/commitments.queries.ts';
import type { Db } from '../../db/database.ts';
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
};

export async function getRetainageRules(db: Db, viewer: Viewer, projectId: string, commitmentId: string): Promise<RetainageRulesView> {
  const access = await getProjectAccess(db, viewer, projectId);
  await getVisibleCommitment(db, access, commitmentId);
  return present(await getSlidingScale(db, commitmentId));
}

function present(stored: Awaited<ReturnType<typeof getSlidingScale>>): RetainageRulesView {
  if (!stored) return { enabled: false, rules: [], afterRateBp: 0, version: 0, updatedAt: null, updatedByName: null };
  return {
    enabled: true,
    rules: stored.rules.map((r, i) => ({ ...r, description: describeRuleShape(r, i) })),
    afterRateBp: stored.afterRateBp,
    version: stored.version,
    updatedAt: stored.updatedAt,
    updatedByName: stored.updatedByName,
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
    await loadCommitmentForWrite(trx, viewer, projectId, commitmentId, 'set sliding-scale retention');
    const before = await getSlidingScale(trx, commitmentId);
    assertVersion(before?.version ?? 0, input.version, 'set of retention rules');
    if (input.scale) {
      validateSlidingScale(input.scale);
      await saveSlidingScale(trx, commitmentId, input.scale, (before?.version ?? 0) + 1, viewer.userId, now);
    } else {
      await deleteSlidingScale(trx, commitmentId);
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
    return present(await getSlidingScale(trx, commitmentId));
  });
}
