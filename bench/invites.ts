/**
 * Invites to Bill at scale (issue 12): INVITES (300) approved commitments (two SOV lines each)
 * spread over CONTACTS (30) invoice contacts with email on, a real `payapp serve` (child process)
 * with its worker running in the server process (WORKER=on) and SMTP_URL pointing at a local SMTP
 * sink (test/support/smtp.ts: smtp-server + mailparser, in this process). The administrator sends
 * every invite in one request (POST …/invites, as the billing board's "Invite to Bill" does), then
 * the sink waits for the emails. Targets: the request ≤ 500 ms; every invite email delivered
 * ≤ 5 s after the answer.
 *
 * The statements counted for the request include anything the worker ran in the same interval.
 *
 * `npm run bench -- invites`, or `npx tsx bench/invites.ts` (DATABASE_URL or PGlite).
 */
import { sql } from 'kysely';
import { startSmtpSink } from '../test/support/smtp.ts';
import { PASSWORD, seedProject } from './seed.ts';
import { benchDatabase, Client, databaseLabel, envNumber, figure, giveUpAfter, machineNote, ms, startServer } from './support.ts';

const INVITES = envNumber('INVITES', 300);
const CONTACTS = envNumber('CONTACTS', 30);
const WAIT_SECONDS = envNumber('WAIT_SECONDS', 120);

giveUpAfter(15, 'invites.ts');
console.log(`invites: ${INVITES} invites to ${CONTACTS} contacts, delivered to a local SMTP sink; ${machineNote()}`);
const database = await benchDatabase('invites');
const sink = await startSmtpSink();
try {
  const seed = await seedProject((await database.open()).db, { commitments: INVITES, lines: 2, contacts: CONTACTS });
  await database.release();
  const server = await startServer(database, { WORKER: 'on', SMTP_URL: sink.url });
  try {
    const admin = new Client(server.url);
    await admin.signIn(seed.admin.email, PASSWORD);
    sink.clear();
    const s = (await server.stats()).statements;
    const started = performance.now();
    const r = await admin.send('POST', `${seed.p}/invites`, { commitmentIds: seed.commitments.map((c) => c.id) });
    const answeredAt = performance.now();
    const statements = (await server.stats()).statements - s;
    if (r.status !== 200) throw new Error(`invites answered ${r.status}: ${JSON.stringify(r.body).slice(0, 300)}`);
    const sent = Number(r.body?.sent);
    // How many emails those invites queued (one per contact per invite, unless a contact's settings skip it).
    let expected = sent;
    if (database.kind === 'postgres') {
      const handle = await database.open();
      const row = await sql<{ n: number }>`select count(*)::int as n from email_messages where kind = 'invite_to_bill' and status <> 'skipped'`.execute(handle.db).catch(() => undefined);
      if (row?.rows[0]) expected = row.rows[0].n;
    }
    let deliveredAt = NaN;
    let delivered = 0;
    try {
      await sink.waitFor(expected, WAIT_SECONDS * 1000);
      deliveredAt = performance.now();
      delivered = sink.messages.length;
    } catch {
      delivered = sink.messages.length;
    }
    const requestMs = answeredAt - started;
    const deliveryMs = deliveredAt - answeredAt;
    console.log(`invites on ${databaseLabel(database)}, worker in the server process:`);
    figure(`send ${INVITES} invites (one request)`, `${ms(requestMs)}; ${sent} sent, ${r.body?.refused} refused; ${statements} SQL statements`, { text: '≤ 500 ms', met: requestMs <= 500 });
    figure(
      `deliver ${expected} invite emails`,
      Number.isFinite(deliveryMs) ? `${ms(deliveryMs)} after the answer (${(delivered / (deliveryMs / 1000)).toFixed(1)} emails/s)` : `only ${delivered} of ${expected} in ${WAIT_SECONDS} s`,
      { text: '≤ 5 s', met: deliveryMs <= 5000 },
    );
    console.log(`invites: sent in ${ms(requestMs)} (target ≤ 500 ms), ${delivered} emails delivered in ${ms(deliveryMs)} (target ≤ 5 s)`);
  } finally {
    await server.stop();
  }
} finally {
  await sink.stop();
  await database.dispose();
}
