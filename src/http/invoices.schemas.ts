import { z } from '@hono/zod-openapi';
import { SlidingScaleSchema } from './retainage-rules.schemas.ts';
import { INVOICE_ACTIONS, INVOICE_STATUSES } from '../domain/invoice-status.ts';
import { INVOICE_TYPES } from '../domain/invite-to-bill.ts';
import { CHECKLIST_ITEM_CODES } from '../domain/submission-checklist.ts';
import { BasisPoints, Cents, csv, Day, Id, LineAmount, strictObject, strictQuery, Version } from './common.schemas.ts';

const day = Day;

export const G702Schema = z
  .object({
    originalContractSumCents: Cents.openapi({ description: '1. Original contract sum' }),
    netChangeByChangeOrdersCents: Cents.openapi({ description: '2. Net change by change orders' }),
    contractSumToDateCents: Cents.openapi({ description: '3. Contract sum to date (1 + 2)' }),
    totalCompletedAndStoredCents: Cents.openapi({ description: '4. Total completed and stored to date (Σ G)' }),
    retainageOnCompletedWorkCents: Cents.openapi({ description: '5a. Retainage on completed work' }),
    retainageOnStoredMaterialsCents: Cents.openapi({ description: '5b. Retainage on stored materials' }),
    totalRetainageCents: Cents.openapi({ description: '5. Total retainage (5a + 5b)' }),
    totalEarnedLessRetainageCents: Cents.openapi({ description: '6. Total earned less retainage (4 − 5)' }),
    lessPreviousCertificatesCents: Cents.openapi({ description: '7. Less previous certificates for payment' }),
    currentPaymentDueCents: Cents.openapi({ description: '8. Current payment due (6 − 7)' }),
    balanceToFinishInclRetainageCents: Cents.openapi({ description: '9. Balance to finish, including retainage (3 − 6)' }),
  })
  .openapi('G702');

const entryFields = {
  workCompletedThisPeriodCents: Cents.openapi({ description: 'E: work completed this period (includes stored materials installed this period).' }),
  percentCompleteToDateBp: BasisPoints.nullable().openapi({ description: 'When entered as a percent complete to date (basis points of C).' }),
  materialsStoredNewCents: Cents,
  materialsInstalledCents: Cents.openapi({ description: 'Previously stored materials moved into work this period.' }),
  retainageReleasedCents: Cents,
};

export const AppliedRetainageRuleSchema = z
  .object({
    index: z.number().int().nullable().openapi({ description: '0-based index in the invoice’s rules (`retentionRules.rules`); null for the rate after the last rule and for an override.' }),
    kind: z
      .enum(['until_percent_of_original', 'until_percent_of_revised', 'until_amount', 'by_line_percent_complete', 'by_commitment_percent_complete', 'after', 'override'])
      .openapi({ description: 'The rule’s kind; `after`: the rate after the last rule (or the scale’s only rate); `override`: an administrator’s amount.' }),
    label: z.string().openapi({ description: 'Short, for a grid cell: "Rule 1", "After the last rule", "Flat rate" or "Override".', example: 'Rule 1' }),
    description: z.string().openapi({
      description: 'The rule resolved for this invoice, for a tooltip ("Rule 1: 10% until 5% of the original commitment value (750.00) is held"), or the override with its reason.',
    }),
    rateBp: BasisPoints.nullable().openapi({ description: 'The rule’s nominal rate; null for an override.' }),
    workCents: Cents.openapi({ description: 'The part of this period’s work (E) the rule applied to.' }),
    retainageCents: Cents.openapi({ description: 'Work retainage it held on that work this period (negative: given back).' }),
    capped: z.boolean().openapi({ description: 'The rule’s cap was reached on this line this period, so it held less than its rate.' }),
  })
  .openapi('AppliedRetainageRule');

