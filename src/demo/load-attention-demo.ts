/**
 * What the demo administrator (priya.raman@northwind.example) finds on "Needs your attention": on
 * top of the billing demo (an invoice under review, one sent back, unanswered invites, last month's
 * invoice half paid), SC-006's contact has broken the HVAC schedule of values down and submitted
 * it, so a Subcontractor SOV waits for her review. Through the services, as the people would do it.
 */
import type { Db } from '../db/database.ts';
import { listSovLines } from '../db/sov.queries.ts';
import { getSsov } from '../db/ssov.queries.ts';
import type { Viewer } from '../domain/permissions.ts';
import { updateCommitment } from '../services/commitments/update-commitment.ts';
import { changeSsovStatus } from '../services/ssov/change-ssov-status.ts';
import { saveSsovLines } from '../services/ssov/save-ssov-lines.ts';

async function viewerWhere(db: Db, column: 'email' | 'id', value: string): Promise<Viewer> {
  const row = await db.selectFrom('users').select(['id', 'companyId', 'isCompanyAdmin']).where(column, '=', value).executeTakeFirstOrThrow();
  return { userId: row.id, companyId: row.companyId, isCompanyAdmin: row.isCompanyAdmin };
}

export async function loadAttentionDemo(db: Db, tenantId: string, projectName: string, now: Date): Promise<void> {
  const project = await db.selectFrom('projects').select('id').where('tenantId', '=', tenantId).where('name', '=', projectName).executeTakeFirstOrThrow();
  const accountant = await viewerWhere(db, 'email', 'priya.raman@northwind.example');
  const hvac = await db
    .selectFrom('commitments')
    .select(['id', 'version'])
    .where('tenantId', '=', tenantId)
    .where('projectId', '=', project.id)
    .where('number', '=', 'SC-006')
    .executeTakeFirstOrThrow();
  const contact = await db.selectFrom('commitmentInvoiceContacts').select('userId').where('tenantId', '=', tenantId).where('commitmentId', '=', hvac.id).executeTakeFirstOrThrow();
  const priscilla = await viewerWhere(db, 'id', contact.userId);

  await updateCommitment(db, accountant, project.id, hvac.id, { version: hvac.version, ssovEnabled: true }, now);
  // Each SOV line split into labor (60 %, rounded down to the cent) and equipment & material (the rest).
  const lines = (await listSovLines(db, tenantId, hvac.id)).flatMap((l) => {
    const labor = Math.floor((l.scheduledValueCents * 6) / 10);
    return [
      { sovLineId: l.id, description: `${l.description} — labor`, costCode: l.costCode, amountCents: labor },
      { sovLineId: l.id, description: `${l.description} — equipment & material`, costCode: l.costCode, amountCents: l.scheduledValueCents - labor },
    ];
  });
  const draft = await getSsov(db, tenantId, hvac.id, now);
  const saved = await saveSsovLines(db, priscilla, project.id, hvac.id, { version: draft.version, lines }, now);
  await changeSsovStatus(db, priscilla, project.id, hvac.id, { action: 'submit', version: saved.version }, now);
}
