/**
 * The `payapp` command line:
 *   payapp serve [--demo]        migrate, (load the demo if the database is empty), serve API and UI
 *   payapp worker                run scheduled work (automatic billing periods, email) on its own
 *   payapp migrate               run database migrations
 *   payapp demo                  load the demo data set and print its sign-in accounts
 *   payapp create-admin --email E --name N [--password P] [--company C]
 *   payapp reset-link --email E  print a single-use password reset link
 *   payapp invite-link --email E print a single-use first-sign-in link
 *   payapp backup <file>         back up the database (pg_dump, or the embedded database's dump)
 *   payapp restore <file> [--force]  restore a backup into an empty database (--force: replace)
 *   payapp audit verify          check every audit chain; exits 1 at a broken link
 *   payapp export register|invoice|sov --as EMAIL --project ID …  a spreadsheet export to a file
 *   payapp import-sov --project P --commitment C --file F --as EMAIL [--dry-run]
 *                                replace a commitment's SOV from a CSV or XLSX file (import-sov-command.ts)
 */
import { parseArgs } from 'node:util';
import { loadConfig } from '../config.ts';
import { migrateToLatest } from '../db/migrate.ts';
import { openConfiguredDatabase } from '../db/open-configured.ts';
import { startServer } from '../server.ts';
import { startWorker } from '../worker/scheduler.ts';
import { createAdmin } from '../services/directory/create-admin.ts';
import { findUserByEmail } from '../db/directory.queries.ts';
import { requestPasswordReset } from '../services/auth/request-password-reset.ts';
import { issueInvitation } from '../services/directory/issue-invitation.ts';
import { isDatabaseEmpty, loadDemo, printDemoAccounts } from '../demo/load-demo.ts';
import { auditCommand, backupCommand, restoreCommand } from './data-commands.ts';
import { exportCommand } from './export-command.ts';
import { importSovCommand } from './import-sov-command.ts';

