/**
 * A project ready for invoices, built straight through the services (no HTTP): an invoice
 * administrator with an API token, approved commitments with a two-line SOV, an open billing
 * period. The fault tests use it to load a server they start or break.
 */
import type { Db } from '../../src/db/database.ts';
import type { Commitment } from '../../src/domain/commitment.ts';
import type { User } from '../../src/domain/directory.ts';
import type { Project } from '../../src/domain/project.ts';
import { createApiToken } from '../../src/services/auth/api-tokens.ts';
import { createBillingPeriod } from '../../src/services/billing/billing-periods.ts';
import { addToProject, makeCommitment, makeCompany, makeProject, makeUser, systemAdminOf, viewerOf } from './factories.ts';

export type BillingSeed = {
  project: Project;
  admin: User;
  /** `Authorization: Bearer …` of the administrator. */
  token: string;
  commitments: Commitment[];
  /** `/api/v1/projects/:id` */
  p: string;
};

export async function seedBilling(db: Db, options: { commitments: number; now?: Date }): Promise<BillingSeed> {
  const now = options.now ?? new Date();
  const { gc } = await systemAdminOf(db);
  const project = await makeProject(db);
  const admin = await makeUser(db, gc, { name: 'Invoice Admin' });
  await addToProject(db, project, admin, 'admin');
  const sub = await makeCompany(db, 'subcontractor');
  const contact = await makeUser(db, sub, { name: 'Sub Contact' });
  await addToProject(db, project, contact, 'read_only');
  const commitments: Commitment[] = [];
  for (let i = 0; i < options.commitments; i += 1) {
    commitments.push(
      await makeCommitment(db, project, {
        contractCompanyId: sub.id,
        invoiceContactIds: [contact.id],
        status: 'approved',
        retainageWorkBp: 1000,
        retainageMaterialsBp: 500,
        sov: [10_000_00, 5_000_00],
      }),
    );
  }
  await createBillingPeriod(db, viewerOf(admin), project.id, {}, now);
  const { token } = await createApiToken(db, admin.id, 'faults', now);
  return { project, admin, token, commitments, p: `/api/v1/projects/${project.id}` };
}
