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
  /** The general contractor's company this row belongs to (decision 025). */
  tenantId: string;
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
  /** The general contractor's company this row belongs to (decision 025). */
  tenantId: string;
  projectId: string;
  companyId: string;
  createdAt: CreatedAt;
};

export type ProjectUserTable = {
  /** The general contractor's company this row belongs to (decision 025). */
  tenantId: string;
  projectId: string;
  userId: string;
  commitmentsPermission: string;
  createdAt: CreatedAt;
};

export type CommitmentTable = {
  /** The general contractor's company this row belongs to (decision 025). */
  tenantId: string;
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
  /** The general contractor's company this row belongs to (decision 025). */
  tenantId: string;
  commitmentId: string;
  userId: string;
  createdAt: CreatedAt;
};

export type CommitmentInvoiceContactTable = {
  /** The general contractor's company this row belongs to (decision 025). */
  tenantId: string;
  commitmentId: string;
  userId: string;
  createdAt: CreatedAt;
};

export type SovLineTable = {
  /** The general contractor's company this row belongs to (decision 025). */
  tenantId: string;
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
  /** The general contractor's company this row belongs to (decision 025). */
  tenantId: string;
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
  /** The general contractor's company this row belongs to (decision 025). */
  tenantId: string;
  id: Generated<string>;
  changeOrderId: string;
  position: number;
  itemNumber: Generated<string>;
  costCode: Generated<string>;
  description: string;
  amountCents: number;
};

/** Written once, never updated (the database refuses it, and so does the type: no column is updatable). */
type AppendOnly<T, I = T> = ColumnType<T, I, never>;
/** Set by the audit_log_link trigger, whatever an insert sends (docs/decisions/016-audit-chain.md). */
type ChainColumn<T> = ColumnType<T, never, never>;

