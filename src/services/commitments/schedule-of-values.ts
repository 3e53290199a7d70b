/**
 * Editing a commitment's schedule of values. Whole-SOV saves carry the commitment's version so two
 * administrators editing at once cannot overwrite each other.
 */
import { assertSovLineInput, assertVersion, type SovLine, type SovLineInput } from '../../domain/commitment.ts';
import { DomainError } from '../../domain/errors.ts';
import type { Viewer } from '../../domain/permissions.ts';
import { recordAudit } from '../../db/audit.queries.ts';
import type { Db, Trx } from '../../db/database.ts';
import { isUuid } from '../../db/ids.ts';
import { addMissingInvoiceLines, deleteUnbilledInvoiceLines, findBilledSovLineIds } from '../../db/invoices.queries.ts';
import { getSovLine, listSovLines, nextSovPosition, sovLineFromRow, updateSovLines, type SovLineUpdate } from '../../db/sov.queries.ts';
import { loadCommitmentForWrite } from './load-for-write.ts';

async function bumpCommitmentVersion(trx: Trx, tenantId: string, commitmentId: string, now: Date): Promise<number> {
  const row = await trx
    .updateTable('commitments')
    .set((eb) => ({ version: eb('version', '+', 1), updatedAt: now }))
    .where('tenantId', '=', tenantId)
    .where('id', '=', commitmentId)
    .returning('version')
    .executeTakeFirstOrThrow();
  return row.version;
}

