import { DomainError } from '../../domain/errors.ts';
import { assertInvoiceAdministrator, type Viewer } from '../../domain/permissions.ts';
import { recordAudit } from '../../db/audit.queries.ts';
import type { Db } from '../../db/database.ts';
import { requeueFailedEmail } from '../../db/email.queries.ts';
import { getProjectAccess } from '../../db/projects.queries.ts';

/** An invoice administrator sends a failed email again (after fixing the address, say). */
export async function retryFailedEmail(db: Db, viewer: Viewer, projectId: string, emailId: number, now: Date): Promise<void> {
  const access = await getProjectAccess(db, viewer, projectId);
  assertInvoiceAdministrator(access, 'retry emails');
  await db.transaction().execute(async (trx) => {
    if (!(await requeueFailedEmail(trx, emailId, projectId, now))) {
      throw new DomainError('not_found', 'No failed email with that id on this project.');
    }
    await recordAudit(trx, {
      occurredAt: now,
      actorUserId: viewer.userId,
      projectId,
      entityType: 'email',
      entityId: String(emailId),
      action: 'retry',
    });
  });
}
