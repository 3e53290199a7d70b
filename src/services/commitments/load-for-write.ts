import type { Commitment } from '../../domain/commitment.ts';
import { assertInvoiceAdministrator, type ProjectAccess, type Viewer } from '../../domain/permissions.ts';
import type { Trx } from '../../db/database.ts';
import { getVisibleCommitment, lockCommitment } from '../../db/commitments.queries.ts';
import { getProjectAccess } from '../../db/projects.queries.ts';

/**
 * The common start of every commitment write: the project and commitment must be visible (else
 * 404, as if missing), the viewer must be Admin on Commitments (else 403), and the row is locked.
 */
export async function loadCommitmentForWrite(
  trx: Trx,
  viewer: Viewer,
  projectId: string,
  commitmentId: string,
  action: string,
): Promise<{ access: ProjectAccess; commitment: Commitment }> {
  const access = await getProjectAccess(trx, viewer, projectId);
  await getVisibleCommitment(trx, access, commitmentId);
  assertInvoiceAdministrator(access, action);
  const commitment = await lockCommitment(trx, access.tenantId, commitmentId);
  return { access, commitment };
}
