/**
 * Issue 11, tamper-evident audit: entries written through the app form one valid hash chain per
 * project (per entity outside projects), also with concurrent writers; the database refuses to
 * change or remove an entry; and a tampered entry — changed, re-hashed or removed behind the
 * database's back (triggers disabled, as only a superuser can) — is reported at that entry.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { sql } from 'kysely';
import type { Project } from '../../src/domain/project.ts';
import type { User } from '../../src/domain/directory.ts';
import { recordAudit } from '../../src/db/audit.queries.ts';
import { verifyAuditLog } from '../../src/services/audit/verify-audit-log.ts';
import { createTestApp, type TestApp } from '../support/api.ts';
import { addToProject, makeCompany, makeProject, makeUser, systemAdminOf, unique } from '../support/factories.ts';
import { openTestDatabase, testDatabaseUrl, type TestDatabase } from '../support/test-db.ts';

let database: TestDatabase;
let t: TestApp;
let project: Project;
let adminUser: User;

type Row = { id: number; chainKey: string; chainSeq: number; prevHash: string; hash: string; projectId: string | null; entityType: string; entityId: string };

async function chain(chainKey: string): Promise<Row[]> {
  return database.db
    .selectFrom('auditLog')
    .select(['id', 'chainKey', 'chainSeq', 'prevHash', 'hash', 'projectId', 'entityType', 'entityId'])
    .where('chainKey', '=', chainKey)
    .orderBy('chainSeq')
    .execute();
}

async function createCommitment(client: Awaited<ReturnType<TestApp['as']>>, p: Project): Promise<{ id: string; version: number }> {
  const res = await client.post(`/api/v1/projects/${p.id}/commitments`, { kind: 'subcontract', number: unique('SC'), title: 'Drywall' });
  assert.equal(res.status, 201, JSON.stringify(res.body));
  return res.body.commitment;
}

/** Runs `change` with the audit triggers off, as a superuser tampering with the table would. */
async function behindTheDatabasesBack(change: string): Promise<void> {
  const triggers = ['audit_log_no_update', 'audit_log_no_delete', 'audit_log_link'];
  await database.db.transaction().execute(async (trx) => {
    await sql.raw(`alter table audit_log ${triggers.map((name) => `disable trigger ${name}`).join(', ')}`).execute(trx);
    await sql.raw(change).execute(trx);
    await sql.raw('alter table audit_log enable always trigger audit_log_no_update, enable always trigger audit_log_no_delete, enable trigger audit_log_link').execute(trx);
  });
}

before(async () => {
  database = await openTestDatabase();
  t = createTestApp(database.db);
  const { gc } = await systemAdminOf(t.db);
  project = await makeProject(t.db);
  adminUser = await makeUser(t.db, gc, { name: 'Audrey Admin' });
  await addToProject(t.db, project, adminUser, 'admin');
});
after(() => database.close());