export const InvoiceLineSchema = z
  .object({
    id: z.string(),
    key: z.string().openapi({ description: "'sov:<id>', 'ssov:<id>' (a Subcontractor SOV detail line) or 'co:<id>': the same on every invoice of the commitment." }),
    source: z.enum(['sov', 'change_order']),
    parent: z
      .object({ key: z.string(), itemNumber: z.string(), description: z.string() })
      .nullable()
      .openapi({ description: 'On a Subcontractor SOV detail line: the SOV line it rolls up to (see `sovGroups`).' }),
    itemNumber: z.string().openapi({ description: 'A' }),
    description: z.string().openapi({ description: 'B' }),
    costCode: z.string(),
    scheduledValueCents: Cents.openapi({ description: 'C' }),
    workCompletedPreviousCents: Cents.openapi({ description: 'D: from previous applications' }),
    ...entryFields,
    materialsStoredPreviousCents: Cents,
    materialsPresentlyStoredCents: Cents.openapi({ description: 'F' }),
    totalCompletedAndStoredCents: Cents.openapi({ description: 'G = D + E + F' }),
    percentCompleteBp: z.number().int().openapi({ description: 'G ÷ C in basis points' }),
    balanceToFinishCents: Cents.openapi({ description: 'H = C − G' }),
    workRetainageRateBp: BasisPoints.openapi({
      description:
        "The line's flat work retainage rate on this invoice (the commitment's rate when the invoice was created, or an administrator's override, see `isRateOverridden`). On a sliding-scale invoice it does not set the work retainage: read `workRetainageEffectiveRateBp` and `workRetainageRulesApplied`.",
    }),
    workRetainageEffectiveRateBp: z.number().int().nullable().openapi({
      description:
        "The work retainage rate actually applied this period, in basis points. Flat rates: `workRetainageRateBp`. Sliding scale: when one rule applied to all of this period's work without reaching its cap, that rule's nominal rate; when several rules applied, a cap was reached partway, an administrator overrode the amount or a give-back was limited to what the line held, the blended rate = `workRetainageThisPeriodCents` ÷ `workCompletedThisPeriodCents`, rounded half away from zero to the basis point (decision 002; for display, never used for money; an override can take it past 10000). Null on a sliding-scale line with no work this period (no rate applied). See decision 008.",
    }),
    materialsRetainageRateBp: BasisPoints,
    workRetainagePreviousCents: Cents.openapi({ description: 'Work retainage held before this application.' }),
    materialsRetainagePreviousCents: Cents,
    workRetainageThisPeriodCents: Cents,
    materialsRetainageThisPeriodCents: Cents,
    workRetainageHeldCents: Cents,
    materialsRetainageHeldCents: Cents,
    retainageHeldCents: Cents.openapi({ description: 'I: retainage held to date' }),
    earnedThisPeriodCents: Cents,
    netThisPeriodCents: Cents,
    claimed: z.object({
      ...entryFields,
      totalCompletedAndStoredCents: Cents,
      percentCompleteBp: z.number().int(),
      isOverbilled: z.boolean().openapi({ description: 'The claimed amounts bill this line over 100% (see the line’s `isOverbilled`).' }),
      overbilledByCents: Cents.openapi({ description: 'How far the claimed G is over the line’s scheduled value (0 when not over).' }),
    }),
    isOverbilled: z.boolean().openapi({
      description:
        'The line is billed over 100%: G (total completed and stored to date) is above C, or anything positive is billed on a deduction (C < 0). Shown whether or not the project allows overbilling (`you.allowOverbilling`): where it is allowed the line saves and keeps this flag; where it is not, the save is refused (and a line that became over later carries an `overbilled` issue). Certified amounts; see `claimed.isOverbilled` for the claim.',
    }),
    overbilledByCents: Cents.openapi({ description: 'G − max(C, 0) when the line is over 100%, else 0 (certified amounts).' }),
    isCertifiedAdjusted: z.boolean().openapi({ description: 'The administrator certified a different amount than claimed.' }),
    differenceReason: z.string().nullable(),
    isRateOverridden: z.boolean(),
    workRetainageRule: z.string().nullable().openapi({ description: 'Sliding-scale retention: the rule (or override) that set the work retainage this period.' }),
    workRetainageOverridden: z.boolean(),
    workRetainageWithheldToDateCents: Cents.openapi({ description: 'Work retainage withheld to date, not reduced by releases (what sliding-scale caps count).' }),
    workRetainageByRulesCents: Cents.nullable().openapi({ description: 'What the rules alone would hold this period (beside an override).' }),
    workRetainageRulesApplied: z.array(AppliedRetainageRuleSchema).openapi({
      description:
        'Sliding scale: the rule(s) that set the work retainage this period, in the order they applied — usually one; several when this period’s work crossed a cap or a step; one `override` entry when an administrator set the amount; empty with flat rates or no work this period. Approved before issue 10: empty (read `workRetainageRule`).',
    }),
    retainageOverride: z.object({ workRetainageThisPeriodCents: Cents, reason: z.string() }).nullable(),
    review: z.object({ status: z.enum(['approved', 'rejected']).nullable(), reason: z.string().nullable() }),
    issues: z.array(z.object({ field: z.string(), code: z.string(), message: z.string() })),
  })
  .openapi('InvoiceLine');

