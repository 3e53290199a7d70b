/**
 * `payapp import-sov --project P --commitment C --file F --as EMAIL [--dry-run] [--<field>-column H]`:
 * the API's SOV import from the command line (issue 13, decision 029). It acts as the person named
 * by --as, with their rights, so the audit log says who imported; the commitment is replaced at
 * its current version. Returns the exit code.
 */
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { DomainError, type ErrorDetail } from '../domain/errors.ts';
import { formatAmount, sumCents } from '../domain/money.ts';
import type { SovColumnMapping } from '../domain/sov-import.ts';
import type { Db } from '../db/database.ts';
import { getVisibleCommitment } from '../db/commitments.queries.ts';
import { findUserByEmail } from '../db/directory.queries.ts';
import { getProjectAccess } from '../db/projects.queries.ts';
import { importSov } from '../services/commitments/import-sov.ts';
import type { Output } from './data-commands.ts';

export type ImportSovOptions = {
  project?: string | undefined;
  commitment?: string | undefined;
  file?: string | undefined;
  as?: string | undefined;
  dryRun: boolean;
  mapping: SovColumnMapping;
};

export const IMPORT_SOV_USAGE =
  'usage: payapp import-sov --project <project id> --commitment <commitment id> --file <sov.csv|sov.xlsx> --as <email> [--dry-run]\n' +
  '       [--item-column H] [--description-column H] [--cost-code-column H] [--amount-column H]';

export async function importSovCommand(db: Db, options: ImportSovOptions, io: Output, now = new Date()): Promise<number> {
  const { project, commitment, file, as } = options;
  if (!project || !commitment || !file || !as) {
    io.err(IMPORT_SOV_USAGE);
    return 1;
  }
  const user = await findUserByEmail(db, as);
  if (!user || !user.isActive) {
    io.err(`No active account uses ${as}.`);
    return 1;
  }
  const viewer = { userId: user.id, companyId: user.companyId, isCompanyAdmin: user.isCompanyAdmin };
  let content: Buffer;
  try {
    content = readFileSync(file);
  } catch (error) {
    io.err(`Cannot read ${file}: ${error instanceof Error ? error.message : String(error)}`);
    return 1;
  }
  try {
    const access = await getProjectAccess(db, viewer, project);
    const { commitment: current } = await getVisibleCommitment(db, access, commitment);
    const started = Date.now();
    const result = await importSov(
      db,
      viewer,
      project,
      commitment,
      { file: { filename: basename(file), contentType: 'application/octet-stream', content }, mapping: options.mapping, dryRun: options.dryRun, version: current.version },
      now,
    );
    const total = formatAmount(sumCents(result.lines.map((l) => l.scheduledValueCents)));
    const columns = Object.entries(result.mapping)
      .map(([field, header]) => `${field} ← "${header}"`)
      .join(', ');
    io.out(`Columns: ${columns}`);
    if (result.dryRun) io.out(`Dry run: ${result.lines.length} lines, total ${total}, all valid. Nothing was written.`);
    else io.out(`Imported ${result.lines.length} lines (total ${total}) into commitment ${commitment} in ${Date.now() - started} ms; its version is now ${result.version}.`);
    return 0;
  } catch (error) {
    if (!(error instanceof DomainError)) throw error;
    io.err(error.message);
    if (Array.isArray(error.details)) {
      for (const d of error.details as ErrorDetail[]) {
        io.err(d.row !== undefined ? `  row ${d.row}${d.column ? `, ${d.column}` : ''}: ${d.message}` : `  ${d.path}: ${d.message}`);
      }
    }
    return 1;
  }
}
