/**
 * Table types as Kysely sees them. Columns are snake_case in PostgreSQL and camelCase here
 * (Kysely's CamelCasePlugin maps them). `*_cents` columns are bigint, parsed to safe integers.
 */
import type { ColumnType, Generated, Selectable } from 'kysely';

type CreatedAt = ColumnType<Date, Date | string | undefined, never>;
type UpdatedAt = ColumnType<Date, Date | string | undefined, Date | string>;
type Json = ColumnType<unknown, string, string>;

export type CompanyTable = {
  id: Generated<string>;
  name: string;
  kind: string;
  address: Generated<string>;
  defaultInvoiceContactId: string | null;
  createdAt: CreatedAt;
  updatedAt: UpdatedAt;
};

export type UserTable = {
  id: Generated<string>;
  companyId: string;
  name: string;
  email: string;
  isActive: Generated<boolean>;
  emailEnabled: Generated<boolean>;
  isCompanyAdmin: Generated<boolean>;
  passwordHash: string | null;
  createdAt: CreatedAt;
  updatedAt: UpdatedAt;
};

export type ProjectTable = {
  id: Generated<string>;
  name: string;
  number: string;
  address: Generated<string>;
  currency: string;
  locale: string;
  timeZone: string;
  terminology: Generated<string>;
  createdAt: CreatedAt;
  updatedAt: UpdatedAt;
};

export type ProjectCompanyTable = {
  projectId: string;
  companyId: string;
  createdAt: CreatedAt;
};

export type ProjectUserTable = {
  projectId: string;
  userId: string;
  commitmentsPermission: string;
  createdAt: CreatedAt;
};

export type CommitmentTable = {
  id: Generated<string>;
  projectId: string;
  kind: string;
  number: string;
  title: string;
  description: Generated<string>;
  status: Generated<string>;
  contractCompanyId: string | null;
  isPrivate: Generated<boolean>;
  privateSovVisible: Generated<boolean>;
  accountingMethod: Generated<string>;
  retainageWorkBp: Generated<number>;
  retainageMaterialsBp: Generated<number>;
  ssovEnabled: Generated<boolean>;
  version: Generated<number>;
  createdAt: CreatedAt;
  updatedAt: UpdatedAt;
};

export type CommitmentPrivateUserTable = {
  commitmentId: string;
  userId: string;
  createdAt: CreatedAt;
};

export type CommitmentInvoiceContactTable = {
  commitmentId: string;
  userId: string;
  createdAt: CreatedAt;
};

export type SovLineTable = {
  id: Generated<string>;
  commitmentId: string;
  position: number;
  itemNumber: Generated<string>;
  costCode: Generated<string>;
  description: string;
  scheduledValueCents: number;
  createdAt: CreatedAt;
  updatedAt: UpdatedAt;
};

export type ChangeOrderTable = {
  id: Generated<string>;
  commitmentId: string;
  number: string;
  title: string;
  status: Generated<string>;
  approvedAt: Date | null;
  version: Generated<number>;
  createdAt: CreatedAt;
  updatedAt: UpdatedAt;
};

export type ChangeOrderLineTable = {
  id: Generated<string>;
  changeOrderId: string;
  position: number;
  itemNumber: Generated<string>;
  costCode: Generated<string>;
  description: string;
  amountCents: number;
};

export type AuditLogTable = {
  id: Generated<number>;
  occurredAt: Date;
  actorUserId: string | null;
  projectId: string | null;
  entityType: string;
  entityId: string;
  action: string;
  before: Json | null;
  after: Json | null;
};

export type SessionTable = {
  id: string;
  userId: string;
  csrfToken: string;
  createdAt: Date;
  lastSeenAt: Date;
  expiresAt: Date;
};

export type ApiTokenTable = {
  id: Generated<string>;
  userId: string;
  name: string;
  tokenHash: string;
  tokenPrefix: string;
  createdAt: Date;
  lastUsedAt: Date | null;
  revokedAt: Date | null;
};

export type SignInAttemptTable = {
  id: Generated<number>;
  emailLower: string;
  ip: string;
  succeeded: boolean;
  attemptedAt: Date;
};

export type UserLinkTable = {
  id: Generated<string>;
  userId: string;
  purpose: string;
  tokenHash: string;
  expiresAt: Date;
  usedAt: Date | null;
  createdAt: Date;
};

export type Database = {
  companies: CompanyTable;
  users: UserTable;
  projects: ProjectTable;
  projectCompanies: ProjectCompanyTable;
  projectUsers: ProjectUserTable;
  commitments: CommitmentTable;
  commitmentPrivateUsers: CommitmentPrivateUserTable;
  commitmentInvoiceContacts: CommitmentInvoiceContactTable;
  sovLines: SovLineTable;
  changeOrders: ChangeOrderTable;
  changeOrderLines: ChangeOrderLineTable;
  auditLog: AuditLogTable;
  sessions: SessionTable;
  apiTokens: ApiTokenTable;
  signInAttempts: SignInAttemptTable;
  userLinks: UserLinkTable;
};

export type CompanyRow = Selectable<CompanyTable>;
export type UserRow = Selectable<UserTable>;
export type ProjectRow = Selectable<ProjectTable>;
export type CommitmentRow = Selectable<CommitmentTable>;
export type SovLineRow = Selectable<SovLineTable>;
export type ChangeOrderRow = Selectable<ChangeOrderTable>;
export type ChangeOrderLineRow = Selectable<ChangeOrderLineTable>;