const ChecklistLineSchema = z.object({
  lineId: z.string(),
  itemNumber: z.string(),
  description: z.string(),
  materialsStoredNewCents: Cents.openapi({ description: 'New materials stored claimed on this line this period.' }),
});

export const SubmissionChecklistSchema = z
  .object({
    items: z
      .array(
        z.object({
          code: z.enum(CHECKLIST_ITEM_CODES).openapi({
            description: '`attachments_requested`: the Invite to Bill asked for attachments. `stored_materials_backup`: the claim bills newly stored materials. Each is met by at least one attachment.',
          }),
          label: z.string().openapi({ description: 'A heading for the submit dialog.', example: 'Backup for stored materials' }),
          detail: z.string().openapi({ description: 'What it is about: the invite’s note, or the amount and lines of stored materials.' }),
          isMet: z.boolean(),
          lineIds: z.array(z.string()).openapi({ description: 'The lines concerned (stored materials); empty otherwise.' }),
          missingMessage: z.string().nullable().openapi({ description: 'Why it is not met, in a sentence; null when met.' }),
        }),
      )
      .openapi({ description: 'Only the items that apply to this invoice; empty when nothing is asked.' }),
    missing: z.array(z.enum(CHECKLIST_ITEM_CODES)).openapi({
      description: 'Codes of the items not met. Not empty: submitting needs `acknowledgeMissing: true` (the dialog’s “submit anyway”), else `submission_incomplete`.',
    }),
    attachmentCount: z.number().int().openapi({ description: 'Files attached to the invoice now.' }),
    attachmentsRequested: z.boolean().openapi({ description: 'The Invite to Bill of this invoice’s commitment and period asked for attachments.' }),
    attachmentsNote: z.string().nullable().openapi({ description: 'What the invite asked to attach, in the administrator’s words.' }),
    storedMaterialsLines: z.array(ChecklistLineSchema).openapi({ description: 'Lines whose claim bills newly stored materials this period.' }),
    storedMaterialsCents: Cents.openapi({ description: 'Σ newly stored materials claimed this period.' }),
  })
  .openapi('SubmissionChecklist', { description: 'What the invoice should carry before it is submitted, and what it lacks (claimed amounts).' });

export const InvoiceHeaderSchema = z
  .object({
    id: z.string(),
    projectId: z.string(),
    commitmentId: z.string(),
    billingPeriodId: z.string(),
    sequence: z.number().int(),
    number: z.string().nullable(),
    label: z.string(),
    invoiceType: z.enum(INVOICE_TYPES),
    status: z.enum(INVOICE_STATUSES),
    statusLabel: z.string(),
    billingDate: day,
    periodStart: day,
    periodEnd: day,
    comments: z.string(),
    createdByRole: z.enum(['contact', 'admin']),
    submittedAt: z.string().nullable(),
    approvedAt: z.string().nullable(),
    version: z.number().int(),
  })
  .openapi('InvoiceHeader');