const USAGE = `usage: payapp <command> [options]

commands:
  serve [--demo]                 migrate and serve on PORT (default 3000); --demo loads demo data into an empty database
  worker                         run the worker alone (scheduled work and email); serve runs one too unless WORKER=off
  migrate                        run database migrations
  demo                           load the demo data set (into an empty database) and print its accounts
  create-admin --email E --name N [--password P] [--company "GC name"]
  reset-link --email E           print a single-use password reset link
  invite-link --email E          print a single-use first-sign-in link
  backup <file>                  back up the database: pg_dump (PostgreSQL) or the embedded database's dump
  restore <file> [--force]       restore a backup into an empty database; --force replaces a non-empty one
  audit verify                   check every audit log chain; exits 1 and names the first broken link
  export register|invoice|sov --as EMAIL --project ID [--invoice ID] [--commitment ID] [--format csv|xlsx] [--out FILE]
                                 a spreadsheet export (as the API gives it to that person) written to a file
  import-sov --project P --commitment C --file F --as EMAIL [--dry-run]
             [--item-column H] [--description-column H] [--cost-code-column H] [--amount-column H]
                                 replace a commitment's SOV from a CSV or XLSX file, acting as EMAIL
                                 (nothing is written unless every row is valid; --dry-run checks only)`;

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (command === 'export') return exportCommand(loadConfig(), rest);
  if (command === 'backup' || command === 'restore' || command === 'audit') {
    const { values, positionals } = parseArgs({ args: rest, options: { force: { type: 'boolean', default: false } }, allowPositionals: true });
    if (positionals.length > 1) {
      console.error(`${command} takes one argument.\n${USAGE}`);
      return 1;
    }
    const config = loadConfig();
    if (command === 'backup') return backupCommand(config, positionals[0]);
    if (command === 'restore') return restoreCommand(config, positionals[0], { force: values.force });
    return auditCommand(config, positionals[0]);
  }
  const { values } = parseArgs({
    args: rest,
    options: {
      demo: { type: 'boolean', default: false },
      email: { type: 'string' },
      name: { type: 'string' },
      password: { type: 'string' },
      company: { type: 'string' },
      project: { type: 'string' },
      commitment: { type: 'string' },
      file: { type: 'string' },
      as: { type: 'string' },
      'dry-run': { type: 'boolean', default: false },
      'item-column': { type: 'string' },
      'description-column': { type: 'string' },
      'cost-code-column': { type: 'string' },
      'amount-column': { type: 'string' },
    },
    allowPositionals: false,
  });
  if (!command || command === 'help' || command === '--help') {
    console.log(USAGE);
    return command ? 0 : 1;
  }
  const config = loadConfig();
  const database = await openConfiguredDatabase(config);
  const where = config.databaseUrl ? 'PostgreSQL (DATABASE_URL)' : `embedded PGlite in ${config.dataDir}/pg`;
  let keepOpen = false;
  try {
    // MIGRATE_ON_START=off: `serve` and `worker` leave migrating to `payapp migrate` (docs/deployment.md).
    if (command === 'migrate' || config.migrateOnStart || (command !== 'serve' && command !== 'worker')) {
      const applied = await migrateToLatest(database.db);
      if (applied.length > 0) console.log(`Migrated ${where}: ${applied.join(', ')}`);
    }
    switch (command) {
      case 'migrate':
        console.log('Database is up to date.');
        return 0;
      case 'serve': {
        if (values.demo) {
          if (await isDatabaseEmpty(database.db)) {
            console.log('Loading the demo data set…');
            await loadDemo(database.db, new Date());
          }
          await printDemoAccounts(database.db);
        }
        const running = await startServer(config, database);
        const worker = config.runWorkerInServer ? startWorker(database.db, config) : null;
        console.log(`payapp is serving on ${running.url} (database: ${where}). API reference: ${running.url}/api/docs`);
        if (!worker) console.log('The worker is off (WORKER=off): run `payapp worker` for scheduled work and email.');
        keepOpen = true;
        onShutdownSignal(async (signal) => {
          const { graceMs, delayMs } = config.shutdown;
          console.log(`payapp: ${signal} received: draining (readiness answers 503; requests in flight have ${graceMs / 1000} s to finish).`);
          // The worker stops claiming at once and wraps up while the HTTP requests finish.
          const workerStopped = worker?.stop({ graceMs: delayMs + graceMs });
          const drained = await running.stop({ delayMs, graceMs });
          const stopped = await workerStopped;
          await database.close();
          const cut = drained.interrupted > 0 ? `; ${drained.interrupted} request(s) still running at the end of the grace were cut off` : '';
          const late = stopped && stopped.unfinished.length > 0 ? `; worker jobs still running: ${stopped.unfinished.join(', ')}` : '';
          console.log(`payapp stopped in ${drained.tookMs} ms${cut}${late}.`);
        });
        return 0;
      }
      case 'worker': {
        const worker = startWorker(database.db, config);
        console.log(`payapp worker is running (database: ${where}).`);
        keepOpen = true;
        onShutdownSignal(async (signal) => {
          console.log(`payapp worker: ${signal} received: no new claims; finishing or releasing the email in hand.`);
          const stopped = await worker.stop({ graceMs: config.shutdown.graceMs });
          await database.close();
          console.log(`payapp worker stopped${stopped.unfinished.length > 0 ? ` (jobs still running: ${stopped.unfinished.join(', ')})` : ''}.`);
        });
        return 0;
      }
      case 'demo': {
        if (!(await isDatabaseEmpty(database.db))) {
          console.log('The database already has data; the demo loads only into an empty database.');
        } else {
          await loadDemo(database.db, new Date());
        }
        await printDemoAccounts(database.db);
        return 0;
      }
      case 'create-admin': {
        if (!values.email || !values.name) {
          console.error('create-admin needs --email and --name');
          return 1;
        }
        const result = await createAdmin(
          database.db,
          { email: values.email, name: values.name, password: values.password, companyName: values.company },
          new Date(),
          config.baseUrl,
        );
        console.log(`Created company admin ${result.user.email}.`);
        if (result.invitationUrl) console.log(`First sign-in link (single use, 7 days): ${result.invitationUrl}`);
        return 0;
      }
      case 'reset-link':
      case 'invite-link': {
        if (!values.email) {
          console.error(`${command} needs --email`);
          return 1;
        }
        const user = await findUserByEmail(database.db, values.email);
        if (!user) {
          console.error(`No account uses ${values.email}.`);
          return 1;
        }
        const link =
          command === 'reset-link'
            ? await requestPasswordReset(database.db, { userId: user.id, actorUserId: null, baseUrl: config.baseUrl }, new Date())
            : await issueInvitation(database.db, null, user.id, new Date(), config.baseUrl);
        if (!link) {
          console.error(`${user.email} is inactive.`);
          return 1;
        }
        console.log(`${link.url}\n(single use, expires ${link.expiresAt.toISOString()})`);
        return 0;
      }
      case 'import-sov':
        return importSovCommand(
          database.db,
          {
            project: values.project,
            commitment: values.commitment,
            file: values.file,
            as: values.as,
            dryRun: values['dry-run'],
            mapping: {
              ...(values['item-column'] && { itemNumber: values['item-column'] }),
              ...(values['description-column'] && { description: values['description-column'] }),
              ...(values['cost-code-column'] && { costCode: values['cost-code-column'] }),
              ...(values['amount-column'] && { scheduledValue: values['amount-column'] }),
            },
          },
          { out: (l) => console.log(l), err: (l) => console.error(l) },
        );
      default:
        console.error(`Unknown command "${command}".\n${USAGE}`);
        return 1;
    }
  } finally {
    if (!keepOpen) await database.close();
  }
}

/**
 * SIGTERM or SIGINT stops the process gracefully (docs/decisions/024): `stop` runs once and the
 * process exits 0 after it; a second signal while stopping exits 1 at once.
 */
function onShutdownSignal(stop: (signal: NodeJS.Signals) => Promise<void>): void {
  let stopping = false;
  const handle = (signal: NodeJS.Signals) => {
    if (stopping) {
      console.error(`payapp: ${signal} received again: exiting without waiting.`);
      process.exit(1);
    }
    stopping = true;
    stop(signal).then(
      () => process.exit(0),
      (error: unknown) => {
        console.error(`payapp: stopping failed: ${error instanceof Error ? error.message : String(error)}`);
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', handle);
  process.on('SIGINT', handle);
}

main(process.argv.slice(2)).then(
  (code) => {
    if (code !== 0) process.exit(code);
  },
  (error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  },
);