export async function createSovLine(
  db: Db,
  viewer: Viewer,
  projectId: string,
  commitmentId: string,
  input: SovLineInput & { position?: number | undefined },
  now: Date,
): Promise<SovLine> {
  assertSovLineInput(input);
  return db.transaction().execute(async (trx) => {
    const { tenantId } = (await loadCommitmentForWrite(trx, viewer, projectId, commitmentId, 'edit the schedule of values')).access;
    const row = await trx
      .insertInto('sovLines')
      .values({
        tenantId,
        commitmentId,
        position: input.position ?? (await nextSovPosition(trx, tenantId, commitmentId)),
        itemNumber: input.itemNumber ?? '',
        costCode: input.costCode ?? '',
        description: input.description.trim(),
        scheduledValueCents: input.scheduledValueCents,
        createdAt: now,
        updatedAt: now,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    const line = sovLineFromRow(row);
    await addMissingInvoiceLines(trx, tenantId, commitmentId);
    await bumpCommitmentVersion(trx, tenantId, commitmentId, now);
    await recordAudit(trx, {
      occurredAt: now,
      actorUserId: viewer.userId,
      projectId,
      entityType: 'sov_line',
      entityId: line.id,
      action: 'create',
      after: line,
    });
    return line;
  });
}

export async function updateSovLine(
  db: Db,
  viewer: Viewer,
  projectId: string,
  commitmentId: string,
  lineId: string,
  input: Partial<SovLineInput> & { position?: number | undefined },
  now: Date,
): Promise<SovLine> {
  return db.transaction().execute(async (trx) => {
    const { tenantId } = (await loadCommitmentForWrite(trx, viewer, projectId, commitmentId, 'edit the schedule of values')).access;
    const before = await getSovLine(trx, tenantId, commitmentId, lineId);
    assertSovLineInput({ ...before, ...definedOnly(input) });
    const row = await trx
      .updateTable('sovLines')
      .set({
        ...(input.itemNumber !== undefined && { itemNumber: input.itemNumber }),
        ...(input.costCode !== undefined && { costCode: input.costCode }),
        ...(input.description !== undefined && { description: input.description.trim() }),
        ...(input.scheduledValueCents !== undefined && { scheduledValueCents: input.scheduledValueCents }),
        ...(input.position !== undefined && { position: input.position }),
        updatedAt: now,
      })
      .where('tenantId', '=', tenantId)
      .where('id', '=', lineId)
      .returningAll()
      .executeTakeFirstOrThrow();
    const after = sovLineFromRow(row);
    await bumpCommitmentVersion(trx, tenantId, commitmentId, now);
    await recordAudit(trx, {
      occurredAt: now,
      actorUserId: viewer.userId,
      projectId,
      entityType: 'sov_line',
      entityId: lineId,
      action: 'update',
      before,
      after,
    });
    return after;
  });
}

export async function deleteSovLine(
  db: Db,
  viewer: Viewer,
  projectId: string,
  commitmentId: string,
  lineId: string,
  now: Date,
): Promise<void> {
  await db.transaction().execute(async (trx) => {
    const { tenantId } = (await loadCommitmentForWrite(trx, viewer, projectId, commitmentId, 'edit the schedule of values')).access;
    const before = await getSovLine(trx, tenantId, commitmentId, lineId);
    await assertSovLinesDeletable(trx, tenantId, [lineId]);
    await trx.deleteFrom('sovLines').where('tenantId', '=', tenantId).where('id', '=', lineId).execute();
    await bumpCommitmentVersion(trx, tenantId, commitmentId, now);
    await recordAudit(trx, {
      occurredAt: now,
      actorUserId: viewer.userId,
      projectId,
      entityType: 'sov_line',
      entityId: lineId,
      action: 'delete',
      before,
    });
  });
}

/**
 * SOV lines an invoice has billed cannot be deleted: approved invoices must never be rewritten.
 * Unbilled lines on draft invoices go with them.
 */
export async function assertSovLinesDeletable(trx: Trx, tenantId: string, lineIds: string[]): Promise<void> {
  const billed = await findBilledSovLineIds(trx, tenantId, lineIds);
  if (billed.length > 0) {
    throw new DomainError(
      'sov_line_billed',
      `${billed.length} of these SOV lines have been billed on an invoice and cannot be deleted. Set a line's scheduled value instead, or leave it.`,
      { field: 'lines', details: billed.map((lineId) => ({ path: 'lines', lineId, code: 'sov_line_billed', message: 'Billed on an invoice: it cannot be deleted.' })) },
    );
  }
  await deleteUnbilledInvoiceLines(trx, tenantId, lineIds);
}

export type ReplaceSovInput = {
  version: number;
  lines: (SovLineInput & { id?: string | undefined })[];
};

/** Saves the whole schedule of values at once, in the given order: the SOV editor's save. */
export async function replaceSovLines(
  db: Db,
  viewer: Viewer,
  projectId: string,
  commitmentId: string,
  input: ReplaceSovInput,
  now: Date,
): Promise<{ lines: SovLine[]; version: number }> {
  input.lines.forEach((line, index) => assertSovLineInput(line, `lines.${index}.`));
  return db.transaction().execute(async (trx) => {
    const { access, commitment } = await loadCommitmentForWrite(trx, viewer, projectId, commitmentId, 'edit the schedule of values');
    const { tenantId } = access;
    assertVersion(commitment.version, input.version, 'commitment');
    const before = await listSovLines(trx, tenantId, commitmentId);
    const existing = new Map(before.map((l) => [l.id, l]));
    const seen = new Set<string>();
    input.lines.forEach((line, index) => {
      if (line.id === undefined) return;
      if (!isUuid(line.id) || !existing.has(line.id) || seen.has(line.id)) {
        throw new DomainError('validation_failed', 'This line is not part of the schedule of values.', {
          field: `lines.${index}.id`,
        });
      }
      seen.add(line.id);
    });
    const removed = before.filter((l) => !seen.has(l.id)).map((l) => l.id);
    await assertSovLinesDeletable(trx, tenantId, removed);
    if (removed.length > 0) await trx.deleteFrom('sovLines').where('tenantId', '=', tenantId).where('id', 'in', removed).execute();
    const inserts = [];
    const updates: SovLineUpdate[] = [];
    for (const [index, line] of input.lines.entries()) {
      const values = {
        position: index + 1,
        itemNumber: line.itemNumber ?? '',
        costCode: line.costCode ?? '',
        description: line.description.trim(),
        scheduledValueCents: line.scheduledValueCents,
      };
      if (line.id) updates.push({ id: line.id, ...values });
      else inserts.push({ ...values, updatedAt: now, tenantId, commitmentId, createdAt: now });
    }
    await updateSovLines(trx, tenantId, commitmentId, updates, now);
    // One multi-row insert per 500 new lines: an SOV of hundreds of lines saves in a few statements.
    for (let i = 0; i < inserts.length; i += 500) {
      await trx.insertInto('sovLines').values(inserts.slice(i, i + 500)).execute();
    }
    if (inserts.length > 0) await addMissingInvoiceLines(trx, tenantId, commitmentId);
    const version = await bumpCommitmentVersion(trx, tenantId, commitmentId, now);
    const lines = await listSovLines(trx, tenantId, commitmentId);
    await recordAudit(trx, {
      occurredAt: now,
      actorUserId: viewer.userId,
      projectId,
      entityType: 'commitment',
      entityId: commitmentId,
      action: 'replace_sov',
      before,
      after: lines,
    });
    return { lines, version };
  });
}

function definedOnly<T extends object>(input: T): Partial<T> {
  return Object.fromEntries(Object.entries(input).filter(([, v]) => v !== undefined)) as Partial<T>;
}
