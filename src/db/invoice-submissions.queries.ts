/** Each submission of an invoice, with what the contact claimed on each line at that moment. */
import { sql } from 'kysely';
import type { LineEntry } from '../domain/pay-application.ts';
import type { DbOrTrx, Trx } from './database.ts';

export type RecordedSubmission = {
  revision: number;
  submittedAt: Date;
  /** Per invoice line id: what was claimed; null when the submission predates line records. */
  claimed: Map<string, LineEntry> | null;
};

/** The invoice's latest submission, or undefined when it was never submitted. */
export async function findLatestSubmission(db: DbOrTrx, tenantId: string, invoiceId: string): Promise<RecordedSubmission | undefined> {
  const submission = await db
    .selectFrom('invoiceSubmissions')
    .select(['id', 'revision', 'submittedAt', 'linesRecorded'])
    .where('tenantId', '=', tenantId)
    .where('invoiceId', '=', invoiceId)
    .orderBy('revision', 'desc')
    .limit(1)
    .executeTakeFirst();
  if (!submission) return undefined;
  if (!submission.linesRecorded) return { revision: submission.revision, submittedAt: submission.submittedAt, claimed: null };
  const lines = await db.selectFrom('invoiceSubmissionLines').selectAll().where('tenantId', '=', tenantId).where('submissionId', '=', submission.id).execute();
  return {
    revision: submission.revision,
    submittedAt: submission.submittedAt,
    claimed: new Map(
      lines.map((l) => [
        l.invoiceLineId,
        {
          workCompletedThisPeriodCents: l.claimedWorkCents === null ? null : Number(l.claimedWorkCents),
          percentCompleteToDateBp: l.claimedWorkCents === null ? l.claimedPercentBp : null,
          materialsStoredNewCents: Number(l.claimedMaterialsNewCents),
          materialsInstalledCents: Number(l.claimedMaterialsInstalledCents),
          retainageReleasedCents: Number(l.claimedRetainageReleasedCents),
        },
      ]),
    ),
  };
}

/**
 * Recording a submission as writes to send with others (`executeWritesTogether`): the submission
 * under an id chosen here, and a copy of every line's claimed amounts as they are before the
 * statement runs.
 */
export function submissionWrites(trx: Trx, input: { tenantId: string; id: string; invoiceId: string; revision: number; submittedAt: Date; submittedBy: string }) {
  return [
    trx
      .insertInto('invoiceSubmissions')
      .values({ tenantId: input.tenantId, id: input.id, invoiceId: input.invoiceId, revision: input.revision, submittedAt: input.submittedAt, submittedBy: input.submittedBy }),
    sql`
    insert into invoice_submission_lines (tenant_id, submission_id, invoice_line_id, claimed_work_cents, claimed_percent_bp,
                                          claimed_materials_new_cents, claimed_materials_installed_cents, claimed_retainage_released_cents)
    select l.tenant_id, ${input.id}::uuid, l.id, l.claimed_work_cents, l.claimed_percent_bp, l.claimed_materials_new_cents, l.claimed_materials_installed_cents, l.claimed_retainage_released_cents
      from invoice_lines l
     where l.tenant_id = ${input.tenantId} and l.invoice_id = ${input.invoiceId}`,
  ] as const;
}