describe('entries written through the app', () => {
  test('form one chain per project, each entry linking to the one before; verify counts every entry and chain', async () => {
    const admin = await t.as(adminUser.id);
    const c = await createCommitment(admin, project);
    for (const title of ['One', 'Two', 'Three']) {
      const version = (await admin.get(`/api/v1/projects/${project.id}/commitments/${c.id}`)).body.commitment.version;
      assert.equal((await admin.patch(`/api/v1/projects/${project.id}/commitments/${c.id}`, { version, title })).status, 200);
    }
    const entries = await chain(`project:${project.id}`);
    assert.ok(entries.length >= 5, 'project created, admin added, commitment created and changed three times');
    assert.deepEqual(entries.map((e) => e.chainSeq), entries.map((_, i) => i + 1), 'positions 1, 2, 3… without a gap');
    assert.equal(entries[0]?.prevHash, '0'.repeat(64), 'the first entry links to the genesis value');
    for (let i = 1; i < entries.length; i++) assert.equal(entries[i]?.prevHash, entries[i - 1]?.hash, `entry ${i + 1} links to entry ${i}`);
    assert.equal(new Set(entries.map((e) => e.hash)).size, entries.length);

    // Outside any project, an entry chains with the others about the same thing.
    const company = await makeCompany(t.db, 'subcontractor');
    const companyChain = await chain(`entity:company:${company.id}`);
    assert.deepEqual(companyChain.map((e) => [e.chainSeq, e.projectId]), [[1, null]]);

    const { count } = await database.db.selectFrom('auditLog').select((eb) => eb.fn.countAll<number>().as('count')).executeTakeFirstOrThrow();
    const { chains } = await database.db.selectFrom('auditLog').select(sql<number>`count(distinct chain_key)::int`.as('chains')).executeTakeFirstOrThrow();
    const report = await verifyAuditLog(database.db);
    assert.deepEqual(report, { entries: Number(count), chains, breaks: [] });
  });

  test('the documented canonical form, computed here from the stored fields, reproduces the stored hash', async () => {
    const { rows } = await sql<Record<string, string | null>>`
      select id::text, chain_key, chain_seq::text, prev_hash, hash,
             to_char(occurred_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') as occurred_at,
             actor_user_id::text, project_id::text, entity_type, entity_id, action, before::text, after::text
        from audit_log where chain_key = ${`project:${project.id}`} and before is not null order by chain_seq limit 1`.execute(database.db);
    const r = rows[0];
    assert.ok(r, 'an update entry with before and after');
    // (The result's keys come back camelCased by the app's Kysely plugin.)
    const fields = ['prevHash', 'chainKey', 'chainSeq', 'id', 'occurredAt', 'actorUserId', 'projectId', 'entityType', 'entityId', 'action', 'before', 'after'];
    for (const f of fields.filter((f) => !['actorUserId', 'before'].includes(f))) assert.equal(typeof r[f], 'string', f);
    const text = 'payapp-audit-v1\n' + fields.map((f) => (r[f] == null ? '-\n' : `${Buffer.byteLength(r[f] as string)}:${r[f]}\n`)).join('');
    assert.equal(createHash('sha256').update(text).digest('hex'), r.hash);
  });

  test('twenty concurrent requests on one project leave one unbroken chain', async () => {
    const admin = await t.as(adminUser.id);
    const other = await makeProject(t.db);
    await addToProject(t.db, other, adminUser, 'admin');
    const before = (await chain(`project:${project.id}`)).length;
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) => admin.post(`/api/v1/projects/${i % 4 === 0 ? other.id : project.id}/commitments`, { kind: 'subcontract', number: unique('C'), title: `Concurrent ${i}` })),
    );
    assert.deepEqual(results.map((r) => r.status), Array(20).fill(201));
    const entries = await chain(`project:${project.id}`);
    assert.equal(entries.length, before + 15);
    assert.deepEqual(entries.map((e) => e.chainSeq), entries.map((_, i) => i + 1));
    assert.deepEqual((await verifyAuditLog(database.db)).breaks, []);
  });

  test('one statement inserting several entries links each to the one before', async () => {
    const p = await makeProject(t.db);
    await sql`insert into audit_log (occurred_at, project_id, entity_type, entity_id, action)
              select now(), ${p.id}::uuid, 'note', 'n' || g, 'bulk' from generate_series(1, 3) g`.execute(database.db);
    const entries = await chain(`project:${p.id}`);
    assert.deepEqual(entries.slice(-3).map((e) => e.chainSeq), [entries.length - 2, entries.length - 1, entries.length]);
    assert.deepEqual((await verifyAuditLog(database.db)).breaks, []);
  });
});

test(
  'writers on one chain wait for each other; writers on another chain do not',
  { skip: testDatabaseUrl() ? false : 'PostgreSQL only (set TEST_DATABASE_URL): PGlite has one connection, so its writers never overlap.' },
  async () => {
    const p1 = await makeProject(t.db);
    const p2 = await makeProject(t.db);
    let releaseFirst!: () => void;
    const firstHolds = new Promise<void>((resolve) => (releaseFirst = resolve));
    let firstInserted!: () => void;
    const inserted = new Promise<void>((resolve) => (firstInserted = resolve));
    const entry = (projectId: string, action: string) => ({ occurredAt: new Date(), actorUserId: null, projectId, entityType: 'note', entityId: action, action });

    const first = database.db.transaction().execute(async (trx) => {
      await recordAudit(trx, entry(p1.id, 'first'));
      firstInserted();
      await firstHolds;
    });
    await inserted;
    // Another project's chain: done while the first transaction still holds its chain.
    await database.db.transaction().execute((trx) => recordAudit(trx, entry(p2.id, 'elsewhere')));
    let secondDone = false;
    const second = database.db.transaction().execute(async (trx) => {
      await recordAudit(trx, entry(p1.id, 'second'));
      secondDone = true;
    });
    await new Promise((resolve) => setTimeout(resolve, 300));
    assert.equal(secondDone, false, 'the second writer on the chain waits for the first to commit');
    releaseFirst();
    await Promise.all([first, second]);
    const entries = await chain(`project:${p1.id}`);
    assert.deepEqual(entries.slice(-2).map((e) => e.entityId), ['first', 'second']);
    assert.equal(entries.at(-1)?.prevHash, entries.at(-2)?.hash);
    assert.deepEqual((await verifyAuditLog(database.db)).breaks, []);
  },
);

