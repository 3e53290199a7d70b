/**
 * Issue 12: sending Invite to Bill to many commitments is set-based — the number of SQL statements
 * a send makes does not grow with the number of commitments invited (decision 023) — and every
 * contact still gets the email with working signed Yes / No links.
 */
import assert from 'node:assert/strict';
import { after, afterEach, before, describe, test } from 'node:test';
import type { KyselyPlugin, PluginTransformQueryArgs, PluginTransformResultArgs, QueryResult, RootOperationNode, UnknownRow } from 'kysely';
import type { Commitment } from '../../src/domain/commitment.ts';
import { verifySignedToken } from '../../src/services/notifications/link-signing.ts';
import { createTestApp, type TestApp } from '../support/api.ts';
import { approvedCommitment, assertNo5xx, assertOk, billingProject, emails, type BillingSetup, type Seen } from '../support/billing.ts';
import { addToProject, makeUser } from '../support/factories.ts';
import { openTestDatabase, type TestDatabase } from '../support/test-db.ts';

/** Counts the statements executed through a Kysely instance (its transactions included). */
class StatementCounter implements KyselyPlugin {
  count = 0;
  transformQuery(args: PluginTransformQueryArgs): RootOperationNode {
    return args.node;
  }
  async transformResult(args: PluginTransformResultArgs): Promise<QueryResult<UnknownRow>> {
    this.count += 1;
    return args.result;
  }
}

let database: TestDatabase;
let t: TestApp;
const counter = new StatementCounter();
const seen: Seen = [];

before(async () => {
  database = await openTestDatabase();
  t = createTestApp(database.db.withPlugin(counter));
  t.clock.set('2026-11-02T15:00:00Z');
});
after(() => database.close());
afterEach(() => assertNo5xx(seen));

async function commitmentsWithTwoContacts(s: BillingSetup, n: number): Promise<Commitment[]> {
  const second = await makeUser(t.db, s.sub, { name: 'Second Contact' });
  await addToProject(t.db, s.project, second, 'read_only');
  const list: Commitment[] = [];
  for (let i = 0; i < n; i += 1) list.push(await approvedCommitment(t, s, { invoiceContactIds: [s.contact.id, second.id] }));
  return list;
}

async function statementsToInvite(s: BillingSetup, commitments: Commitment[]): Promise<number> {
  const before = counter.count;
  const res = await s.admin.post(`${s.p}/invites`, { commitmentIds: commitments.map((c) => c.id) });
  assertOk(res);
  assert.equal(res.body.sent, commitments.length);
  return counter.count - before;
}

describe('sending many invites', () => {
  test('the statements of a send do not grow with the commitments invited; every contact gets working links', async () => {
    const s = await billingProject(t, seen);
    assertOk(await s.admin.post(`${s.p}/billing-periods`, { startsOn: '2026-11-01', endsOn: '2026-11-30', dueOn: '2026-11-25' }), 201);
    const few = await commitmentsWithTwoContacts(s, 2);
    const many = await commitmentsWithTwoContacts(s, 12);
    // A first send warms what a process reads once (the link-signing secret).
    await statementsToInvite(s, few);
    const forFew = await statementsToInvite(s, few);
    const forMany = await statementsToInvite(s, many);
    console.log(`# statements per send: ${forFew} for ${few.length} commitments, ${forMany} for ${many.length}`);
    assert.equal(forMany, forFew, 'the same statements for 12 commitments as for 2');
    assert.ok(forMany <= 20, `a send makes at most 20 statements (made ${forMany})`);

    // Every contact of every commitment got the email, and the links in it verify and are stored.
    const sent = (await emails(t, 'invite_to_bill')).filter((e) => e.status === 'pending');
    for (const c of many) {
      const own = sent.filter((e) => e.payload.commitment.id === c.id);
      assert.equal(own.length, 2, 'both contacts of each commitment are emailed');
      for (const e of own) {
        for (const url of [e.payload.yesUrl, e.payload.noUrl] as string[]) {
          const id = await verifySignedToken(t.db, url.slice(url.lastIndexOf('/') + 1));
          assert.ok(id, `the link ${url} carries a valid signature`);
          const token = await t.db.selectFrom('actionTokens').select(['userId', 'usedAt']).where('id', '=', id).executeTakeFirst();
          assert.equal(token?.userId, e.toUserId, 'the token is the recipient’s');
        }
      }
    }
    // Re-sending asks again: the earlier links stop working (one token pair per contact remains).
    const tokens = await t.db.selectFrom('actionTokens as a').innerJoin('billingInvites as i', 'i.id', 'a.inviteId').select('a.id').where('i.tenantId', '=', s.project.tenantId).where('i.commitmentId', 'in', few.map((c) => c.id)).execute();
    assert.equal(tokens.length, few.length * 2 * 2);
    const audit = await t.db.selectFrom('auditLog').select('entityId').where('action', '=', 'invite_to_bill').where('projectId', '=', s.project.id).execute();
    assert.equal(audit.length, few.length * 2 + many.length, 'one audit entry per commitment per send');
  });
});