export const InvoiceSchema = z
  .object({
    view: z.literal('full').openapi({ description: 'The whole invoice (GET, or a write sent with `?view=full`).' }),
    invoice: InvoiceHeaderSchema,
    commitment: z.object({ id: z.string(), number: z.string(), title: z.string(), contractCompanyName: z.string().nullable() }),
    period: z.object({ id: z.string(), startsOn: day, endsOn: day, dueOn: day, status: z.enum(['open', 'closed']) }),
    lines: z.array(InvoiceLineSchema),
    retentionRules: SlidingScaleSchema.nullable().openapi({
      description:
        "The sliding-scale rules in force on this invoice (for live recomputation): the commitment's rules when the invoice was created, or those an administrator applied since (`apply-current-retainage-rules`). Null with flat rates or once approved.",
    }),
    slidingScale: z.boolean().openapi({ description: "Work retainage on this invoice follows sliding-scale rules (the invoice's own, see `retentionRules`)." }),
    retentionRulesMatchCommitment: z.boolean().nullable().openapi({
      description:
        "Whether this invoice's retainage rules are the commitment's current ones (flat on both counts as the same). False after the commitment's rules changed: the invoice keeps its own until an administrator applies the current ones. Null once approved.",
    }),
    sovGroups: z
      .array(
        z.object({
          key: z.string().openapi({ description: "The SOV line: 'sov:<id>'." }),
          itemNumber: z.string(),
          description: z.string(),
          lineKeys: z.array(z.string()),
          scheduledValueCents: Cents,
          workCompletedPreviousCents: Cents,
          workCompletedThisPeriodCents: Cents,
          materialsPresentlyStoredCents: Cents,
          totalCompletedAndStoredCents: Cents,
          balanceToFinishCents: Cents,
          retainageHeldCents: Cents,
        }),
      )
      .openapi({ description: 'The SOV part of the G703 grouped by SOV line, with subtotals (certified amounts): with a Subcontractor SOV each group holds its detail lines.' }),
    summary: G702Schema,
    claimedSummary: G702Schema,
    overbilledLineCount: z.number().int().openapi({
      description: 'How many lines are billed over 100% (certified amounts: what would be paid). For the submit dialog ("N lines over 100%") and the reviewer’s banner; the flagged lines have `isOverbilled`.',
    }),
    claimedOverbilledLineCount: z.number().int().openapi({
      description: 'How many lines the claim bills over 100% (equal to `overbilledLineCount` until an administrator certifies different amounts).',
    }),
    attachments: z.array(z.object({ id: z.string(), filename: z.string(), contentType: z.string(), sizeBytes: z.number().int(), createdAt: z.string() })),
    submissionChecklist: SubmissionChecklistSchema,
    you: z.object({
      role: z.enum(['contact', 'admin']),
      canEditClaim: z.boolean(),
      canCertify: z.boolean(),
      canEditDetails: z.boolean(),
      canOverrideRates: z.boolean(),
      canReview: z.boolean(),
      canReleaseRetainage: z.boolean(),
      allowOverbilling: z.boolean().openapi({
        description:
          "The project's rule (company lock included), the same for contacts and administrators: true, a line may be billed over 100% (it saves and keeps `isOverbilled`); false, a save that takes a line over 100% is refused (`rule_violation`).",
      }),
      canApplyCurrentRetainageRules: z.boolean().openapi({
        description: "You are an invoice administrator, the invoice is not approved and its retainage rules differ from the commitment's current ones: `POST …/apply-current-retainage-rules` would change them.",
      }),
      allowedActions: z.array(z.enum(INVOICE_ACTIONS)),
    }),
    unapprovedEarlierInvoices: z.array(z.string()),
  })
  .openapi('Invoice');

/**
 * What a write on an invoice answers unless asked for the whole (docs/decisions/022): the header
 * (new version, status), the G702 and only the lines the write changed — small whatever the
 * number of lines, and what the idempotency store keeps.
 */
export const InvoiceChangesSchema = z
  .object({
    view: z.literal('changes').openapi({ description: 'Only what the write changed; send `?view=full` for the whole invoice.' }),
    invoice: InvoiceHeaderSchema,
    lines: z.array(InvoiceLineSchema).openapi({
      description:
        'The lines this write changed, as GET shows them: the lines saved or reviewed (under sliding-scale rules also every other line whose retainage moved); all lines when retainage rules are applied; none on create (all zero: read them with GET) and on a status change other than a resubmission (the lines whose rejection it cleared). Merge them by `id` into the lines you hold.',
    }),
    summary: G702Schema,
    claimedSummary: G702Schema,
    overbilledLineCount: z.number().int(),
    claimedOverbilledLineCount: z.number().int(),
    unapprovedEarlierInvoices: z.array(z.string()),
  })
  .openapi('InvoiceChanges');

