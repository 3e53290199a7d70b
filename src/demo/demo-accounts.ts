/**
 * The sign-in table printed by `payapp serve --demo` and `payapp demo`. The accounts are found in
 * the database by their well-known demo emails and described from what the database says about
 * them, so the table is right on every start, not only the one that loaded the demo.
 */
import type { CommitmentsPermission } from '../domain/permissions.ts';
import type { Db } from '../db/database.ts';
import { findDemoAccountFacts, type DemoAccountFacts } from '../db/demo.queries.ts';
import { DEMO_ACCOUNTS, DEMO_PASSWORD, emailOf, findPerson, type DemoAccountRole } from './demo-data.ts';

const LEVEL_NAMES: Record<CommitmentsPermission, string> = {
  admin: 'Admin on Commitments',
  standard: 'Standard',
  read_only: 'Read Only',
  none: 'None',
};

/** "Riverside Medical Office Building" → "Riverside Medical": keeps the table narrow. */
function shortName(projectName: string): string {
  return projectName.split(' ').slice(0, 2).join(' ');
}

/** "Admin on Commitments on A, B; Read Only on C" */
function permissionSummary(projects: DemoAccountFacts['projects']): string {
  const order: CommitmentsPermission[] = ['admin', 'standard', 'read_only', 'none'];
  const parts = order.flatMap((level) => {
    const names = projects.filter((p) => p.permission === level).map((p) => shortName(p.projectName));
    return names.length === 0 ? [] : [`${LEVEL_NAMES[level]} on ${names.join(', ')}`];
  });
  return parts.length === 0 ? 'in no project directory' : parts.join('; ');
}

function commitmentList(items: { projectName: string; number: string }[]): string {
  return items.map((c) => `${c.number} (${shortName(c.projectName)})`).join(', ');
}

function privateListNote(facts: DemoAccountFacts): string {
  if (facts.privateListOn.length === 0) return '';
  const sees = facts.privateListOn.every((c) => c.privateSovVisible) ? 'sees its SOV' : 'cannot see its SOV';
  return `; private list of ${commitmentList(facts.privateListOn)}, ${sees}`;
}

export function describeAccount(role: DemoAccountRole, title: string, facts: DemoAccountFacts): string {
  if (!facts.isActive) return `inactive ${title} of ${facts.companyName}: sign-in is refused`;
  switch (role) {
    case 'company_admin':
      return facts.isCompanyAdmin
        ? `company admin (GC, ${facts.companyName}): Admin on every project`
        : `${title} at ${facts.companyName}`;
    case 'gc_staff':
      return `${title} (GC): ${permissionSummary(facts.projects)}${privateListNote(facts)}`;
    case 'invoice_contact': {
      if (facts.contactOn.length === 0) return `employee of ${facts.companyName}, not an invoice contact`;
      const isDefault = facts.isDefaultInvoiceContact ? '; the company default invoice contact' : '';
      return `invoice contact at ${facts.companyName} on ${commitmentList(facts.contactOn)}${isDefault}`;
    }
    case 'private_list_only':
      return `${title} (${facts.companyName}): ${permissionSummary(facts.projects)}${privateListNote(facts)}`;
    case 'read_only_not_contact':
      return `Read Only employee of ${facts.companyName} who is not a contact: sees only non-private commitments`;
    case 'permission_none': {
      const none = facts.projects.filter((p) => p.permission === 'none').map((p) => shortName(p.projectName));
      return `employee of ${facts.companyName} with None on ${none.join(', ') || 'no project'}: sees the project, no commitments`;
    }
    case 'inactive':
      return `${title} of ${facts.companyName}`;
  }
}

/** The rows of the table: [email, name, description], in catalogue order, for the accounts that exist. */
export async function demoAccountRows(db: Db): Promise<[string, string, string][]> {
  const accounts = DEMO_ACCOUNTS.map((account) => {
    const { company, person } = findPerson(account.person);
    return { ...account, title: person.title, email: emailOf(company, person) };
  });
  const facts = await findDemoAccountFacts(db, accounts.map((a) => a.email));
  const byEmail = new Map(facts.map((f) => [f.email.toLowerCase(), f]));
  return accounts.flatMap((account): [string, string, string][] => {
    const found = byEmail.get(account.email);
    return found ? [[found.email, found.name, describeAccount(account.role, account.title, found)]] : [];
  });
}

export async function printAccountTable(db: Db): Promise<void> {
  const rows = await demoAccountRows(db);
  if (rows.length === 0) {
    console.log('This database has none of the demo accounts (it was not loaded from the demo data set).');
    return;
  }
  const header: [string, string, string] = ['Email', 'Name', 'Who'];
  const widths = [0, 1].map((i) => Math.max(...[header, ...rows].map((row) => row[i]?.length ?? 0)));
  const format = (row: [string, string, string]) =>
    `  ${row[0].padEnd(widths[0] ?? 0)}  ${row[1].padEnd(widths[1] ?? 0)}  ${row[2]}`;
  console.log(
    [
      '',
      `Demo accounts. Every one signs in with the password: ${DEMO_PASSWORD}`,
      '',
      format(header),
      ...rows.map(format),
      '',
    ].join('\n'),
  );
}
