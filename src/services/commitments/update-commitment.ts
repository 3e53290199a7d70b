import {
  assertAccountingMethodChangeAllowed,
  assertRetainageRate,
  assertSsovAllowed,
  assertVersion,
  type AccountingMethod,
  type Commitment,
  type CommitmentKind,
  type CommitmentStatus,
} from '../../domain/commitment.ts';
import { DomainError } from '../../domain/errors.ts';
import { planContractCompanyChange } from '../../domain/invoice-contacts.ts';
import type { Viewer } from '../../domain/permissions.ts';
import { assertSsovToggleAllowed } from '../../domain/ssov.ts';
import { recordAudit } from '../../db/audit.queries.ts';
import { commitmentFromRow, isNumberTaken } from '../../db/commitments.queries.ts';
import { deleteInvoiceContact, listContactsWithCompany } from '../../db/contacts.queries.ts';
import type { Db } from '../../db/database.ts';
import { countSovLines } from '../../db/sov.queries.ts';
import { countCommitmentInvoices, resetSsovToDraft } from '../../db/ssov.queries.ts';
import { assertContractCompanyUsable } from './create-commitment.ts';
import { loadCommitmentForWrite } from './load-for-write.ts';

export type UpdateCommitmentInput = {
  /** The version the change was based on (body `version` or `If-Match`). */
  version: number;
  kind?: CommitmentKind | undefined;
  number?: string | undefined;
  title?: string | undefined;
  description?: string | undefined;
  status?: CommitmentStatus | undefined;
  contractCompanyId?: string | null | undefined;
  /** Explicit consent to drop invoice contacts who do not work for the new contract company. */
  removeMismatchedContacts?: boolean | undefined;
  isPrivate?: boolean | undefined;
  privateSovVisible?: boolean | undefined;
  accountingMethod?: AccountingMethod | undefined;
  retainageWorkBp?: number | undefined;
  retainageMaterialsBp?: number | undefined;
  ssovEnabled?: boolean | undefined;
};

export async function updateCommitment(
  db: Db,
  viewer: Viewer,
  projectId: string,
  commitmentId: string,
  input: UpdateCommitmentInput,
  now: Date,
): Promise<{ commitment: Commitment; removedContactIds: string[] }> {
  return db.transaction().execute(async (trx) => {
    const { access, commitment: before } = await loadCommitmentForWrite(trx, viewer, projectId, commitmentId, 'edit commitments');
    const { tenantId } = access;
    assertVersion(before.version, input.version, 'commitment');
    if (input.retainageWorkBp !== undefined) assertRetainageRate(input.retainageWorkBp, 'retainageWorkBp');
    if (input.retainageMaterialsBp !== undefined) assertRetainageRate(input.retainageMaterialsBp, 'retainageMaterialsBp');
    const accountingMethod = input.accountingMethod ?? before.accountingMethod;
    if (input.accountingMethod !== undefined) {
      assertAccountingMethodChangeAllowed(before.accountingMethod, input.accountingMethod, await countSovLines(trx, tenantId, commitmentId));
    }
    assertSsovAllowed(accountingMethod, input.ssovEnabled ?? before.ssovEnabled);
    if (input.ssovEnabled !== undefined && input.ssovEnabled !== before.ssovEnabled) {
      assertSsovToggleAllowed(before.ssovEnabled, input.ssovEnabled, await countCommitmentInvoices(trx, tenantId, commitmentId));
      // Turned (back) on, the Subcontractor SOV is reviewed again from Draft; its lines stay.
      if (input.ssovEnabled) await resetSsovToDraft(trx, tenantId, commitmentId, now);
    }
    const number = input.number?.trim();
    if (number !== undefined && number !== before.number && (await isNumberTaken(trx, tenantId, projectId, number, commitmentId))) {
      throw new DomainError('duplicate_number', `Commitment number ${number} is already used on this project.`, {
        field: 'number',
      });
    }

    let removedContactIds: string[] = [];
    if (input.contractCompanyId !== undefined && input.contractCompanyId !== before.contractCompanyId) {
      if (input.contractCompanyId !== null) await assertContractCompanyUsable(trx, tenantId, projectId, input.contractCompanyId);
      const plan = planContractCompanyChange({
        currentCompanyId: before.contractCompanyId,
        nextCompanyId: input.contractCompanyId,
        contacts: await listContactsWithCompany(trx, tenantId, commitmentId),
        removeMismatchedContacts: input.removeMismatchedContacts ?? false,
      });
      for (const userId of plan.contactsToRemove) await deleteInvoiceContact(trx, tenantId, commitmentId, userId);
      removedContactIds = plan.contactsToRemove;
    }

    const row = await trx
      .updateTable('commitments')
      .set({
        ...(input.kind !== undefined && { kind: input.kind }),
        ...(number !== undefined && { number }),
        ...(input.title !== undefined && { title: input.title.trim() }),
        ...(input.description !== undefined && { description: input.description }),
        ...(input.status !== undefined && { status: input.status }),
        ...(input.contractCompanyId !== undefined && { contractCompanyId: input.contractCompanyId }),
        ...(input.isPrivate !== undefined && { isPrivate: input.isPrivate }),
        ...(input.privateSovVisible !== undefined && { privateSovVisible: input.privateSovVisible }),
        ...(input.accountingMethod !== undefined && { accountingMethod: input.accountingMethod }),
        ...(input.retainageWorkBp !== undefined && { retainageWorkBp: input.retainageWorkBp }),
        ...(input.retainageMaterialsBp !== undefined && { retainageMaterialsBp: input.retainageMaterialsBp }),
        ...(input.ssovEnabled !== undefined && { ssovEnabled: input.ssovEnabled }),
        version: before.version + 1,
        updatedAt: now,
      })
      .where('tenantId', '=', tenantId)
      .where('id', '=', commitmentId)
      .returningAll()
      .executeTakeFirstOrThrow();
    const after = commitmentFromRow(row);
    await recordAudit(trx, {
      occurredAt: now,
      actorUserId: viewer.userId,
      projectId,
      entityType: 'commitment',
      entityId: commitmentId,
      action: 'update',
      before,
      after: removedContactIds.length > 0 ? { ...after, removedInvoiceContactIds: removedContactIds } : after,
    });
    return { commitment: after, removedContactIds };
  });
}
