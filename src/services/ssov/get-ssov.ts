/**
 * One commitment's Subcontractor SOV as a person may see it: the detail lines grouped by SOV line
 * with the remaining to allocate, the status and its trail, where each detail line has been billed,
 * and what the person may do now.
 */
import type { Commitment } from '../../domain/commitment.ts';
import type { Viewer } from '../../domain/permissions.ts';
import {
  allocationsOf,
  availableSsovActions,
  isEditableByContact,
  isFullyAllocated,
  mustStayFullyAllocated,
  type DetailLineUse,
  type SovAllocation,
  type Ssov,
  type SsovAction,
} from '../../domain/ssov.ts';
import type { Db } from '../../db/database.ts';
import { findUser } from '../../db/directory.queries.ts';
import { listSovLines } from '../../db/sov.queries.ts';
import { getSsov, listDetailLineUses, listSsovLines } from '../../db/ssov.queries.ts';
import { resolveSsovRole, type SsovRole } from './ssov-context.ts';

export type SsovView = {
  commitment: Commitment;
  ssov: Ssov;
  allocations: SovAllocation[];
  isFullyAllocated: boolean;
  /** Per detail line: the invoices it is on (empty for people who do not see invoices). */
  uses: Map<string, DetailLineUse[]>;
  /** Names of the people in the trail (submitted, approved, sent back, requested by). */
  names: Map<string, string>;
  you: {
    role: SsovRole;
    canEditLines: boolean;
    allowedActions: SsovAction[];
    canRequest: boolean;
    mustStayFullyAllocated: boolean;
  };
};

export async function getSsovView(db: Db, viewer: Viewer, projectId: string, commitmentId: string, now: Date): Promise<SsovView> {
  const { access, commitment, role } = await resolveSsovRole(db, viewer, projectId, commitmentId);
  const { tenantId } = access;
  const ssov = await getSsov(db, tenantId, commitmentId, now);
  const allocations = allocationsOf(await listSovLines(db, tenantId, commitmentId), await listSsovLines(db, tenantId, commitmentId));
  // Invoices are for their administrators and contacts only (decision 007): others see no labels.
  const uses = role === 'viewer' ? new Map<string, DetailLineUse[]>() : await listDetailLineUses(db, tenantId, commitmentId);
  const people = [ssov.submittedBy, ssov.approvedBy, ssov.sentBackBy, ssov.requestedBy].filter((id): id is string => id !== null);
  const names = new Map<string, string>();
  for (const userId of new Set(people)) {
    const user = await findUser(db, userId);
    if (user) names.set(userId, user.name);
  }
  const enabled = commitment.ssovEnabled;
  const actor = role === 'viewer' ? null : role;
  return {
    commitment,
    ssov,
    allocations,
    isFullyAllocated: isFullyAllocated(allocations),
    uses,
    names,
    you: {
      role,
      canEditLines: enabled && actor !== null && (actor === 'admin' || isEditableByContact(ssov.status)),
      allowedActions: enabled && actor ? availableSsovActions(ssov.status, actor) : [],
      canRequest: enabled && actor === 'admin' && isEditableByContact(ssov.status),
      mustStayFullyAllocated: mustStayFullyAllocated(ssov.status),
    },
  };
}
