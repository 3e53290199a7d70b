/**
 * Who acts on a commitment's Subcontractor SOV, and what a write needs loaded and locked. The SSOV is
 * seen by whoever may see the commitment's SOV items (invisible commitment: 404, as if missing;
 * private SOV items: 403, as the SOV itself answers); it is changed by the invoice administrators
 * and the commitment's own invoice contacts only.
 */
import type { Commitment, SovLine } from '../../domain/commitment.ts';
import { DomainError, notFound } from '../../domain/errors.ts';
import { assertCanSeeSovItems, isInvoiceAdministrator, type ProjectAccess, type Viewer } from '../../domain/permissions.ts';
import type { Project } from '../../domain/project.ts';
import { assertSsovEnabled, type Ssov, type SsovActor, type SsovLine } from '../../domain/ssov.ts';
import { getVisibleCommitment, lockCommitment } from '../../db/commitments.queries.ts';
import type { DbOrTrx, Trx } from '../../db/database.ts';
import { findProject, getProjectAccess } from '../../db/projects.queries.ts';
import { listSovLines } from '../../db/sov.queries.ts';
import { listSsovLines, lockSsov } from '../../db/ssov.queries.ts';

/** `viewer`: may see the SSOV (e.g. Read Only on a non-private commitment) but not change it. */
export type SsovRole = SsovActor | 'viewer';

export async function resolveSsovRole(
  db: DbOrTrx,
  viewer: Viewer,
  projectId: string,
  commitmentId: string,
): Promise<{ access: ProjectAccess; commitment: Commitment; role: SsovRole }> {
  const access = await getProjectAccess(db, viewer, projectId);
  const { commitment, facts } = await getVisibleCommitment(db, access, commitmentId);
  if (isInvoiceAdministrator(access)) return { access, commitment, role: 'admin' };
  assertCanSeeSovItems(access, facts);
  return { access, commitment, role: facts.viewerIsInvoiceContact ? 'contact' : 'viewer' };
}

export type SsovWriteContext = {
  /** The project's tenant (decision 025). */
  tenantId: string;
  actor: SsovActor;
  project: Project;
  commitment: Commitment;
  ssov: Ssov;
  sovLines: SovLine[];
  lines: SsovLine[];
};

/**
 * The common start of every SSOV write: visible (else 404), an administrator or one of the
 * commitment's invoice contacts (else 403), the commitment locked (the same lock invoice creation
 * takes), the SSOV enabled, and the SSOV row created if need be and locked.
 */
export async function loadSsovForWrite(trx: Trx, viewer: Viewer, projectId: string, commitmentId: string, now: Date): Promise<SsovWriteContext> {
  const { access, role } = await resolveSsovRole(trx, viewer, projectId, commitmentId);
  const { tenantId } = access;
  if (role === 'viewer') {
    throw new DomainError('forbidden', "Only this commitment's invoice contacts and the invoice administrators can change its Subcontractor SOV.");
  }
  const commitment = await lockCommitment(trx, tenantId, commitmentId);
  assertSsovEnabled(commitment);
  const project = await findProject(trx, tenantId, projectId);
  if (!project) throw notFound('The project');
  const ssov = await lockSsov(trx, tenantId, commitmentId, now);
  return {
    tenantId,
    actor: role,
    project,
    commitment,
    ssov,
    sovLines: await listSovLines(trx, tenantId, commitmentId),
    lines: await listSsovLines(trx, tenantId, commitmentId),
  };
}
