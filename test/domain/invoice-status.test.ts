/**
 * The subcontractor invoice status machine (src/domain/invoice-status.ts): one test per allowed and
 * per forbidden (status × action × actor) combination, the guards, and availableActions.
 *
 * The allowed transitions are written out by hand from the billing-cycle issue ("Status workflow"):
 *   Draft → Under Review (contact or admin submits) → Revise & Resubmit / Approved / Approved as
 *   Noted / Pending Owner Approval; Revise & Resubmit → Under Review on resubmit; Pending Owner
 *   Approval → Approved / Approved as Noted / Revise & Resubmit. Contacts may only submit.
 * Every other combination must be refused: `forbidden` when the actor may never take the action,
 * `invalid_transition` when the action does not apply to the status.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { DomainError } from '../../src/domain/errors.ts';
import {
  availableActions,
  INVOICE_ACTIONS,
  INVOICE_STATUSES,
  isApproved,
  isCertifiable,
  isEditableByContact,
  transitionInvoice,
  type InvoiceAction,
  type InvoiceActor,
  type InvoiceStatus,
  type TransitionGuards,
} from '../../src/domain/invoice-status.ts';

const ACTORS: InvoiceActor[] = ['contact', 'admin'];
const CLEAR: TransitionGuards = { rejectedLineCount: 0, earlierUnapprovedNumbers: [], lineIssueCount: 0 };

const isCode = (code: string, field?: string) => (e: unknown) =>
  e instanceof DomainError && e.code === code && (field === undefined || e.field === field);

/** [from, action, actor, to] — the whole list of what is allowed. */
const ALLOWED: [InvoiceStatus, InvoiceAction, InvoiceActor, InvoiceStatus][] = [
  ['draft', 'submit', 'contact', 'under_review'],
  ['draft', 'submit', 'admin', 'under_review'],
  ['revise_and_resubmit', 'submit', 'contact', 'under_review'],
  ['revise_and_resubmit', 'submit', 'admin', 'under_review'],
  ['under_review', 'request_revision', 'admin', 'revise_and_resubmit'],
  ['under_review', 'approve', 'admin', 'approved'],
  ['under_review', 'approve_as_noted', 'admin', 'approved_as_noted'],
  ['under_review', 'send_to_owner', 'admin', 'pending_owner_approval'],
  ['pending_owner_approval', 'approve', 'admin', 'approved'],
  ['pending_owner_approval', 'approve_as_noted', 'admin', 'approved_as_noted'],
  ['pending_owner_approval', 'request_revision', 'admin', 'revise_and_resubmit'],
];

const ADMIN_ONLY: InvoiceAction[] = ['request_revision', 'approve', 'approve_as_noted', 'send_to_owner'];

const allowedKey = (s: InvoiceStatus, a: InvoiceAction, who: InvoiceActor) => `${s}|${a}|${who}`;
const allowedSet = new Set(ALLOWED.map(([s, a, who]) => allowedKey(s, a, who)));

const FORBIDDEN: [InvoiceStatus, InvoiceAction, InvoiceActor][] = INVOICE_STATUSES.flatMap((s) =>
  INVOICE_ACTIONS.flatMap((a) => ACTORS.filter((who) => !allowedSet.has(allowedKey(s, a, who))).map((who): [InvoiceStatus, InvoiceAction, InvoiceActor] => [s, a, who])),
);

describe('allowed transitions', () => {
  test('the table covers 6 statuses × 5 actions × 2 actors = 60 combinations: 11 allowed, 49 refused', () => {
    assert.equal(INVOICE_STATUSES.length * INVOICE_ACTIONS.length * ACTORS.length, 60);
    assert.equal(ALLOWED.length, 11);
    assert.equal(FORBIDDEN.length, 49);
  });

  for (const [from, action, actor, to] of ALLOWED) {
    test(`given a ${from} invoice, when the ${actor} does ${action}, then it is ${to}`, () => {
      assert.equal(transitionInvoice(from, action, actor, CLEAR), to);
    });
  }
});

describe('forbidden transitions', () => {
  for (const [from, action, actor] of FORBIDDEN) {
    const adminOnly = actor === 'contact' && ADMIN_ONLY.includes(action);
    const code = adminOnly ? 'forbidden' : 'invalid_transition';
    test(`given a ${from} invoice, when the ${actor} does ${action}, then it is refused (${code})`, () => {
      assert.throws(() => transitionInvoice(from, action, actor, CLEAR), isCode(code));
      if (code === 'invalid_transition') {
        assert.throws(() => transitionInvoice(from, action, actor, CLEAR), (e: unknown) => {
          const err = e as DomainError;
          return err.field === 'action' && JSON.stringify(err.details) === JSON.stringify({ from, action }) && /cannot be moved to/.test(err.message);
        });
      } else {
        assert.throws(() => transitionInvoice(from, action, actor, CLEAR), /Only an invoice administrator can do that/);
      }
    });
  }

  test('nothing leaves an approved status, whoever asks', () => {
    for (const from of ['approved', 'approved_as_noted'] as const) {
      for (const action of INVOICE_ACTIONS) {
        for (const actor of ACTORS) assert.throws(() => transitionInvoice(from, action, actor, CLEAR), DomainError, `${from} ${action} ${actor}`);
      }
    }
  });
});