export const InvoiceWriteQuery = strictQuery({
  view: z.enum(['changes', 'full']).optional().openapi({
    description: 'What the write answers: `changes` (the default: header, G702 and the changed lines) or `full` (the whole invoice, as GET answers).',
  }),
});

export const CreateInvoiceBody = strictObject({
  billingPeriodId: Id.optional().openapi({ description: 'Defaults to the open billing period.' }),
  number: z.string().max(50).optional().openapi({ description: "The contact's own invoice number (administrators' invoices are numbered in sequence)." }),
  billingDate: day.optional(),
  periodStart: day.optional(),
  periodEnd: day.optional(),
  comments: z.string().max(5000).optional(),
}).openapi('CreateInvoice');

export const UpdateInvoiceBody = strictObject({
  version: Version,
  number: z.string().max(50).nullable().optional(),
  billingDate: day.optional(),
  periodStart: day.optional(),
  periodEnd: day.optional(),
  comments: z.string().max(5000).optional(),
}).openapi('UpdateInvoice');

export const SaveLinesBody = strictObject({
  version: Version,
  mode: z.enum(['claim', 'certify']).default('claim').openapi({
    description: 'claim: the amounts applied for (contacts; admins on their behalf). certify: an administrator certifies different amounts, with a reason.',
  }),
  lines: z
    .array(
      strictObject({
        lineId: Id,
        workCompletedThisPeriodCents: LineAmount.optional(),
        percentCompleteToDateBp: z.number().int().min(0).max(1_000_000).optional(),
        materialsStoredNewCents: LineAmount.optional(),
        materialsInstalledCents: LineAmount.optional(),
        retainageReleasedCents: LineAmount.optional(),
        differenceReason: z.string().max(2000).optional(),
        workRetainageBp: BasisPoints.optional(),
        materialsRetainageBp: BasisPoints.optional(),
        retainageOverride: strictObject({ workRetainageThisPeriodCents: LineAmount, reason: z.string().max(2000) })
          .nullable()
          .optional()
          .openapi({ description: 'Administrators, on a sliding-scale commitment: the work retainage this period for this line instead of the rules (null clears it).' }),
      }),
    )
    .max(5000),
}).openapi('SaveInvoiceLines');

export const ReviewBody = strictObject({
  version: Version,
  lines: z.array(strictObject({ lineId: Id, decision: z.enum(['approved', 'rejected']).nullable(), reason: z.string().max(2000).optional() })).max(5000),
  note: z.string().max(2000).optional(),
}).openapi('ReviewInvoice');

const AcknowledgeMissing = z.boolean().optional().openapi({
  description:
    'Submit: go on although `submissionChecklist.missing` is not empty (attachments the invite asked for, backup for stored materials). Without it such a submission is refused with `submission_incomplete`, naming each missing item in `error.details`; with it the acknowledged items are recorded in the invoice’s history. Ignored by other actions.',
});

export const TransitionBody = strictObject({
  action: z.enum(INVOICE_ACTIONS),
  version: Version,
  note: z.string().max(2000).optional(),
  acknowledgeMissing: AcknowledgeMissing,
}).openapi('InvoiceTransition');

export const ApplyRetainageRulesBody = strictObject({
  version: Version.optional().openapi({ description: 'The invoice version you read; or send If-Match with its ETag instead.' }),
}).openapi('ApplyRetainageRules');

export const BulkTransitionBody = strictObject({
  invoiceIds: z.array(Id).min(1).max(500),
  action: z.enum(INVOICE_ACTIONS),
  note: z.string().max(2000).optional().openapi({ description: 'Sent with each invoice sent back.' }),
  acknowledgeMissing: AcknowledgeMissing,
}).openapi('BulkInvoiceTransition');

export const InvoiceListQuery = strictQuery({
  commitmentId: Id.optional(),
  billingPeriodId: Id.optional(),
  status: csv(z.enum(INVOICE_STATUSES)).optional(),
});

export const InvoiceListItemSchema = InvoiceHeaderSchema.extend({
  commitmentNumber: z.string(),
  currentPaymentDueCents: Cents,
  totalCompletedAndStoredCents: Cents,
  overbilledLineCount: z.number().int().openapi({ description: 'Lines billed over 100% (certified amounts), whether or not the project allows it.' }),
}).openapi('InvoiceListItem');
