/** Commitments, their private lists and invoice contacts — always read through a visibility policy. */
import { sql, type ExpressionBuilder, type SelectQueryBuilder } from 'kysely';
import type {
  AccountingMethod,
  Commitment,
  CommitmentKind,
  CommitmentStatus,
} from '../domain/commitment.ts';
import { notFound } from '../domain/errors.ts';
import {
  commitmentVisibility,
  type CommitmentPrivacyFacts,
  type CommitmentVisibility,
  type ProjectAccess,
} from '../domain/permissions.ts';
import type { DbOrTrx } from './database.ts';
import { isUuid } from './ids.ts';
import type { CommitmentRow, Database } from './tables.ts';

export function commitmentFromRow(row: CommitmentRow): Commitment {
  return {
    id: row.id,
    projectId: row.projectId,
    kind: row.kind as CommitmentKind,
    number: row.number,
    title: row.title,
    description: row.description,
    status: row.status as CommitmentStatus,
    contractCompanyId: row.contractCompanyId,
    isPrivate: row.isPrivate,
    privateSovVisible: row.privateSovVisible,
    accountingMethod: row.accountingMethod as AccountingMethod,
    retainageWorkBp: row.retainageWorkBp,
    retainageMaterialsBp: row.retainageMaterialsBp,
    ssovEnabled: row.ssovEnabled,
    version: row.version,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  };
}

type CommitmentQuery<O> = SelectQueryBuilder<Database & { c: Database['commitments'] }, 'c', O>;

/** The SQL form of the domain's visibility policy (src/domain/permissions.ts). */
function whereVisible<O>(q: CommitmentQuery<O>, policy: CommitmentVisibility): CommitmentQuery<O> {
  switch (policy.kind) {
    case 'all':
      return q;
    case 'none':
      return q.where(sql<boolean>`false`);
    case 'public_or_listed':
      return q.where((eb) =>
        eb.or([
          eb('c.isPrivate', '=', false),
          eb.exists(
            eb
              .selectFrom('commitmentPrivateUsers as cpu')
              .select('cpu.userId')
              .whereRef('cpu.tenantId', '=', 'c.tenantId')
              .whereRef('cpu.commitmentId', '=', 'c.id')
              .where('cpu.userId', '=', policy.userId),
          ),
          eb.exists(
            eb
              .selectFrom('commitmentInvoiceContacts as cic')
              .select('cic.userId')
              .whereRef('cic.tenantId', '=', 'c.tenantId')
              .whereRef('cic.commitmentId', '=', 'c.id')
              .where('cic.userId', '=', policy.userId),
          ),
        ]),
      );
  }
}

export const COMMITMENT_SORTS = ['number', '-number', 'title', '-title', 'status', '-status', 'updatedAt', '-updatedAt'] as const;
export type CommitmentSort = (typeof COMMITMENT_SORTS)[number];

export type CommitmentListFilter = {
  statuses?: CommitmentStatus[];
  kind?: CommitmentKind;
  contractCompanyId?: string;
  contactUserId?: string;
  search?: string;
  sort: CommitmentSort;
  page: number;
  perPage: number;
};

export type CommitmentSummary = Commitment & {
  facts: CommitmentPrivacyFacts;
  contractCompanyName: string | null;
  originalContractSumCents: number;
  approvedChangeOrdersCents: number;
  invoiceContactCount: number;
};

type CommitmentEb = ExpressionBuilder<Database & { c: Database['commitments'] }, 'c'>;

function viewerListed(eb: CommitmentEb, userId: string) {
  return eb.exists(
    eb
      .selectFrom('commitmentPrivateUsers as cpu')
      .select('cpu.userId')
      .whereRef('cpu.tenantId', '=', 'c.tenantId')
      .whereRef('cpu.commitmentId', '=', 'c.id')
      .where('cpu.userId', '=', userId),
  );
}

