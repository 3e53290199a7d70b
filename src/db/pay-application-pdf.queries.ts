/**
 * What a printed pay application needs beyond the invoice's own context, in ONE statement: the
 * paper size, the general contractor and the contract company (names and addresses), the approver's
 * name, and the commitment's change orders with their lines' ids (for the change-order summary).
 */
import { sql } from 'kysely';
import type { ChangeOrderFacts, Party } from '../domain/pay-application-document.ts';
import type { PdfPageSize } from '../domain/project-settings.ts';
import type { DbOrTrx } from './database.ts';

export type PayApplicationPrintFacts = {
  pageSize: PdfPageSize;
  generalContractor: Party | null;
  contractCompany: Party | null;
  approverName: string | null;
  changeOrders: ChangeOrderFacts[];
};

type ChangeOrderJson = { id: string; approvedAt: string | null; lineIds: string[] };

export async function getPayApplicationPrintFacts(
  db: DbOrTrx,
  input: { tenantId: string; projectId: string; commitmentId: string; contractCompanyId: string | null; approvedBy: string | null },
): Promise<PayApplicationPrintFacts> {
  const row = await sql<{ pageSize: string | null; generalContractor: Party | null; contractCompany: Party | null; approverName: string | null; changeOrders: ChangeOrderJson[] }>`
    select
      (select pdf_page_size from project_settings where tenant_id = ${input.tenantId} and project_id = ${input.projectId}) as "pageSize",
      -- The general contractor is the project's tenant (decision 025).
      (select json_build_object('name', name, 'address', address) from companies
        where id = ${input.tenantId}) as "generalContractor",
      (select json_build_object('name', name, 'address', address) from companies
        where id = ${input.contractCompanyId}) as "contractCompany",
      (select name from users where id = ${input.approvedBy}) as "approverName",
      (select coalesce(json_agg(json_build_object(
          'id', co.id,
          'approvedAt', co.approved_at,
          'lineIds', (select coalesce(json_agg(col.id order by col.position, col.id), '[]'::json) from change_order_lines col where col.tenant_id = co.tenant_id and col.change_order_id = co.id)
        ) order by co.created_at, co.id), '[]'::json)
        from change_orders co where co.tenant_id = ${input.tenantId} and co.commitment_id = ${input.commitmentId}) as "changeOrders"
  `.execute(db);
  const facts = row.rows[0];
  return {
    pageSize: facts?.pageSize === 'a4' ? 'a4' : 'letter',
    generalContractor: facts?.generalContractor ?? null,
    contractCompany: facts?.contractCompany ?? null,
    approverName: facts?.approverName ?? null,
    changeOrders: (facts?.changeOrders ?? []).map((co) => ({ id: co.id, approvedAt: co.approvedAt ? new Date(co.approvedAt) : null, lineIds: co.lineIds })),
  };
}
