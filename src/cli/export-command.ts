/**
 * `payapp export register|invoice|sov` (issue 13, docs/decisions/028): the API's spreadsheet
 * exports written to a file. The command acts as a person (`--as EMAIL`), so it shows exactly what
 * that person may export through the API — a contact gets no register, nobody sees another
 * tenant's project.
 */
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import type { AppConfig } from '../config.ts';
import { DomainError } from '../domain/errors.ts';
import type { ExportFormat } from '../domain/spreadsheet-exports.ts';
import type { Viewer } from '../domain/permissions.ts';
import { findUserByEmail } from '../db/directory.queries.ts';
import { openConfiguredDatabase } from '../db/open-configured.ts';
import { invoiceExportSheet, registerExportSheet, sovExportSheet, toSpreadsheetFile } from '../services/billing/spreadsheet-exports.ts';
import type { Output } from './data-commands.ts';

export const EXPORT_USAGE = `usage: payapp export register|invoice|sov --as EMAIL --project ID [--invoice ID | --commitment ID] [--format csv|xlsx] [--out FILE]
  register    every invoice of the project with its G702, paid and balance (invoice administrators)
  invoice     one invoice's lines, every G703 column claimed and certified (--invoice)
  sov         a commitment's schedule of values (--commitment)
  --format    xlsx (default, or from --out's extension) or csv; --out defaults to the export's own file name`;

const consoleOutput: Output = { out: (l) => console.log(l), err: (l) => console.error(l) };

export async function exportCommand(config: AppConfig, args: string[], io: Output = consoleOutput, now = new Date()): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args,
      options: {
        as: { type: 'string' },
        project: { type: 'string' },
        invoice: { type: 'string' },
        commitment: { type: 'string' },
        format: { type: 'string' },
        out: { type: 'string' },
      },
      allowPositionals: true,
    });
  } catch (e) {
    io.err(`${(e as Error).message}\n${EXPORT_USAGE}`);
    return 1;
  }
  const { values, positionals } = parsed;
  const what = positionals[0];
  const fromOut = values.out?.toLowerCase().endsWith('.csv') ? 'csv' : 'xlsx';
  const format = (values.format ?? fromOut) as ExportFormat;
  const missing =
    what !== 'register' && what !== 'invoice' && what !== 'sov'
      ? 'say what to export: register, invoice or sov'
      : positionals.length > 1
        ? 'one kind of export at a time'
        : format !== 'csv' && format !== 'xlsx'
          ? '--format is csv or xlsx'
          : !values.as
            ? '--as EMAIL: the person the export is made as'
            : !values.project
              ? '--project ID'
              : what === 'invoice' && !values.invoice
                ? '--invoice ID'
                : what === 'sov' && !values.commitment
                  ? '--commitment ID'
                  : null;
  if (missing) {
    io.err(`payapp export: ${missing}\n${EXPORT_USAGE}`);
    return 1;
  }
  const database = await openConfiguredDatabase(config);
  try {
    const db = database.db;
    const user = await findUserByEmail(db, values.as!);
    if (!user || !user.isActive) {
      io.err(`payapp export: no active person with the email ${values.as}.`);
      return 1;
    }
    const viewer: Viewer = { userId: user.id, companyId: user.companyId, isCompanyAdmin: user.isCompanyAdmin };
    const started = Date.now();
    const named =
      what === 'register'
        ? await registerExportSheet(db, viewer, values.project!)
        : what === 'invoice'
          ? await invoiceExportSheet(db, viewer, values.project!, values.invoice!, now)
          : await sovExportSheet(db, viewer, values.project!, values.commitment!);
    const file = await toSpreadsheetFile(named, format);
    const out = values.out ?? file.filename;
    writeFileSync(out, file.content);
    io.out(`Wrote ${out}: ${named.sheet.rows.length} rows, ${file.content.length.toLocaleString('en-US')} bytes, in ${Date.now() - started} ms.`);
    return 0;
  } catch (e) {
    if (e instanceof DomainError) {
      io.err(`payapp export: ${e.message}`);
      return 1;
    }
    throw e;
  } finally {
    await database.close();
  }
}
