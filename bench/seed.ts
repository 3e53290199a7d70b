/**
 * The benchmarks' data, written straight through the services (no HTTP; each commitment's SOV is
 * one multi-row replace): a project with an open billing period, COMMITMENTS approved commitments
 * of LINES SOV lines each, spread over CONTACTS subcontractors with one invoice contact each, who
 * can sign in with PASSWORD, and an invoice administrator.
 */
import type { Db } from '../src/db/database.ts';
import type { Commitment } from '../src/domain/commitment.ts';
import type { User } from '../src/domain/directory.ts';
import type { Project } from '../src/domain/project.ts';
import { addDays, todayIn } from '../src/domain/calendar.ts';
import { createBillingPeriod } from '../src/services/billing/billing-periods.ts';
import { addToProject, makeCommitment, makeCompany, makeProject, makeUser, systemAdminOf, viewerOf } from '../test/support/factories.ts';

export const PASSWORD = 'bench password 2026';

export type Seeded = {
  project: Project;
  admin: User;
  contacts: User[];
  /** Commitment i belongs to contact i % contacts. */
  commitments: Commitment[];
  periodId: string;
  /** `/api/v1/projects/:id` */
  p: string;
};

/** A scheduled value for line i: varied, large enough that 10 % of it is never overbilled. */
export const scheduledValue = (i: number) => 250_000_00 + ((i * 7919) % 500) * 1_000_00;

export async function seedProject(db: Db, options: { commitments: number; lines: number; contacts: number; now?: Date }): Promise<Seeded> {
  const now = options.now ?? new Date();
  const { gc } = await systemAdminOf(db);
  const project = await makeProject(db);
  const admin = await makeUser(db, gc, { name: 'Bench Invoice Admin', password: PASSWORD });
  await addToProject(db, project, admin, 'admin');
  const subs = [];
  const contacts: User[] = [];
  for (let i = 0; i < options.contacts; i += 1) {
    const sub = await makeCompany(db, 'subcontractor', `Bench Sub ${i + 1} ${project.id.slice(0, 6)}`);
    const contact = await makeUser(db, sub, { name: `Bench Contact ${i + 1}`, password: PASSWORD, emailEnabled: true });
    await addToProject(db, project, contact, 'read_only');
    subs.push(sub);
    contacts.push(contact);
  }
  const sov = Array.from({ length: options.lines }, (_, i) => scheduledValue(i));
  const commitments: Commitment[] = [];
  for (let i = 0; i < options.commitments; i += 1) {
    const k = i % options.contacts;
    commitments.push(
      await makeCommitment(db, project, {
        contractCompanyId: subs[k]?.id,
        invoiceContactIds: [contacts[k]?.id ?? ''],
        status: 'approved',
        retainageWorkBp: 1000,
        retainageMaterialsBp: 500,
        sov,
      }),
    );
  }
  const today = todayIn(project.timeZone, now);
  const period = await createBillingPeriod(db, viewerOf(admin), project.id, { startsOn: addDays(today, -10), endsOn: addDays(today, 20), dueOn: addDays(today, 20) }, now);
  return { project, admin, contacts, commitments, periodId: period.id, p: `/api/v1/projects/${project.id}` };
}
