import { z } from '@hono/zod-openapi';
import { SSOV_ACTIONS, SSOV_STATUSES } from '../domain/ssov.ts';
import { Cents, Id, LineAmount, strictObject, Version } from './common.schemas.ts';

const person = z.object({ userId: z.string(), name: z.string() }).nullable();

export const SsovDetailLineSchema = z
  .object({
    id: z.string(),
    sovLineId: z.string(),
    position: z.number().int().openapi({ description: 'Order under its SOV line, from 1.' }),
    itemNumber: z.string().openapi({ description: 'The SOV item and the position, e.g. "2.3" (as on the invoice).', example: '2.3' }),
    description: z.string(),
    costCode: z.string(),
    amountCents: Cents,
    billing: z
      .object({
        invoices: z
          .array(z.object({ label: z.string(), isApproved: z.boolean(), hasAmounts: z.boolean().openapi({ description: 'Any amount entered on this line of that invoice.' }) }))
          .openapi({ description: 'The invoices this line is on (shown to administrators and invoice contacts only).' }),
        canChangeAmount: z.boolean().openapi({ description: 'False once an approved invoice billed an amount on it.' }),
        canChangeSovLine: z.boolean().openapi({ description: 'False once it is on any invoice.' }),
        canRemove: z.boolean().openapi({ description: 'False when it is on an approved invoice, or has amounts on one not yet approved.' }),
      })
      .openapi({ description: 'What billing still allows on this line; refusals are `ssov_line_billed` naming the invoice.' }),
  })
  .openapi('SsovDetailLine');

export const SsovSchema = z
  .object({
    commitmentId: z.string(),
    enabled: z.boolean().openapi({ description: 'The commitment uses a Subcontractor SOV (`ssovEnabled`). When false, nothing can be saved.' }),
    status: z.enum(SSOV_STATUSES),
    statusLabel: z.string(),
    version: z.number().int().openapi({ description: 'Send it back (body `version` or If-Match) with every write.' }),
    submittedAt: z.string().nullable(),
    submittedBy: person,
    approvedAt: z.string().nullable(),
    approvedBy: person,
    sentBackAt: z.string().nullable(),
    sentBackBy: person,
    sentBackReason: z.string().nullable(),
    requestedAt: z.string().nullable().openapi({ description: 'When an administrator last asked the contacts to fill it in.' }),
    requestedBy: person,
    isFullyAllocated: z.boolean().openapi({ description: 'Every SOV line has 0 remaining to allocate (needed to submit and approve).' }),
    isApprovedForBilling: z.boolean().openapi({ description: 'Approved and still fully allocated against the current SOV: invoices can be created.' }),
    totals: z.object({ scheduledValueCents: Cents, allocatedCents: Cents, remainingToAllocateCents: Cents }),
    sovLines: z.array(
      z.object({
        sovLineId: z.string(),
        position: z.number().int(),
        itemNumber: z.string(),
        description: z.string(),
        costCode: z.string(),
        scheduledValueCents: Cents,
        allocatedCents: Cents,
        remainingToAllocateCents: Cents.openapi({ description: 'Scheduled value − Σ detail lines; negative when over-allocated.' }),
        isFullyAllocated: z.boolean(),
        lines: z.array(SsovDetailLineSchema),
      }),
    ),
    you: z.object({
      role: z.enum(['admin', 'contact', 'viewer']).openapi({ description: 'viewer: may see it, not change it.' }),
      canEditLines: z.boolean(),
      allowedActions: z.array(z.enum(SSOV_ACTIONS)).openapi({ description: 'Status actions open to you now (before the allocation check).' }),
      canRequest: z.boolean().openapi({ description: 'Administrators, in Draft or Revise & Resubmit: ask the contacts to fill it in.' }),
      mustStayFullyAllocated: z.boolean().openapi({ description: 'Under review or approved: a save must leave every SOV line fully allocated.' }),
    }),
  })
  .openapi('SubcontractorSov');

export const SaveSsovBody = strictObject({
  version: Version.optional(),
  lines: z
    .array(
      strictObject({
        id: Id.optional().openapi({ description: 'A stored detail line to keep (and change); omit to add a line.' }),
        sovLineId: Id.openapi({ description: 'The SOV line it is part of.' }),
        description: z.string().trim().min(1, 'Enter a description.').max(1000),
        costCode: z.string().max(50).optional(),
        amountCents: LineAmount.min(0, 'An amount cannot be negative.'),
      }),
    )
    .max(5000),
}).openapi('SaveSubcontractorSov', {
  description: 'The whole breakdown: stored lines left out are removed; the order under each SOV line is the array order.',
});

export const SsovVersionBody = strictObject({ version: Version.optional() }).openapi('SsovTransition');

export const SsovSendBackBody = strictObject({
  version: Version.optional(),
  reason: z.string().trim().min(1, 'Say why it goes back.').max(2000).openapi({ description: 'Emailed to the invoice contacts.' }),
}).openapi('SsovSendBack');

export const SsovRequestBody = strictObject({ message: z.string().max(2000).optional().openapi({ description: 'Added to the email.' }) })
  .openapi('SsovRequest');

export const SsovRequestResultSchema = z
  .object({
    ssov: SsovSchema,
    emailed: z.array(z.string()).openapi({ description: 'Invoice contacts (user ids) the request goes to.' }),
    skipped: z.array(z.object({ userId: z.string(), reason: z.string() })).openapi({ description: 'Contacts who get no email, and why.' }),
  })
  .openapi('SsovRequestResult');