function viewerContact(eb: CommitmentEb, userId: string) {
  return eb.exists(
    eb
      .selectFrom('commitmentInvoiceContacts as cic')
      .select('cic.userId')
      .whereRef('cic.tenantId', '=', 'c.tenantId')
      .whereRef('cic.commitmentId', '=', 'c.id')
      .where('cic.userId', '=', userId),
  );
}

function sumSov(eb: CommitmentEb) {
  return eb
    .selectFrom('sovLines as s')
    .select(sql<number>`coalesce(sum(s.scheduled_value_cents), 0)::bigint`.as('total'))
    .whereRef('s.tenantId', '=', 'c.tenantId')
    .whereRef('s.commitmentId', '=', 'c.id');
}

function sumApprovedChangeOrders(eb: CommitmentEb) {
  return eb
    .selectFrom('changeOrderLines as l')
    .innerJoin('changeOrders as co', (join) => join.onRef('co.tenantId', '=', 'l.tenantId').onRef('co.id', '=', 'l.changeOrderId'))
    .select(sql<number>`coalesce(sum(l.amount_cents), 0)::bigint`.as('total'))
    .whereRef('co.tenantId', '=', 'c.tenantId')
    .whereRef('co.commitmentId', '=', 'c.id')
    .where('co.status', '=', 'approved');
}

export async function listCommitments(
  db: DbOrTrx,
  access: ProjectAccess,
  filter: CommitmentListFilter,
): Promise<{ items: CommitmentSummary[]; total: number }> {
  let q = db.selectFrom('commitments as c').where('c.tenantId', '=', access.tenantId).where('c.projectId', '=', access.projectId);
  q = whereVisible(q, commitmentVisibility(access));
  if (filter.statuses && filter.statuses.length > 0) q = q.where('c.status', 'in', filter.statuses);
  if (filter.kind) q = q.where('c.kind', '=', filter.kind);
  if (filter.contractCompanyId) q = q.where('c.contractCompanyId', '=', filter.contractCompanyId);
  if (filter.contactUserId) {
    const userId = filter.contactUserId;
    q = q.where((eb) =>
      eb.exists(
        eb
          .selectFrom('commitmentInvoiceContacts as f')
          .select('f.userId')
          .whereRef('f.tenantId', '=', 'c.tenantId')
          .whereRef('f.commitmentId', '=', 'c.id')
          .where('f.userId', '=', userId),
      ),
    );
  }
  if (filter.search) {
    const term = `%${filter.search.replace(/[\\%_]/g, (m) => `\\${m}`)}%`;
    q = q.where((eb) => eb.or([eb('c.number', 'ilike', term), eb('c.title', 'ilike', term)]));
  }
  const countRow = await q.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
  const descending = filter.sort.startsWith('-');
  const column = filter.sort.replace('-', '') as 'number' | 'title' | 'status' | 'updatedAt';
  const rows = await q
    .leftJoin('companies as co', 'co.id', 'c.contractCompanyId')
    .selectAll('c')
    .select((eb) => [
      'co.name as contractCompanyName',
      sumSov(eb).as('originalContractSumCents'),
      sumApprovedChangeOrders(eb).as('approvedChangeOrdersCents'),
      eb
        .selectFrom('commitmentInvoiceContacts as n')
        .select((e) => e.fn.countAll<number>().as('n'))
        .whereRef('n.tenantId', '=', 'c.tenantId')
        .whereRef('n.commitmentId', '=', 'c.id')
        .as('invoiceContactCount'),
      viewerListed(eb, access.viewer.userId).as('viewerIsExplicitlyListed'),
      viewerContact(eb, access.viewer.userId).as('viewerIsInvoiceContact'),
    ])
    .orderBy(`c.${column}`, descending ? 'desc' : 'asc')
    .orderBy('c.id')
    .limit(filter.perPage)
    .offset((filter.page - 1) * filter.perPage)
    .execute();
  return {
    total: Number(countRow.n),
    items: rows.map((row) => ({
      ...commitmentFromRow(row),
      facts: {
        isPrivate: row.isPrivate,
        privateSovVisible: row.privateSovVisible,
        viewerIsExplicitlyListed: Boolean(row.viewerIsExplicitlyListed),
        viewerIsInvoiceContact: Boolean(row.viewerIsInvoiceContact),
      },
      contractCompanyName: row.contractCompanyName,
      originalContractSumCents: Number(row.originalContractSumCents ?? 0),
      approvedChangeOrdersCents: Number(row.approvedChangeOrdersCents ?? 0),
      invoiceContactCount: Number(row.invoiceContactCount ?? 0),
    })),
  };
}

