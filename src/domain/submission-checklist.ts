/**
 * The submission checklist (issue 10, item 12): what an invoice should carry before it is
 * submitted, and what it lacks. Two things are checked today:
 * - `attachments_requested`: the Invite to Bill of the invoice's period asked for attachments;
 * - `stored_materials_backup`: the claim bills newly stored materials, which reviewers expect to
 *   see backed by a document (delivery tickets, supplier invoices, proof of insurance).
 * Each is met by at least one attachment on the invoice (attachments are not typed, so one file
 * may answer both). Missing items do not block submission by themselves: the contact may attach
 * what is missing or go on knowingly, which the submit request says with `acknowledgeMissing`
 * (refused with `submission_incomplete` otherwise, so API users cannot skip it unawares).
 */
import { DomainError } from './errors.ts';
import { formatAmount, sumCents } from './money.ts';

export const CHECKLIST_ITEM_CODES = ['attachments_requested', 'stored_materials_backup'] as const;
export type ChecklistItemCode = (typeof CHECKLIST_ITEM_CODES)[number];

export type ChecklistLine = { lineId: string; itemNumber: string; description: string; materialsStoredNewCents: number };

export type SubmissionChecklistInput = {
  /** The invite for the invoice's commitment and period, if there was one. */
  invite: { requestAttachments: boolean; attachmentsNote: string | null } | null;
  attachmentCount: number;
  /** The invoice's lines with the newly stored materials claimed this period. */
  lines: readonly ChecklistLine[];
};

export type ChecklistItem = {
  code: ChecklistItemCode;
  /** A heading for the dialog: "Attachments asked for by the invite". */
  label: string;
  /** What it is about, in a sentence (the invite's note; the lines billing stored materials). */
  detail: string;
  isMet: boolean;
  /** The lines concerned (stored materials), else empty. */
  lineIds: string[];
  /** Why it is not met, in a sentence; null when met. */
  missingMessage: string | null;
};

export type SubmissionChecklist = {
  /** Only the items that apply to this invoice; empty when nothing is asked. */
  items: ChecklistItem[];
  /** The codes of the items not met: what submitting would have to acknowledge. */
  missing: ChecklistItemCode[];
  attachmentCount: number;
  attachmentsRequested: boolean;
  attachmentsNote: string | null;
  storedMaterialsLines: ChecklistLine[];
  /** Σ newly stored materials claimed this period. */
  storedMaterialsCents: number;
};

function lineName(l: ChecklistLine): string {
  return l.itemNumber ? `line ${l.itemNumber} (${l.description})` : `"${l.description}"`;
}

/** What the invoice should carry and what it lacks. Pure. */
export function submissionChecklist(input: SubmissionChecklistInput): SubmissionChecklist {
  const hasAttachment = input.attachmentCount > 0;
  const items: ChecklistItem[] = [];
  const requested = input.invite?.requestAttachments ?? false;
  const note = requested ? (input.invite?.attachmentsNote?.trim() || null) : null;
  if (requested) {
    items.push({
      code: 'attachments_requested',
      label: 'Attachments asked for by the invite',
      detail: note ?? 'The Invite to Bill asks for supporting documents with this invoice.',
      isMet: hasAttachment,
      lineIds: [],
      missingMessage: hasAttachment ? null : `The Invite to Bill asks for attachments${note ? ` (${note})` : ''}, and none is attached.`,
    });
  }
  const stored = input.lines.filter((l) => l.materialsStoredNewCents > 0);
  const storedCents = sumCents(stored.map((l) => l.materialsStoredNewCents));
  if (stored.length > 0) {
    items.push({
      code: 'stored_materials_backup',
      label: 'Backup for stored materials',
      detail: `${formatAmount(storedCents)} of materials stored this period on ${stored.map(lineName).join(', ')}.`,
      isMet: hasAttachment,
      lineIds: stored.map((l) => l.lineId),
      missingMessage: hasAttachment
        ? null
        : `Materials stored this period (${formatAmount(storedCents)}) are billed without an attachment to back them (delivery tickets, supplier invoices, insurance).`,
    });
  }
  return {
    items,
    missing: items.filter((i) => !i.isMet).map((i) => i.code),
    attachmentCount: input.attachmentCount,
    attachmentsRequested: requested,
    attachmentsNote: note,
    storedMaterialsLines: stored,
    storedMaterialsCents: storedCents,
  };
}

/**
 * Submitting with items missing needs the submitter to say so (`acknowledgeMissing`); without it
 * the submission is refused, naming each missing item. Returns the codes acknowledged (for the audit).
 */
export function acknowledgeChecklist(checklist: SubmissionChecklist, acknowledgeMissing: boolean): ChecklistItemCode[] {
  const missing = checklist.items.filter((i) => !i.isMet);
  if (missing.length === 0) return [];
  if (!acknowledgeMissing) {
    throw new DomainError(
      'submission_incomplete',
      `${missing.map((i) => i.missingMessage).join(' ')} Attach what is missing, or confirm that you submit without it.`,
      { field: 'acknowledgeMissing', details: missing.map((i) => ({ path: 'acknowledgeMissing', code: i.code, message: i.missingMessage ?? i.label })) },
    );
  }
  return missing.map((i) => i.code);
}
