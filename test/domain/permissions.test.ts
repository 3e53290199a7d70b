/**
 * Who may see and change what (pure rules), plus the pure parts of authentication: failed sign-in
 * throttling and session lifetime.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { DomainError } from '../../src/domain/errors.ts';
import {
  assertCanManageProjectDirectory,
  assertCompanyAdmin,
  assertInvoiceAdministrator,
  canReadWholeDirectory,
  canSeeCommitment,
  canSeeProject,
  canSeeSovLines,
  commitmentVisibility,
  effectivePermission,
  isInvoiceAdministrator,
  permissionAtLeast,
  type CommitmentPrivacyFacts,
  type CommitmentsPermission,
  type ProjectAccess,
} from '../../src/domain/permissions.ts';
import {
  decideSignInThrottle,
  MAX_FAILURES_PER_EMAIL,
  MAX_FAILURES_PER_IP,
  sessionExpiry,
  THROTTLE_WINDOW_MS,
} from '../../src/domain/sign-in-throttle.ts';

type Level = CommitmentsPermission | null; // null: not in the project directory
const LEVELS: Level[] = [null, 'none', 'read_only', 'standard', 'admin'];
const BOOLS = [false, true] as const;

function access(directoryPermission: Level, isCompanyAdmin = false): ProjectAccess {
  return { viewer: { userId: 'u-1', companyId: 'c-1', isCompanyAdmin }, projectId: 'p-1', tenantId: 'c-1', directoryPermission };
}

function facts(f: Partial<CommitmentPrivacyFacts> = {}): CommitmentPrivacyFacts {
  return { isPrivate: true, privateSovVisible: false, viewerIsExplicitlyListed: false, viewerIsInvoiceContact: false, ...f };
}

const label = (level: Level, companyAdmin: boolean) => `${companyAdmin ? 'company admin, ' : ''}${level ?? 'not in directory'}`;

describe('effectivePermission and friends', () => {
  const table: [Level, boolean, CommitmentsPermission, 'all' | 'none' | 'public_or_listed', boolean][] = [
    // level, company admin, effective, visibility policy, can see the project
    [null, false, 'none', 'none', false],
    ['none', false, 'none', 'none', true],
    ['read_only', false, 'read_only', 'public_or_listed', true],
    ['standard', false, 'standard', 'public_or_listed', true],
    ['admin', false, 'admin', 'all', true],
    [null, true, 'admin', 'all', true],
    ['none', true, 'admin', 'all', true],
    ['read_only', true, 'admin', 'all', true],
    ['standard', true, 'admin', 'all', true],
    ['admin', true, 'admin', 'all', true],
  ];
  for (const [level, companyAdmin, effective, policy, seesProject] of table) {
    test(`${label(level, companyAdmin)} → ${effective}, sees ${policy}${seesProject ? '' : ', no project'}`, () => {
      const a = access(level, companyAdmin);
      assert.equal(effectivePermission(a), effective);
      assert.equal(commitmentVisibility(a).kind, policy);
      assert.equal(canSeeProject(a), seesProject);
      assert.equal(isInvoiceAdministrator(a), effective === 'admin');
    });
  }

  test('the public_or_listed policy names the viewer, so the query filters on them', () => {
    assert.deepEqual(commitmentVisibility(access('standard')), { kind: 'public_or_listed', userId: 'u-1' });
  });

  test('permissionAtLeast ranks None < Read Only < Standard < Admin; not being in the directory is below all', () => {
    const order: CommitmentsPermission[] = ['none', 'read_only', 'standard', 'admin'];
    for (const [i, level] of order.entries()) {
      for (const [j, minimum] of order.entries()) {
        assert.equal(permissionAtLeast(level, minimum), i >= j, `${level} ≥ ${minimum}`);
      }
      assert.equal(permissionAtLeast(null, level), false);
    }
  });

  test('only Admins on Commitments (and company admins) administer a project', () => {
    for (const level of LEVELS) {
      for (const companyAdmin of BOOLS) {
        const a = access(level, companyAdmin);
        const allowed = companyAdmin || level === 'admin';
        for (const check of [() => assertInvoiceAdministrator(a, 'edit commitments'), () => assertCanManageProjectDirectory(a)]) {
          if (allowed) assert.doesNotThrow(check, label(level, companyAdmin));
          else assert.throws(check, (e: unknown) => e instanceof DomainError && e.code === 'forbidden', label(level, companyAdmin));
        }
      }
    }
    assert.throws(() => assertInvoiceAdministrator(access('standard'), 'edit commitments'), /can edit commitments\./);
  });

  test('company-admin-only actions', () => {
    assert.doesNotThrow(() => assertCompanyAdmin({ userId: 'a', companyId: 'c', isCompanyAdmin: true }, 'add companies'));
    assert.throws(
      () => assertCompanyAdmin({ userId: 'a', companyId: 'c', isCompanyAdmin: false }, 'add companies'),
      (e: unknown) => e instanceof DomainError && e.code === 'forbidden' && /add companies/.test(e.message),
    );
  });

  test('the whole directory is read by company admins and by Admins on some project', () => {
    const viewer = (isCompanyAdmin: boolean) => ({ userId: 'a', companyId: 'c', isCompanyAdmin });
    assert.equal(canReadWholeDirectory(viewer(true), false), true);
    assert.equal(canReadWholeDirectory(viewer(false), true), true);
    assert.equal(canReadWholeDirectory(viewer(false), false), false);
  });
});

describe('commitment and SOV visibility: the full matrix', () => {
  /** The rules as the issue states them, written independently of the implementation. */
  function expected(level: Level, companyAdmin: boolean, f: CommitmentPrivacyFacts) {
    const admin = companyAdmin || level === 'admin';
    const readerOrStandard = !admin && (level === 'read_only' || level === 'standard');
    const commitment = admin || (readerOrStandard && (!f.isPrivate || f.viewerIsExplicitlyListed || f.viewerIsInvoiceContact));
    const sov =
      commitment && (admin || !f.isPrivate || f.viewerIsInvoiceContact || (f.viewerIsExplicitlyListed && f.privateSovVisible));
    return { commitment, sov };
  }

  const combos: { level: Level; companyAdmin: boolean; f: CommitmentPrivacyFacts }[] = [];
  for (const level of LEVELS)
    for (const companyAdmin of BOOLS)
      for (const isPrivate of BOOLS)
        for (const viewerIsExplicitlyListed of BOOLS)
          for (const viewerIsInvoiceContact of BOOLS)
            for (const privateSovVisible of BOOLS)
              combos.push({ level, companyAdmin, f: { isPrivate, viewerIsExplicitlyListed, viewerIsInvoiceContact, privateSovVisible } });

  test(`all ${LEVELS.length * 2 * 16} combinations of permission × company admin × private × listed × contact × see-SOV`, () => {
    assert.equal(combos.length, 160);
    for (const { level, companyAdmin, f } of combos) {
      const a = access(level, companyAdmin);
      const want = expected(level, companyAdmin, f);
      const what = `${label(level, companyAdmin)} ${JSON.stringify(f)}`;
      assert.equal(canSeeCommitment(a, f), want.commitment, `commitment: ${what}`);
      assert.equal(canSeeSovLines(a, f), want.sov, `SOV: ${what}`);
    }
  });

  test('property: whoever sees SOV lines also sees the commitment', () => {
    for (const { level, companyAdmin, f } of combos) {
      const a = access(level, companyAdmin);
      if (canSeeSovLines(a, f)) assert.ok(canSeeCommitment(a, f), `${label(level, companyAdmin)} ${JSON.stringify(f)}`);
    }
    fc.assert(
      fc.property(
        fc.constantFrom(...LEVELS),
        fc.boolean(),
        fc.record({ isPrivate: fc.boolean(), privateSovVisible: fc.boolean(), viewerIsExplicitlyListed: fc.boolean(), viewerIsInvoiceContact: fc.boolean() }),
        (level, companyAdmin, f) => !canSeeSovLines(access(level, companyAdmin), f) || canSeeCommitment(access(level, companyAdmin), f),
      ),
    );
  });

  // The rows a person would ask about, spelled out.
  const rows: [string, Level, boolean, Partial<CommitmentPrivacyFacts>, boolean, boolean][] = [
    ['company admin not in the directory sees a private commitment and its SOV', null, true, {}, true, true],
    ['project admin sees a private commitment and its SOV', 'admin', false, {}, true, true],
    ['standard user does not see a private commitment they are not on', 'standard', false, {}, false, false],
    ['read-only user sees a public commitment and its SOV', 'read_only', false, { isPrivate: false }, true, true],
    ['None sees nothing, even public', 'none', false, { isPrivate: false }, false, false],
    ['None sees nothing, even as a listed contact', 'none', false, { viewerIsInvoiceContact: true, viewerIsExplicitlyListed: true, privateSovVisible: true }, false, false],
    ['not in the directory sees nothing', null, false, { isPrivate: false }, false, false],
    ['an invoice contact sees the private commitment and its SOV', 'read_only', false, { viewerIsInvoiceContact: true }, true, true],
    ['listed without "see SOV items": commitment yes, SOV no', 'standard', false, { viewerIsExplicitlyListed: true }, true, false],
    ['listed with "see SOV items": both', 'read_only', false, { viewerIsExplicitlyListed: true, privateSovVisible: true }, true, true],
    ['"see SOV items" alone does not reveal a private commitment', 'standard', false, { privateSovVisible: true }, false, false],
  ];
  for (const [what, level, companyAdmin, f, commitment, sov] of rows) {
    test(what, () => {
      const a = access(level, companyAdmin);
      assert.equal(canSeeCommitment(a, facts(f)), commitment);
      assert.equal(canSeeSovLines(a, facts(f)), sov);
    });
  }
});