/**
 * One commitment as the viewer may see it, with the facts that decide SOV visibility. A
 * commitment the viewer may not see answers not_found, exactly like a missing one.
 */
export async function getVisibleCommitment(
  db: DbOrTrx,
  access: ProjectAccess,
  commitmentId: string,
): Promise<{ commitment: Commitment; facts: CommitmentPrivacyFacts }> {
  if (!isUuid(commitmentId)) throw notFound('The commitment');
  let q = db
    .selectFrom('commitments as c')
    .where('c.tenantId', '=', access.tenantId)
    .where('c.projectId', '=', access.projectId)
    .where('c.id', '=', commitmentId);
  q = whereVisible(q, commitmentVisibility(access));
  const row = await q
    .selectAll('c')
    .select((eb) => [
      viewerListed(eb, access.viewer.userId).as('viewerIsExplicitlyListed'),
      viewerContact(eb, access.viewer.userId).as('viewerIsInvoiceContact'),
    ])
    .executeTakeFirst();
  if (!row) throw notFound('The commitment');
  const commitment = commitmentFromRow(row);
  return {
    commitment,
    facts: {
      isPrivate: commitment.isPrivate,
      privateSovVisible: commitment.privateSovVisible,
      viewerIsExplicitlyListed: Boolean(row.viewerIsExplicitlyListed),
      viewerIsInvoiceContact: Boolean(row.viewerIsInvoiceContact),
    },
  };
}

/** The commitments among `ids` that the viewer may see on the project (an invisible one is simply absent). */
export async function listVisibleCommitmentsByIds(db: DbOrTrx, access: ProjectAccess, ids: readonly string[]): Promise<Map<string, Commitment>> {
  const wanted = ids.filter(isUuid);
  if (wanted.length === 0) return new Map();
  let q = db.selectFrom('commitments as c').where('c.tenantId', '=', access.tenantId).where('c.projectId', '=', access.projectId).where('c.id', 'in', wanted);
  q = whereVisible(q, commitmentVisibility(access));
  const rows = await q.selectAll('c').execute();
  return new Map(rows.map((row) => [row.id, commitmentFromRow(row)]));
}

/** Row-locks a commitment for a write (SELECT … FOR UPDATE). Visibility is checked before. */
export async function lockCommitment(db: DbOrTrx, tenantId: string, commitmentId: string): Promise<Commitment> {
  const row = await db
    .selectFrom('commitments')
    .selectAll()
    .where('tenantId', '=', tenantId)
    .where('id', '=', commitmentId)
    .forUpdate()
    .executeTakeFirst();
  if (!row) throw notFound('The commitment');
  return commitmentFromRow(row);
}

export type CommitmentPerson = {
  userId: string;
  name: string;
  email: string;
  companyId: string;
  companyName: string;
  isActive: boolean;
};

export async function listInvoiceContacts(db: DbOrTrx, tenantId: string, commitmentId: string): Promise<CommitmentPerson[]> {
  return db
    .selectFrom('commitmentInvoiceContacts as cic')
    .innerJoin('users as u', 'u.id', 'cic.userId')
    .innerJoin('companies as co', 'co.id', 'u.companyId')
    .select(['u.id as userId', 'u.name', 'u.email', 'u.companyId', 'co.name as companyName', 'u.isActive'])
    .where('cic.tenantId', '=', tenantId)
    .where('cic.commitmentId', '=', commitmentId)
    .orderBy('u.name')
    .execute();
}

