/** Invoice contacts: who may be one, in which order the reasons are reported, and contract-company changes. */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { DomainError } from '../../src/domain/errors.ts';
import {
  assertContactEligible,
  checkContactEligibility,
  planContractCompanyChange,
  type ContactCandidate,
} from '../../src/domain/invoice-contacts.ts';

const SUB = 'company-sub';
const OTHER = 'company-other';

function candidate(overrides: Partial<ContactCandidate> = {}): ContactCandidate {
  return { userId: 'user-dana', name: 'Dana Lee', companyId: SUB, isActive: true, directoryPermission: 'read_only', ...overrides };
}

describe('checkContactEligibility', () => {
  const cases: [string, string | null, Partial<ContactCandidate>, string | null][] = [
    ['an active employee with Read Only is eligible', SUB, {}, null],
    ['Standard is eligible', SUB, { directoryPermission: 'standard' }, null],
    ['Admin is eligible', SUB, { directoryPermission: 'admin' }, null],
    ['no contract company yet', null, {}, 'contract_company_required'],
    ['employee of another company', SUB, { companyId: OTHER }, 'contact_not_employee'],
    ['inactive account', SUB, { isActive: false }, 'contact_inactive'],
    ['not in the project directory', SUB, { directoryPermission: null }, 'contact_not_in_project_directory'],
    ['in the directory with None', SUB, { directoryPermission: 'none' }, 'contact_permission_too_low'],
  ];
  for (const [what, contractCompanyId, overrides, code] of cases) {
    test(`${what} → ${code ?? 'eligible'}`, () => {
      const result = checkContactEligibility(contractCompanyId, candidate(overrides));
      if (code === null) assert.deepEqual(result, { eligible: true });
      else {
        assert.equal(result.eligible, false);
        assert.equal(!result.eligible && result.code, code);
      }
    });
  }

  test('reasons come in the order a person fixes them: company, employer, account, directory, level', () => {
    // Start with every fault at once, fix them one by one, and watch the reported reason move on.
    let contractCompanyId: string | null = null;
    let person = candidate({ companyId: OTHER, isActive: false, directoryPermission: null });
    const seen: string[] = [];
    const fixes: (() => void)[] = [
      () => (contractCompanyId = SUB),
      () => (person = { ...person, companyId: SUB }),
      () => (person = { ...person, isActive: true }),
      () => (person = { ...person, directoryPermission: 'none' }),
      () => (person = { ...person, directoryPermission: 'read_only' }),
    ];
    for (const fix of fixes) {
      const result = checkContactEligibility(contractCompanyId, person);
      seen.push(result.eligible ? 'eligible' : result.code);
      fix();
    }
    seen.push(checkContactEligibility(contractCompanyId, person).eligible ? 'eligible' : 'still refused');
    assert.deepEqual(seen, [
      'contract_company_required',
      'contact_not_employee',
      'contact_inactive',
      'contact_not_in_project_directory',
      'contact_permission_too_low',
      'eligible',
    ]);
  });

  test('every reason names the person and says what is wrong', () => {
    const reasons: [string | null, Partial<ContactCandidate>, RegExp][] = [
      [null, {}, /contract company/],
      [SUB, { companyId: OTHER }, /Dana Lee is not an employee of the contract company/],
      [SUB, { isActive: false }, /Dana Lee's account is inactive/],
      [SUB, { directoryPermission: null }, /Dana Lee is not in this project's directory/],
      [SUB, { directoryPermission: 'none' }, /Dana Lee needs at least Read Only/],
    ];
    for (const [company, overrides, pattern] of reasons) {
      const result = checkContactEligibility(company, candidate(overrides));
      assert.equal(result.eligible, false);
      assert.match(!result.eligible ? result.reason : '', pattern);
    }
  });

  test('assertContactEligible throws the reason as a DomainError on userId, or passes', () => {
    assert.doesNotThrow(() => assertContactEligible(SUB, candidate()));
    assert.throws(
      () => assertContactEligible(SUB, candidate({ directoryPermission: 'none' })),
      (e: unknown) =>
        e instanceof DomainError && e.code === 'contact_permission_too_low' && e.field === 'userId' && /Dana Lee/.test(e.message),
    );
  });
});

describe('planContractCompanyChange', () => {
  const ofSub = [
    { userId: 'u1', companyId: SUB },
    { userId: 'u2', companyId: SUB },
  ];

  test('no change of company: nothing to remove, even with contacts', () => {
    assert.deepEqual(planContractCompanyChange({ currentCompanyId: SUB, nextCompanyId: SUB, contacts: ofSub, removeMismatchedContacts: false }), {
      contactsToRemove: [],
    });
  });

  test('a change without contacts is simply allowed', () => {
    assert.deepEqual(planContractCompanyChange({ currentCompanyId: SUB, nextCompanyId: OTHER, contacts: [], removeMismatchedContacts: false }), {
      contactsToRemove: [],
    });
    assert.deepEqual(planContractCompanyChange({ currentCompanyId: null, nextCompanyId: SUB, contacts: [], removeMismatchedContacts: false }), {
      contactsToRemove: [],
    });
  });

  test('a change while contacts of the old company remain is refused, naming them', () => {
    assert.throws(
      () => planContractCompanyChange({ currentCompanyId: SUB, nextCompanyId: OTHER, contacts: ofSub, removeMismatchedContacts: false }),
      (e: unknown) =>
        e instanceof DomainError &&
        e.code === 'contract_company_has_contacts' &&
        e.field === 'contractCompanyId' &&
        /2 invoice contact/.test(e.message) &&
        JSON.stringify(e.details) === JSON.stringify({ contactUserIds: ['u1', 'u2'] }),
    );
  });

  test('clearing the contract company while contacts remain is refused too', () => {
    assert.throws(
      () => planContractCompanyChange({ currentCompanyId: SUB, nextCompanyId: null, contacts: ofSub, removeMismatchedContacts: false }),
      (e: unknown) => e instanceof DomainError && e.code === 'contract_company_has_contacts',
    );
  });

  test('when the caller asks, exactly the mismatched contacts are removed', () => {
    const contacts = [...ofSub, { userId: 'u3', companyId: OTHER }];
    assert.deepEqual(planContractCompanyChange({ currentCompanyId: SUB, nextCompanyId: OTHER, contacts, removeMismatchedContacts: true }), {
      contactsToRemove: ['u1', 'u2'],
    });
    assert.deepEqual(planContractCompanyChange({ currentCompanyId: SUB, nextCompanyId: null, contacts, removeMismatchedContacts: true }), {
      contactsToRemove: ['u1', 'u2', 'u3'],
    });
  });

  test('contacts who already work for the new company are no obstacle', () => {
    assert.deepEqual(
      planContractCompanyChange({
        currentCompanyId: SUB,
        nextCompanyId: OTHER,
        contacts: [{ userId: 'u3', companyId: OTHER }],
        removeMismatchedContacts: false,
      }),
      { contactsToRemove: [] },
    );
  });
});
