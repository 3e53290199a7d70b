import {
  assertDefaultInvoiceContact,
  type Company,
  type CompanyKind,
} from '../../domain/directory.ts';
import { assertCompanyAdmin, type Viewer } from '../../domain/permissions.ts';
import { recordAudit } from '../../db/audit.queries.ts';
import type { Db } from '../../db/database.ts';
import { companyFromRow, findUser, lockCompany } from '../../db/directory.queries.ts';
import { isUuid } from '../../db/ids.ts';

export type CreateCompanyInput = { name: string; kind: CompanyKind; address?: string | undefined };

export async function createCompany(db: Db, viewer: Viewer, input: CreateCompanyInput, now: Date): Promise<Company> {
  assertCompanyAdmin(viewer, 'add companies to the directory');
  return db.transaction().execute(async (trx) => {
    const row = await trx
      .insertInto('companies')
      .values({ name: input.name.trim(), kind: input.kind, address: input.address ?? '', createdAt: now, updatedAt: now })
      .returningAll()
      .executeTakeFirstOrThrow();
    const company = companyFromRow(row);
    await recordAudit(trx, {
      occurredAt: now,
      actorUserId: viewer.userId,
      projectId: null,
      entityType: 'company',
      entityId: company.id,
      action: 'create',
      after: company,
    });
    return company;
  });
}

export type UpdateCompanyInput = {
  name?: string | undefined;
  kind?: CompanyKind | undefined;
  address?: string | undefined;
  /** One employee of this company who pre-fills the invoice contacts of its new commitments. */
  defaultInvoiceContactId?: string | null | undefined;
};

export async function updateCompany(
  db: Db,
  viewer: Viewer,
  companyId: string,
  input: UpdateCompanyInput,
  now: Date,
): Promise<Company> {
  assertCompanyAdmin(viewer, 'change companies in the directory');
  return db.transaction().execute(async (trx) => {
    const before = await lockCompany(trx, companyId);
    if (input.defaultInvoiceContactId) {
      const contact = isUuid(input.defaultInvoiceContactId)
        ? await findUser(trx, input.defaultInvoiceContactId)
        : undefined;
      assertDefaultInvoiceContact(before, contact);
    }
    const row = await trx
      .updateTable('companies')
      .set({
        ...(input.name !== undefined && { name: input.name.trim() }),
        ...(input.kind !== undefined && { kind: input.kind }),
        ...(input.address !== undefined && { address: input.address }),
        ...(input.defaultInvoiceContactId !== undefined && { defaultInvoiceContactId: input.defaultInvoiceContactId }),
        updatedAt: now,
      })
      .where('id', '=', companyId)
      .returningAll()
      .executeTakeFirstOrThrow();
    const after = companyFromRow(row);
    await recordAudit(trx, {
      occurredAt: now,
      actorUserId: viewer.userId,
      projectId: null,
      entityType: 'company',
      entityId: companyId,
      action: 'update',
      before,
      after,
    });
    return after;
  });
}