export type PrivateListEntry = CommitmentPerson & { isExplicit: boolean; isInvoiceContact: boolean };

/** The private list is derived: explicit entries ∪ invoice contacts, each flagged by how they got there. */
export async function listPrivateList(db: DbOrTrx, tenantId: string, commitmentId: string): Promise<PrivateListEntry[]> {
  const rows = await db
    .selectFrom('users as u')
    .innerJoin('companies as co', 'co.id', 'u.companyId')
    .select((eb) => [
      'u.id as userId',
      'u.name',
      'u.email',
      'u.companyId',
      'co.name as companyName',
      'u.isActive',
      eb
        .exists(
          eb
            .selectFrom('commitmentPrivateUsers as p')
            .select('p.userId')
            .whereRef('p.userId', '=', 'u.id')
            .where('p.tenantId', '=', tenantId)
            .where('p.commitmentId', '=', commitmentId),
        )
        .as('isExplicit'),
      eb
        .exists(
          eb
            .selectFrom('commitmentInvoiceContacts as k')
            .select('k.userId')
            .whereRef('k.userId', '=', 'u.id')
            .where('k.tenantId', '=', tenantId)
            .where('k.commitmentId', '=', commitmentId),
        )
        .as('isInvoiceContact'),
    ])
    .where((eb) =>
      eb.or([
        eb(
          'u.id',
          'in',
          eb.selectFrom('commitmentPrivateUsers').select('userId').where('tenantId', '=', tenantId).where('commitmentId', '=', commitmentId),
        ),
        eb(
          'u.id',
          'in',
          eb.selectFrom('commitmentInvoiceContacts').select('userId').where('tenantId', '=', tenantId).where('commitmentId', '=', commitmentId),
        ),
      ]),
    )
    .orderBy('u.name')
    .execute();
  return rows.map((r) => ({ ...r, isExplicit: Boolean(r.isExplicit), isInvoiceContact: Boolean(r.isInvoiceContact) }));
}

export async function isNumberTaken(
  db: DbOrTrx,
  tenantId: string,
  projectId: string,
  number: string,
  exceptId?: string,
): Promise<boolean> {
  let q = db
    .selectFrom('commitments')
    .select('id')
    .where('tenantId', '=', tenantId)
    .where('projectId', '=', projectId)
    .where('number', '=', number);
  if (exceptId) q = q.where('id', '<>', exceptId);
  return (await q.executeTakeFirst()) !== undefined;
}

/** Original contract sum (Σ SOV) and net approved change orders of one commitment. */
export async function getCommitmentTotals(
  db: DbOrTrx,
  tenantId: string,
  commitmentId: string,
): Promise<{ originalContractSumCents: number; approvedChangeOrdersCents: number }> {
  const row = await db
    .selectNoFrom((eb) => [
      eb
        .selectFrom('sovLines as s')
        .select(sql<number>`coalesce(sum(s.scheduled_value_cents), 0)::bigint`.as('t'))
        .where('s.tenantId', '=', tenantId)
        .where('s.commitmentId', '=', commitmentId)
        .as('original'),
      eb
        .selectFrom('changeOrderLines as l')
        .innerJoin('changeOrders as co', (join) => join.onRef('co.tenantId', '=', 'l.tenantId').onRef('co.id', '=', 'l.changeOrderId'))
        .select(sql<number>`coalesce(sum(l.amount_cents), 0)::bigint`.as('t'))
        .where('co.tenantId', '=', tenantId)
        .where('co.commitmentId', '=', commitmentId)
        .where('co.status', '=', 'approved')
        .as('approved'),
    ])
    .executeTakeFirstOrThrow();
  return { originalContractSumCents: Number(row.original ?? 0), approvedChangeOrdersCents: Number(row.approved ?? 0) };
}
