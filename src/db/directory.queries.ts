/** Companies and users of the company directory. */
import type { Company, CompanyKind, User } from '../domain/directory.ts';
import { notFound } from '../domain/errors.ts';
import type { DbOrTrx } from './database.ts';
import type { CompanyRow, UserRow } from './tables.ts';

export function companyFromRow(row: CompanyRow): Company {
  return {
    id: row.id,
    name: row.name,
    kind: row.kind as CompanyKind,
    address: row.address,
    defaultInvoiceContactId: row.defaultInvoiceContactId,
  };
}

export function userFromRow(row: UserRow): User {
  return {
    id: row.id,
    companyId: row.companyId,
    name: row.name,
    email: row.email,
    isActive: row.isActive,
    emailEnabled: row.emailEnabled,
    isCompanyAdmin: row.isCompanyAdmin,
    hasPassword: row.passwordHash !== null,
  };
}

export async function findCompany(db: DbOrTrx, id: string): Promise<Company | undefined> {
  const row = await db.selectFrom('companies').selectAll().where('id', '=', id).executeTakeFirst();
  return row && companyFromRow(row);
}

export async function getCompany(db: DbOrTrx, id: string): Promise<Company> {
  const company = await findCompany(db, id);
  if (!company) throw notFound('The company');
  return company;
}

export async function lockCompany(db: DbOrTrx, id: string): Promise<Company> {
  const row = await db.selectFrom('companies').selectAll().where('id', '=', id).forUpdate().executeTakeFirst();
  if (!row) throw notFound('The company');
  return companyFromRow(row);
}

export async function listCompanies(
  db: DbOrTrx,
  filter: { kind?: CompanyKind; search?: string; ids?: string[] },
): Promise<Company[]> {
  let q = db.selectFrom('companies').selectAll();
  if (filter.kind) q = q.where('kind', '=', filter.kind);
  if (filter.search) q = q.where('name', 'ilike', `%${escapeLike(filter.search)}%`);
  if (filter.ids) {
    if (filter.ids.length === 0) return [];
    q = q.where('id', 'in', filter.ids);
  }
  const rows = await q.orderBy('name').orderBy('id').execute();
  return rows.map(companyFromRow);
}

export async function findUser(db: DbOrTrx, id: string): Promise<User | undefined> {
  const row = await db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst();
  return row && userFromRow(row);
}

export async function getUser(db: DbOrTrx, id: string): Promise<User> {
  const user = await findUser(db, id);
  if (!user) throw notFound('The person');
  return user;
}

export async function findUserByEmail(
  db: DbOrTrx,
  email: string,
): Promise<(User & { passwordHash: string | null }) | undefined> {
  const row = await db
    .selectFrom('users')
    .selectAll()
    .where((eb) => eb(eb.fn('lower', ['email']), '=', email.trim().toLowerCase()))
    .executeTakeFirst();
  return row && { ...userFromRow(row), passwordHash: row.passwordHash };
}

export async function getPasswordHash(db: DbOrTrx, userId: string): Promise<string | null> {
  const row = await db.selectFrom('users').select('passwordHash').where('id', '=', userId).executeTakeFirst();
  return row?.passwordHash ?? null;
}

export async function listUsers(
  db: DbOrTrx,
  filter: { companyId?: string; search?: string; ids?: string[] },
): Promise<User[]> {
  let q = db.selectFrom('users').selectAll();
  if (filter.companyId) q = q.where('companyId', '=', filter.companyId);
  if (filter.search) {
    const term = `%${escapeLike(filter.search)}%`;
    q = q.where((eb) => eb.or([eb('name', 'ilike', term), eb('email', 'ilike', term)]));
  }
  if (filter.ids) {
    if (filter.ids.length === 0) return [];
    q = q.where('id', 'in', filter.ids);
  }
  const rows = await q.orderBy('name').orderBy('id').execute();
  return rows.map(userFromRow);
}

export function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (m) => `\\${m}`);
}
