/**
 * Designating and removing invoice contacts, and the explicit entries of a commitment's private
 * list. Contacts are always on the private list (derived), so removing a contact leaves an explicit
 * entry for the same person in place, and an explicit removal never takes away a contact's access.
 */
import { DomainError } from '../../domain/errors.ts';
import { assertContactEligible } from '../../domain/invoice-contacts.ts';
import type { Viewer } from '../../domain/permissions.ts';
import { recordAudit } from '../../db/audit.queries.ts';
import {
  deleteInvoiceContact,
  deletePrivateUser,
  findContactCandidate,
  insertInvoiceContact,
  insertPrivateUser,
  isInvoiceContact,
} from '../../db/contacts.queries.ts';
import type { Db } from '../../db/database.ts';
import { loadCommitmentForWrite } from './load-for-write.ts';

export async function addInvoiceContact(
  db: Db,
  viewer: Viewer,
  projectId: string,
  commitmentId: string,
  userId: string,
  now: Date,
): Promise<void> {
  await db.transaction().execute(async (trx) => {
    const { access: { tenantId }, commitment } = await loadCommitmentForWrite(trx, viewer, projectId, commitmentId, 'designate invoice contacts');
    const candidate = await findContactCandidate(trx, tenantId, projectId, userId);
    if (!candidate) throw new DomainError('not_found', 'That person was not found.', { field: 'userId' });
    assertContactEligible(commitment.contractCompanyId, candidate);
    if (await insertInvoiceContact(trx, tenantId, commitmentId, userId, now)) {
      await recordAudit(trx, {
        occurredAt: now,
        actorUserId: viewer.userId,
        projectId,
        entityType: 'commitment',
        entityId: commitmentId,
        action: 'add_invoice_contact',
        after: { userId, name: candidate.name },
      });
    }
  });
}

export async function removeInvoiceContact(
  db: Db,
  viewer: Viewer,
  projectId: string,
  commitmentId: string,
  userId: string,
  now: Date,
): Promise<void> {
  await db.transaction().execute(async (trx) => {
    const { tenantId } = (await loadCommitmentForWrite(trx, viewer, projectId, commitmentId, 'remove invoice contacts')).access;
    if (!(await findContactCandidate(trx, tenantId, projectId, userId)) || !(await deleteInvoiceContact(trx, tenantId, commitmentId, userId))) {
      throw new DomainError('not_found', 'That person is not an invoice contact on this commitment.', { field: 'userId' });
    }
    await recordAudit(trx, {
      occurredAt: now,
      actorUserId: viewer.userId,
      projectId,
      entityType: 'commitment',
      entityId: commitmentId,
      action: 'remove_invoice_contact',
      before: { userId },
    });
  });
}

export async function addPrivateListUser(
  db: Db,
  viewer: Viewer,
  projectId: string,
  commitmentId: string,
  userId: string,
  now: Date,
): Promise<void> {
  await db.transaction().execute(async (trx) => {
    const { tenantId } = (await loadCommitmentForWrite(trx, viewer, projectId, commitmentId, "change a commitment's private list")).access;
    const candidate = await findContactCandidate(trx, tenantId, projectId, userId);
    if (!candidate) throw new DomainError('not_found', 'That person was not found.', { field: 'userId' });
    if (candidate.directoryPermission === null) {
      throw new DomainError(
        'contact_not_in_project_directory',
        `${candidate.name} is not in this project's directory. Add them to the project first.`,
        { field: 'userId' },
      );
    }
    if (await insertPrivateUser(trx, tenantId, commitmentId, userId, now)) {
      await recordAudit(trx, {
        occurredAt: now,
        actorUserId: viewer.userId,
        projectId,
        entityType: 'commitment',
        entityId: commitmentId,
        action: 'add_private_list_user',
        after: { userId, name: candidate.name },
      });
    }
  });
}

export async function removePrivateListUser(
  db: Db,
  viewer: Viewer,
  projectId: string,
  commitmentId: string,
  userId: string,
  now: Date,
): Promise<void> {
  await db.transaction().execute(async (trx) => {
    const { tenantId } = (await loadCommitmentForWrite(trx, viewer, projectId, commitmentId, "change a commitment's private list")).access;
    const candidate = await findContactCandidate(trx, tenantId, projectId, userId);
    const removed = candidate !== undefined && (await deletePrivateUser(trx, tenantId, commitmentId, userId));
    if (!removed) {
      if (candidate && (await isInvoiceContact(trx, tenantId, commitmentId, userId))) {
        throw new DomainError(
          'private_list_contact',
          `${candidate.name} is on the private list because they are an invoice contact. Remove them as invoice contact instead.`,
          { field: 'userId' },
        );
      }
      throw new DomainError('not_found', 'That person is not on the private list.', { field: 'userId' });
    }
    await recordAudit(trx, {
      occurredAt: now,
      actorUserId: viewer.userId,
      projectId,
      entityType: 'commitment',
      entityId: commitmentId,
      action: 'remove_private_list_user',
      before: { userId },
    });
  });
}