export type AuditLogTable = {
  id: ColumnType<number, never, never>;
  occurredAt: AppendOnly<Date>;
  actorUserId: AppendOnly<string | null>;
  projectId: AppendOnly<string | null>;
  entityType: AppendOnly<string>;
  entityId: AppendOnly<string>;
  action: AppendOnly<string>;
  before: AppendOnly<unknown, string | null>;
  after: AppendOnly<unknown, string | null>;
  chainKey: ChainColumn<string>;
  chainSeq: ChainColumn<number>;
  prevHash: ChainColumn<string>;
  hash: ChainColumn<string>;
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

/** Password-reset requests waiting for the worker (issue 11, defect 8). */
export type PasswordResetRequestTable = {
  id: Generated<number>;
  emailLower: string;
  requestedAt: Date;
};

/** One row per tenant (general contractor); a tenant without one has the defaults. */
export type CompanySettingsTable = {
  tenantId: string;
  preventOverbillingAllProjects: Generated<boolean>;
  updatedAt: UpdatedAt;
};

export type ProjectSettingsTable = {
  /** The general contractor's company this row belongs to (decision 025). */
  tenantId: string;
  projectId: string;
  periodStartDay: Generated<number>;
  periodEndDay: Generated<number>;
  periodDueDay: Generated<number>;
  automaticFrequency: Generated<string>;
  automaticStartsOn: string | null;
  contactsMayBillWithoutInvite: Generated<boolean>;
  contactDefaultInvoiceType: Generated<string>;
  inviteMessage: Generated<string>;
  allowOverbilling: Generated<boolean>;
  remindersEnabled: Generated<boolean>;
  reminderFrequencyDays: Generated<number>;
  digestEnabled: Generated<boolean>;
  approvalNoticesEnabled: Generated<boolean>;
  twoPersonPaymentRule: Generated<boolean>;
  ssovEnabledByDefault: Generated<boolean>;
  /** 'letter' or 'a4': the paper the project's pay application PDFs print on (decision 027). */
  pdfPageSize: Generated<string>;
  /** Until someone edits the invoice distribution list, it follows the project's Admins on Commitments. */
  invoiceDistributionFollowsAdmins: Generated<boolean>;
  version: Generated<number>;
  updatedAt: UpdatedAt;
};

export type BillingPeriodTable = {
  /** The general contractor's company this row belongs to (decision 025). */
  tenantId: string;
  id: Generated<string>;
  projectId: string;
  startsOn: string;
  endsOn: string;
  dueOn: string;
  status: string;
  origin: Generated<string>;
  version: Generated<number>;
  createdBy: string | null;
  createdAt: CreatedAt;
  updatedAt: UpdatedAt;
};

export type BillingInviteTable = {
  /** The general contractor's company this row belongs to (decision 025). */
  tenantId: string;
  id: Generated<string>;
  projectId: string;
  billingPeriodId: string;
  commitmentId: string;
  invoiceType: string;
  message: Generated<string>;
  /** The invite asks for attachments with the invoice (issue 10). */
  requestAttachments: Generated<boolean>;
  /** What to attach, in the administrator's words (only with requestAttachments). */
  attachmentsNote: string | null;
  invitedBy: string;
  invitedAt: Date;
  response: string | null;
  respondedBy: string | null;
  respondedAt: Date | null;
};

export type InvoiceTable = {
  /** The general contractor's company this row belongs to (decision 025). */
  tenantId: string;
  id: Generated<string>;
  projectId: string;
  commitmentId: string;
  billingPeriodId: string;
  sequence: number;
  number: string | null;
  invoiceType: string;
  status: Generated<string>;
  billingDate: string;
  periodStart: string;
  periodEnd: string;
  comments: Generated<string>;
  createdBy: string;
  createdByRole: string;
  submittedAt: Date | null;
  submittedBy: string | null;
  approvedAt: Date | null;
  approvedBy: string | null;
  snapshot: Json | null;
  /** The sliding-scale rules in force on this invoice ({ rules, afterRateBp }), stored at creation; null: flat rates. */
  retainageRules: Json | null;
  version: Generated<number>;
  createdAt: CreatedAt;
  updatedAt: UpdatedAt;
};

/** One invoice's G702 summary as last computed (decision 023); `isStale`: recompute before use. */
export type InvoiceSummaryTable = {
  /** The general contractor's company this row belongs to (decision 025). */
  tenantId: string;
  invoiceId: string;
  isStale: boolean;
  /** Bumped by every write that stores or invalidates the row: a lazy fill stores only if unchanged. */
  generation: number;
  originalContractSumCents: number | null;
  netChangeByChangeOrdersCents: number | null;
  contractSumToDateCents: number | null;
  totalCompletedAndStoredCents: number | null;
  retainageOnCompletedWorkCents: number | null;
  retainageOnStoredMaterialsCents: number | null;
  totalRetainageCents: number | null;
  totalEarnedLessRetainageCents: number | null;
  lessPreviousCertificatesCents: number | null;
  currentPaymentDueCents: number | null;
  balanceToFinishInclRetainageCents: number | null;
  overbilledLineCount: number | null;
};

export type InvoiceLineTable = {
  /** The general contractor's company this row belongs to (decision 025). */
  tenantId: string;
  id: Generated<string>;
  invoiceId: string;
  source: string;
  sovLineId: string | null;
  /** A Subcontractor SOV detail line (then `sovLineId` is the SOV line it rolls up to). */
  ssovLineId: Generated<string | null>;
  changeOrderLineId: string | null;
  claimedWorkCents: number | null;
  claimedPercentBp: number | null;
  claimedMaterialsNewCents: Generated<number>;
  claimedMaterialsInstalledCents: Generated<number>;
  claimedRetainageReleasedCents: Generated<number>;
  certifiedWorkCents: number | null;
  certifiedPercentBp: number | null;
  certifiedMaterialsNewCents: Generated<number>;
  certifiedMaterialsInstalledCents: Generated<number>;
  certifiedRetainageReleasedCents: Generated<number>;
  isCertifiedAdjusted: Generated<boolean>;
  differenceReason: string | null;
  workRetainageBp: number;
  materialsRetainageBp: number;
  isRateOverridden: Generated<boolean>;
  reviewStatus: string | null;
  reviewReason: string | null;
  workRetainageOverrideCents: number | null;
  workRetainageOverrideReason: string | null;
};

export type InvoiceAttachmentTable = {
  /** The general contractor's company this row belongs to (decision 025). */
  tenantId: string;
  id: Generated<string>;
  invoiceId: string;
  filename: string;
  contentType: string;
  sizeBytes: number;
  content: Buffer;
  uploadedBy: string;
  createdAt: CreatedAt;
  deletedAt: Date | null;
};

export type CommitmentRetainageRulesTable = {
  /** The general contractor's company this row belongs to (decision 025). */
  tenantId: string;
  commitmentId: string;
  rules: Json;
  afterRateBp: number;
  version: Generated<number>;
  updatedBy: string | null;
  updatedAt: Date;
};

export type PaymentTable = {
  /** The general contractor's company this row belongs to (decision 025). */
  tenantId: string;
  id: Generated<string>;
  projectId: string;
  commitmentId: string;
  invoiceId: string;
  paymentNumber: Generated<string>;
  amountCents: number;
  paidOn: string;
  method: string;
  reference: Generated<string>;
  notes: Generated<string>;
  recordedBy: string;
  recordedAt: Date;
  voidedAt: Date | null;
  voidedBy: string | null;
  voidReason: string | null;
};

export type PaymentAttachmentTable = {
  /** The general contractor's company this row belongs to (decision 025). */
  tenantId: string;
  id: Generated<string>;
  paymentId: string;
  filename: string;
  contentType: string;
  sizeBytes: number;
  content: Buffer;
  uploadedBy: string;
  createdAt: CreatedAt;
};

export type SsovTable = {
  /** The general contractor's company this row belongs to (decision 025). */
  tenantId: string;
  commitmentId: string;
  status: Generated<string>;
  version: Generated<number>;
  submittedAt: Date | null;
  submittedBy: string | null;
  approvedAt: Date | null;
  approvedBy: string | null;
  sentBackAt: Date | null;
  sentBackBy: string | null;
  sentBackReason: string | null;
  requestedAt: Date | null;
  requestedBy: string | null;
  createdAt: CreatedAt;
  updatedAt: UpdatedAt;
};

export type SsovLineTable = {
  /** The general contractor's company this row belongs to (decision 025). */
  tenantId: string;
  id: Generated<string>;
  commitmentId: string;
  sovLineId: string;
  position: number;
  description: string;
  costCode: Generated<string>;
  amountCents: number;
  createdAt: CreatedAt;
  updatedAt: UpdatedAt;
};

export type IdempotencyKeyTable = {
  userId: string;
  key: string;
  method: string;
  path: string;
  requestHash: string;
  status: string;
  responseStatus: number | null;
  responseBody: string | null;
  createdAt: Date;
};

export type EmailMessageTable = {
  id: Generated<number>;
  kind: string;
  projectId: string | null;
  toUserId: string | null;
  toAddress: string;
  payload: Json;
  status: Generated<string>;
  skipReason: string | null;
  dedupeKey: string | null;
  messageId: string;
  attempts: Generated<number>;
  nextAttemptAt: Date;
  leaseUntil: Date | null;
  claimToken: string | null;
  lastError: string | null;
  transport: string | null;
  subject: string | null;
  html: string | null;
  text: string | null;
  createdAt: Date;
  sentAt: Date | null;
};

export type ProjectInvoiceDistributionTable = {
  /** The general contractor's company this row belongs to (decision 025). */
  tenantId: string;
  projectId: string;
  userId: string;
  createdAt: CreatedAt;
};

export type ActionTokenTable = {
  id: Generated<string>;
  purpose: string;
  inviteId: string;
  userId: string;
  response: string;
  expiresAt: Date;
  usedAt: Date | null;
  createdAt: Date;
};

/** One row per submission of an invoice (revision 0 is the first), with what was claimed on each line. */
export type InvoiceSubmissionTable = {
  /** The general contractor's company this row belongs to (decision 025). */
  tenantId: string;
  id: Generated<string>;
  invoiceId: string;
  revision: number;
  submittedAt: Date;
  submittedBy: string | null;
  /** False only for submissions from before they were recorded, whose lines are not known. */
  linesRecorded: Generated<boolean>;
};

export type InvoiceSubmissionLineTable = {
  /** The general contractor's company this row belongs to (decision 025). */
  tenantId: string;
  submissionId: string;
  invoiceLineId: string;
  claimedWorkCents: number | null;
  claimedPercentBp: number | null;
  claimedMaterialsNewCents: number;
  claimedMaterialsInstalledCents: number;
  claimedRetainageReleasedCents: number;
};

export type AppSecretTable = {
  name: string;
  value: string;
  createdAt: CreatedAt;
};

export type UserPreferenceTable = {
  userId: string;
  key: string;
  value: Json;
  updatedAt: Date;
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
  passwordResetRequests: PasswordResetRequestTable;
  companySettings: CompanySettingsTable;
  projectSettings: ProjectSettingsTable;
  billingPeriods: BillingPeriodTable;
  billingInvites: BillingInviteTable;
  invoices: InvoiceTable;
  invoiceLines: InvoiceLineTable;
  invoiceSummaries: InvoiceSummaryTable;
  invoiceAttachments: InvoiceAttachmentTable;
  payments: PaymentTable;
  commitmentRetainageRules: CommitmentRetainageRulesTable;
  paymentAttachments: PaymentAttachmentTable;
  ssovs: SsovTable;
  ssovLines: SsovLineTable;
  idempotencyKeys: IdempotencyKeyTable;
  emailMessages: EmailMessageTable;
  projectInvoiceDistribution: ProjectInvoiceDistributionTable;
  actionTokens: ActionTokenTable;
  appSecrets: AppSecretTable;
  userPreferences: UserPreferenceTable;
  invoiceSubmissions: InvoiceSubmissionTable;
  invoiceSubmissionLines: InvoiceSubmissionLineTable;
};

export type CompanyRow = Selectable<CompanyTable>;
export type UserRow = Selectable<UserTable>;
export type ProjectRow = Selectable<ProjectTable>;
export type CommitmentRow = Selectable<CommitmentTable>;
export type SovLineRow = Selectable<SovLineTable>;
export type ChangeOrderRow = Selectable<ChangeOrderTable>;
export type ChangeOrderLineRow = Selectable<ChangeOrderLineTable>;
export type BillingPeriodRow = Selectable<BillingPeriodTable>;
export type InvoiceRow = Selectable<InvoiceTable>;
export type InvoiceLineRow = Selectable<InvoiceLineTable>;
export type ProjectSettingsRow = Selectable<ProjectSettingsTable>;
export type SsovRow = Selectable<SsovTable>;
export type SsovLineRow = Selectable<SsovLineTable>;
