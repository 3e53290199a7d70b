import { z } from '@hono/zod-openapi';
import { ACCOUNTING_METHODS, COMMITMENT_KINDS, COMMITMENT_STATUSES } from '../domain/commitment.ts';
import { CHANGE_ORDER_STATUSES } from '../domain/change-order.ts';
import { COMMITMENT_SORTS } from '../db/commitments.queries.ts';
import { BasisPoints, Cents, csv, Id, LineAmount, PageQuery, pageOf, Position, SearchText, strictObject, Version } from './common.schemas.ts';

export const CommitmentSchema = z
  .object({
    id: z.string(),
    projectId: z.string(),
    kind: z.enum(COMMITMENT_KINDS),
    number: z.string(),
    title: z.string(),
    description: z.string(),
    status: z.enum(COMMITMENT_STATUSES),
    contractCompanyId: z.string().nullable(),
    isPrivate: z.boolean(),
    privateSovVisible: z.boolean().openapi({ description: 'Allow the non-admins on the private list to see the SOV items.' }),
    accountingMethod: z.enum(ACCOUNTING_METHODS),
    retainageWorkBp: BasisPoints,
    retainageMaterialsBp: BasisPoints,
    ssovEnabled: z.boolean(),
    version: z.number().int(),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .openapi('Commitment');

export const CommitmentSummarySchema = CommitmentSchema.extend({
  contractCompanyName: z.string().nullable(),
  invoiceContactCount: z.number().int(),
  originalContractSumCents: Cents.nullable().openapi({ description: 'Null when you may not see the SOV items.' }),
  approvedChangeOrdersCents: Cents.nullable(),
  revisedContractSumCents: Cents.nullable(),
}).openapi('CommitmentSummary');

export const CommitmentPage = pageOf(CommitmentSummarySchema, 'CommitmentPage');

export const PersonSchema = z
  .object({
    userId: z.string(),
    name: z.string(),
    email: z.string(),
    companyId: z.string(),
    companyName: z.string(),
    isActive: z.boolean(),
  })
  .openapi('CommitmentPerson');

export const PrivateListEntrySchema = PersonSchema.extend({
  isExplicit: z.boolean().openapi({ description: 'Added to the private list by hand.' }),
  isInvoiceContact: z.boolean().openapi({ description: 'On the list because they are an invoice contact.' }),
}).openapi('PrivateListEntry');

export const CommitmentDetailSchema = z
  .object({
    commitment: CommitmentSchema,
    contractCompany: z.object({ id: z.string(), name: z.string() }).nullable(),
    invoiceContacts: z.array(PersonSchema),
    privateList: z.array(PrivateListEntrySchema).nullable().openapi({ description: 'Shown to invoice administrators only.' }),
    totals: z
      .object({ originalContractSumCents: Cents, approvedChangeOrdersCents: Cents, revisedContractSumCents: Cents })
      .nullable(),
    you: z.object({
      canEdit: z.boolean(),
      canSeeSovItems: z.boolean(),
      isInvoiceContact: z.boolean(),
    }),
    warnings: z.array(z.string()).optional(),
  })
  .openapi('CommitmentDetail');

export const CommitmentListQuery = PageQuery.extend({
  status: csv(z.enum(COMMITMENT_STATUSES)).optional().openapi({ description: 'Comma-separated statuses.', example: 'approved,complete' }),
  kind: z.enum(COMMITMENT_KINDS).optional(),
  contractCompanyId: Id.optional(),
  contactUserId: Id.optional().openapi({ description: 'Only commitments where this person is an invoice contact.' }),
  search: SearchText.optional().openapi({ description: 'Matches number or title.' }),
  sort: z.enum(COMMITMENT_SORTS).default('number'),
});

const commitmentFields = {
  kind: z.enum(COMMITMENT_KINDS),
  number: z.string().trim().min(1, 'Enter a commitment number.').max(50),
  title: z.string().trim().max(300),
  description: z.string().max(10000).optional(),
  status: z.enum(COMMITMENT_STATUSES).optional(),
  contractCompanyId: Id.nullable().optional(),
  isPrivate: z.boolean().optional(),
  privateSovVisible: z.boolean().optional(),
  accountingMethod: z.enum(ACCOUNTING_METHODS).optional(),
  retainageWorkBp: BasisPoints.optional(),
  retainageMaterialsBp: BasisPoints.optional(),
  ssovEnabled: z.boolean().optional(),
};

export const CreateCommitmentBody = strictObject({
  ...commitmentFields,
  invoiceContactIds: z
    .array(Id)
    .max(50)
    .optional()
    .openapi({ description: "Omit to pre-fill with the contract company's default invoice contact." }),
}).openapi('CreateCommitment');

export const UpdateCommitmentBody = strictObject({
  version: Version.optional(),
  kind: commitmentFields.kind.optional(),
  number: commitmentFields.number.optional(),
  title: commitmentFields.title.optional(),
  description: commitmentFields.description,
  status: commitmentFields.status,
  contractCompanyId: commitmentFields.contractCompanyId,
  removeMismatchedContacts: z
    .boolean()
    .optional()
    .openapi({ description: 'With a new contract company: also remove invoice contacts who do not work for it.' }),
  isPrivate: commitmentFields.isPrivate,
  privateSovVisible: commitmentFields.privateSovVisible,
  accountingMethod: commitmentFields.accountingMethod,
  retainageWorkBp: commitmentFields.retainageWorkBp,
  retainageMaterialsBp: commitmentFields.retainageMaterialsBp,
  ssovEnabled: commitmentFields.ssovEnabled,
}).openapi('UpdateCommitment');

export const UserIdBody = strictObject({ userId: Id }).openapi('UserRef');

export const EligibleContactSchema = z
  .object({
    userId: z.string(),
    name: z.string(),
    email: z.string(),
    eligible: z.boolean(),
    reason: z.string().nullable().openapi({ description: 'Why this person cannot be an invoice contact.' }),
    reasonCode: z.string().nullable(),
    isInvoiceContact: z.boolean(),
  })
  .openapi('EligibleContact');

export const SovLineSchema = z
  .object({
    id: z.string(),
    position: z.number().int(),
    itemNumber: z.string(),
    costCode: z.string(),
    description: z.string(),
    scheduledValueCents: Cents,
  })
  .openapi('SovLine');

const sovLineFields = {
  itemNumber: z.string().max(50).optional(),
  costCode: z.string().max(50).optional(),
  description: z.string().trim().min(1, 'Enter a description.').max(1000),
  scheduledValueCents: LineAmount.min(0, 'A scheduled value cannot be negative.'),
};

export const CreateSovLineBody = strictObject({ ...sovLineFields, position: Position.optional() })
  .openapi('CreateSovLine');

export const UpdateSovLineBody = strictObject({
  itemNumber: sovLineFields.itemNumber,
  costCode: sovLineFields.costCode,
  description: sovLineFields.description.optional(),
  scheduledValueCents: sovLineFields.scheduledValueCents.optional(),
  position: Position.optional(),
}).openapi('UpdateSovLine');

export const ReplaceSovBody = strictObject({
  version: Version,
  lines: z.array(strictObject({ id: Id.optional(), ...sovLineFields })).max(5000),
}).openapi('ReplaceSov');

export const SovSchema = z
  .object({ version: z.number().int(), lines: z.array(SovLineSchema), totalCents: Cents })
  .openapi('ScheduleOfValues');

export const ChangeOrderLineSchema = z
  .object({
    id: z.string(),
    position: z.number().int(),
    itemNumber: z.string(),
    costCode: z.string(),
    description: z.string(),
    amountCents: Cents,
  })
  .openapi('ChangeOrderLine');

export const ChangeOrderSchema = z
  .object({
    id: z.string(),
    commitmentId: z.string(),
    number: z.string(),
    title: z.string(),
    status: z.enum(CHANGE_ORDER_STATUSES),
    approvedAt: z.string().nullable(),
    version: z.number().int(),
    totalCents: Cents,
    lines: z.array(ChangeOrderLineSchema),
  })
  .openapi('ChangeOrder');

const changeOrderLineInput = strictObject({
  itemNumber: z.string().max(50).optional(),
  costCode: z.string().max(50).optional(),
  description: z.string().trim().min(1, 'Enter a description.').max(1000),
  amountCents: LineAmount,
});

export const CreateChangeOrderBody = strictObject({
  number: z.string().trim().min(1, 'Enter a change order number.').max(50),
  title: z.string().trim().max(300),
  status: z.enum(CHANGE_ORDER_STATUSES).optional(),
  lines: z.array(changeOrderLineInput).max(1000),
}).openapi('CreateChangeOrder');

export const UpdateChangeOrderBody = strictObject({
  version: Version.optional(),
  number: z.string().trim().min(1).max(50).optional(),
  title: z.string().trim().max(300).optional(),
  status: z.enum(CHANGE_ORDER_STATUSES).optional(),
  lines: z.array(changeOrderLineInput).max(1000).optional(),
}).openapi('UpdateChangeOrder');