describe('failed sign-in throttling (decideSignInThrottle)', () => {
  const now = new Date('2026-11-02T15:00:00Z');
  const ago = (ms: number) => new Date(now.getTime() - ms);
  const none = { count: 0, oldest: null };

  test('the limits are 5 per email and 50 per address in 15 minutes', () => {
    assert.equal(MAX_FAILURES_PER_EMAIL, 5);
    assert.equal(MAX_FAILURES_PER_IP, 50);
    assert.equal(THROTTLE_WINDOW_MS, 15 * 60 * 1000);
  });

  const cases: [string, { count: number; oldest: Date | null }, { count: number; oldest: Date | null }, number | null][] = [
    ['no failures', none, none, null],
    ['4 failures for the email: still allowed', { count: 4, oldest: ago(1000) }, none, null],
    ['5 failures just now: blocked for the whole window', { count: 5, oldest: now }, none, 900],
    ['5 failures, the oldest 10 minutes ago: 5 minutes left', { count: 5, oldest: ago(10 * 60 * 1000) }, none, 300],
    ['a part second left rounds up to a whole second', { count: 5, oldest: ago(15 * 60 * 1000 - 1500) }, none, 2],
    ['the oldest exactly at the window edge: at least 1 second', { count: 5, oldest: ago(15 * 60 * 1000) }, none, 1],
    ['49 from one address: allowed', none, { count: 49, oldest: ago(1000) }, null],
    ['50 from one address: blocked', none, { count: 50, oldest: ago(60 * 1000) }, 840],
    ['both blocked: wait for the later of the two', { count: 5, oldest: ago(10 * 60 * 1000) }, { count: 50, oldest: ago(60 * 1000) }, 840],
  ];
  for (const [what, emailFailures, ipFailures, retry] of cases) {
    test(what, () => {
      const decision = decideSignInThrottle({ now, emailFailures, ipFailures });
      if (retry === null) assert.deepEqual(decision, { allowed: true });
      else assert.deepEqual(decision, { allowed: false, retryAfterSeconds: retry });
    });
  }
});

describe('session lifetime (sessionExpiry)', () => {
  const DAY = 24 * 60 * 60 * 1000;
  const signedIn = new Date('2026-11-02T15:00:00Z');
  const at = (days: number) => new Date(signedIn.getTime() + days * DAY);
  const cases: [string, number, number][] = [
    ['fresh: 7 days', 0, 7],
    ['used on day 5: day 12', 5, 12],
    ['used on day 22: day 29', 22, 29],
    ['used on day 23: exactly the 30-day cap', 23, 30],
    ['used on day 25: capped at day 30', 25, 30],
    ['used on day 29.5: still day 30', 29.5, 30],
  ];
  for (const [what, lastSeenDay, expiresDay] of cases) {
    test(what, () => assert.equal(sessionExpiry(signedIn, at(lastSeenDay)).getTime(), at(expiresDay).getTime()));
  }
});