describe('the database keeps the log append-only', () => {
  test('UPDATE, DELETE and TRUNCATE of audit entries are refused, and a project with entries cannot be deleted', async () => {
    const [last] = (await chain(`project:${project.id}`)).slice(-1);
    assert.ok(last);
    const refused = async (statement: string) => {
      await assert.rejects(sql.raw(statement).execute(database.db), /audit_log is append-only/, statement);
    };
    await refused(`update audit_log set action = 'nothing happened' where id = ${last.id}`);
    await refused(`update audit_log set hash = repeat('0', 64)`);
    await refused(`delete from audit_log where id = ${last.id}`);
    await refused('truncate audit_log');
    await refused(`delete from projects where tenant_id = '${project.tenantId}' and id = '${project.id}'`);
    // An insert that brings its own chain values gets the database's instead.
    await sql`insert into audit_log (occurred_at, project_id, entity_type, entity_id, action, chain_seq, prev_hash, hash)
              values (now(), ${project.id}::uuid, 'note', 'forged', 'forge', 1, 'x', 'y')`.execute(database.db);
    const entries = await chain(`project:${project.id}`);
    assert.equal(entries.at(-2)?.id, last.id, 'the refused statements changed nothing');
    assert.equal(entries.at(-1)?.prevHash, last.hash);
    assert.deepEqual((await verifyAuditLog(database.db)).breaks, []);
  });
});

describe('audit verify finds tampering at the entry', () => {
  /** A chain of 12 entries (so positions 10+ are walked in number order, not text order); returns them. */
  async function freshChain(): Promise<Row[]> {
    const p = await makeProject(t.db);
    for (let i = 0; i < 11; i++) await database.db.transaction().execute((trx) => recordAudit(trx, { occurredAt: new Date(), actorUserId: adminUser.id, projectId: p.id, entityType: 'note', entityId: `n${i}`, action: 'write', after: { i, amountCents: 1_000 * i } }));
    const entries = await chain(`project:${p.id}`);
    assert.equal(entries.length, 12);
    return entries;
  }

  test('a changed entry: its own hash no longer matches (expected vs found)', async () => {
    const entries = await freshChain();
    const target = entries[10]!;
    await behindTheDatabasesBack(`update audit_log set after = jsonb_set(after, '{amountCents}', '1') where id = ${target.id}`);
    // (Position 11 is the tenth note: i = 9.)
    const report = await verifyAuditLog(database.db);
    assert.equal(report.breaks.length, 1, JSON.stringify(report.breaks));
    const [broken] = report.breaks;
    assert.equal(broken?.entryId, String(target.id));
    assert.equal(broken?.position, '11');
    assert.equal(broken?.kind, 'hash');
    assert.equal(broken?.found, target.hash);
    assert.notEqual(broken?.expected, target.hash);
    assert.match(broken?.message ?? '', new RegExp(`entry ${target.id} \\(project:.*, position 11\\): its contents hash to`));
    await behindTheDatabasesBack(`update audit_log set after = jsonb_set(after, '{amountCents}', '9000') where id = ${target.id}`);
    assert.deepEqual((await verifyAuditLog(database.db)).breaks, [], 'put back, the chain verifies again');
  });

  test('a changed entry given a matching hash: the next entry no longer links to it', async () => {
    const entries = await freshChain();
    const target = entries[9]!;
    const next = entries[10]!;
    await behindTheDatabasesBack(`update audit_log set action = 'rewritten',
        hash = audit_log_entry_hash(prev_hash, chain_key, chain_seq, id, occurred_at, actor_user_id, project_id, entity_type, entity_id, 'rewritten', before, after)
      where id = ${target.id}`);
    const [broken, ...more] = (await verifyAuditLog(database.db)).breaks;
    assert.deepEqual(more, []);
    assert.equal(broken?.entryId, String(next.id));
    assert.equal(broken?.kind, 'link');
    assert.equal(broken?.found, target.hash, 'the next entry still carries the original hash');
    assert.notEqual(broken?.expected, target.hash);
    await behindTheDatabasesBack(`update audit_log set action = 'write', hash = '${target.hash}' where id = ${target.id}`);
    assert.deepEqual((await verifyAuditLog(database.db)).breaks, []);
  });

  test('a removed entry: the next one is reported with the position that is missing', async () => {
    const entries = await freshChain();
    const removed = entries[4]!;
    const { rows } = await sql<{ row: string }>`select to_jsonb(a)::text as row from audit_log a where id = ${removed.id}`.execute(database.db);
    await behindTheDatabasesBack(`delete from audit_log where id = ${removed.id}`);
    const report = await verifyAuditLog(database.db);
    assert.equal(report.breaks.length, 1);
    assert.deepEqual(
      { entry: report.breaks[0]?.entryId, kind: report.breaks[0]?.kind, expected: report.breaks[0]?.expected, found: report.breaks[0]?.found },
      { entry: String(entries[5]!.id), kind: 'gap', expected: 'position 5', found: 'position 6' },
    );
    const saved = (rows[0]?.row ?? '').replace(/'/g, "''");
    await behindTheDatabasesBack(`insert into audit_log select * from jsonb_populate_record(null::audit_log, '${saved}'::jsonb)`);
    assert.deepEqual((await verifyAuditLog(database.db)).breaks, [], 'put back, the chain verifies again');
  });
});