describe('guards', () => {
  const withIssues: TransitionGuards = { ...CLEAR, lineIssueCount: 2 };
  const withRejected: TransitionGuards = { ...CLEAR, rejectedLineCount: 1 };
  const withEarlier: TransitionGuards = { ...CLEAR, earlierUnapprovedNumbers: ['#2', 'PA-3'] };

  const blockedBy: [string, TransitionGuards, InvoiceAction[], RegExp][] = [
    ['line problems', withIssues, ['submit', 'approve', 'approve_as_noted'], /Fix the 2 line problem\(s\) first/],
    ['rejected lines', withRejected, ['approve', 'approve_as_noted'], /1 line\(s\) are rejected/],
    ['earlier unapproved invoices', withEarlier, ['approve', 'approve_as_noted'], /Earlier invoice\(s\) #2, PA-3 of this commitment must be approved first/],
  ];

  for (const [what, guards, blocked, message] of blockedBy) {
    for (const [from, action, actor, to] of ALLOWED) {
      if (blocked.includes(action)) {
        test(`given ${what}, ${from} → ${action} by the ${actor} is refused (rule_violation)`, () => {
          assert.throws(() => transitionInvoice(from, action, actor, guards), (e: unknown) => isCode('rule_violation')(e) && message.test((e as Error).message));
        });
      } else {
        test(`given ${what}, ${from} → ${action} by the ${actor} still goes to ${to}`, () => {
          assert.equal(transitionInvoice(from, action, actor, guards), to);
        });
      }
    }
  }

  test('the refusal names the lines field for line problems and rejected lines', () => {
    assert.throws(() => transitionInvoice('draft', 'submit', 'contact', withIssues), isCode('rule_violation', 'lines'));
    assert.throws(() => transitionInvoice('under_review', 'approve', 'admin', withRejected), isCode('rule_violation', 'lines'));
    assert.throws(() => transitionInvoice('under_review', 'approve', 'admin', withEarlier), isCode('rule_violation', 'action'));
  });

  test('an impossible move is reported as such even when a guard would also fail', () => {
    const all: TransitionGuards = { rejectedLineCount: 1, earlierUnapprovedNumbers: ['#1'], lineIssueCount: 1 };
    assert.throws(() => transitionInvoice('approved', 'approve', 'admin', all), isCode('invalid_transition'));
    assert.throws(() => transitionInvoice('under_review', 'approve', 'contact', all), isCode('forbidden'));
  });

  test('line problems are reported before rejected lines, rejected lines before earlier invoices', () => {
    const all: TransitionGuards = { rejectedLineCount: 1, earlierUnapprovedNumbers: ['#1'], lineIssueCount: 1 };
    assert.throws(() => transitionInvoice('under_review', 'approve', 'admin', all), /line problem/);
    assert.throws(() => transitionInvoice('under_review', 'approve', 'admin', { ...all, lineIssueCount: 0 }), /rejected/);
  });
});

describe('availableActions', () => {
  const expected: Record<InvoiceStatus, Record<InvoiceActor, InvoiceAction[]>> = {
    draft: { contact: ['submit'], admin: ['submit'] },
    under_review: { contact: [], admin: ['request_revision', 'approve', 'approve_as_noted', 'send_to_owner'] },
    revise_and_resubmit: { contact: ['submit'], admin: ['submit'] },
    pending_owner_approval: { contact: [], admin: ['request_revision', 'approve', 'approve_as_noted'] },
    approved: { contact: [], admin: [] },
    approved_as_noted: { contact: [], admin: [] },
  };
  for (const status of INVOICE_STATUSES) {
    for (const actor of ACTORS) {
      test(`${actor} on a ${status} invoice: ${expected[status][actor].join(', ') || 'nothing'}`, () => {
        assert.deepEqual(availableActions(status, actor), expected[status][actor]);
      });
    }
  }

  test('every available action succeeds with clear guards, every other one is refused', () => {
    for (const status of INVOICE_STATUSES) {
      for (const actor of ACTORS) {
        for (const action of INVOICE_ACTIONS) {
          if (availableActions(status, actor).includes(action)) assert.doesNotThrow(() => transitionInvoice(status, action, actor, CLEAR));
          else assert.throws(() => transitionInvoice(status, action, actor, CLEAR), DomainError);
        }
      }
    }
  });
});

describe('status predicates', () => {
  const table: [InvoiceStatus, boolean, boolean, boolean][] = [
    // status, approved, contact may edit, admin may certify
    ['draft', false, true, true],
    ['under_review', false, false, true],
    ['revise_and_resubmit', false, true, true],
    ['pending_owner_approval', false, false, true],
    ['approved', true, false, false],
    ['approved_as_noted', true, false, false],
  ];
  for (const [status, approved, editable, certifiable] of table) {
    test(`${status}: approved ${approved}, contact-editable ${editable}, certifiable ${certifiable}`, () => {
      assert.deepEqual([isApproved(status), isEditableByContact(status), isCertifiable(status)], [approved, editable, certifiable]);
    });
  }
});
