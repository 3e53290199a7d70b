/**
 * The demo's billing cycle, so a newcomer finds a project mid-cycle: last month's period closed with
 * approved invoices, this month's period open (due in ten days) with invites sent, one invoice under
 * review, one sent back for revision — and Rosa's commitment invited, waiting for her answer.
 * The project allows overbilling, and the invoice under review bills one line over 100%, so the
 * flag shows on the billing board and in the review (issue 10, item 7).
 * Every step goes through the services, as the people involved would do it.
 */
import { getInvoicePayments, recordPayment } from '../services/billing/payments.ts';
import { setRetainageRules } from '../services/commitments/retainage-rules.ts';
import { updateCommitment } from '../services/commitments/update-commitment.ts';
import { requestSsov } from '../services/ssov/request-ssov.ts';
import { addDays, addMonths, dayOfMonth, todayIn } from '../domain/calendar.ts';
import type { Viewer } from '../domain/permissions.ts';
import type { Db } from '../db/database.ts';
import { getInvoice, listInvoiceLines } from '../db/invoices.queries.ts';
import { createBillingPeriod } from '../services/billing/billing-periods.ts';
import { changeInvoiceStatus } from '../services/billing/change-invoice-status.ts';
import { createInvoice } from '../services/billing/create-invoice.ts';
import { respondToInvite, sendInvites } from '../services/billing/invites.ts';
import { reviewInvoice } from '../services/billing/review-invoice.ts';
import { saveInvoiceLines } from '../services/billing/save-invoice-lines.ts';
import { setInvoiceDistribution, updateProjectSettings } from '../services/billing/save-settings.ts';
import { getProjectSettings } from '../db/settings.queries.ts';

type Person = Viewer & { name: string };

async function personByEmail(db: Db, email: string): Promise<Person> {
  const row = await db.selectFrom('users').select(['id', 'companyId', 'isCompanyAdmin', 'name']).where('email', '=', email).executeTakeFirstOrThrow();
  return { userId: row.id, companyId: row.companyId, isCompanyAdmin: row.isCompanyAdmin, name: row.name };
}

async function commitmentByNumber(db: Db, tenantId: string, projectId: string, number: string): Promise<{ id: string; contactIds: string[] }> {
  const row = await db.selectFrom('commitments').select('id').where('tenantId', '=', tenantId).where('projectId', '=', projectId).where('number', '=', number).executeTakeFirstOrThrow();
  const contacts = await db.selectFrom('commitmentInvoiceContacts').select('userId').where('tenantId', '=', tenantId).where('commitmentId', '=', row.id).execute();
  return { id: row.id, contactIds: contacts.map((c) => c.userId) };
}

async function viewerOf(db: Db, userId: string): Promise<Viewer> {
  const row = await db.selectFrom('users').select(['id', 'companyId', 'isCompanyAdmin']).where('id', '=', userId).executeTakeFirstOrThrow();
  return { userId: row.id, companyId: row.companyId, isCompanyAdmin: row.isCompanyAdmin };
}

/** Bills `percentBp` complete to date on every line of an invoice (as its author). */
async function billPercent(db: Db, who: Viewer, tenantId: string, projectId: string, invoiceId: string, percentBp: number, now: Date): Promise<void> {
  const invoice = await getInvoice(db, tenantId, projectId, invoiceId);
  const lines = (await listInvoiceLines(db, tenantId, [invoiceId])).get(invoiceId) ?? [];
  await saveInvoiceLines(
    db,
    who,
    projectId,
    invoiceId,
    { version: invoice.version, mode: 'claim', lines: lines.map((l) => ({ lineId: l.id, percentCompleteToDateBp: percentBp })) },
    now,
  );
}

async function version(db: Db, tenantId: string, projectId: string, invoiceId: string): Promise<number> {
  return (await getInvoice(db, tenantId, projectId, invoiceId)).version;
}

export async function loadBillingDemo(db: Db, tenantId: string, projectName: string, now: Date): Promise<void> {
  const project = await db.selectFrom('projects').select(['id', 'timeZone']).where('tenantId', '=', tenantId).where('name', '=', projectName).executeTakeFirstOrThrow();
  const projectId = project.id;
  const accountant = await personByEmail(db, 'priya.raman@northwind.example');
  const manager = await personByEmail(db, 'marcus.bell@northwind.example');
  const settings = await getProjectSettings(db, tenantId, projectId);
  await updateProjectSettings(
    db,
    accountant,
    projectId,
    { version: settings.version, approvalNoticesEnabled: true, allowOverbilling: true, inviteMessage: 'Please bill by the due date. Include stored-materials invoices and insurance certificates as attachments.' },
    now,
  );
  await setInvoiceDistribution(db, accountant, projectId, [accountant.userId, manager.userId], now);

  const today = todayIn(project.timeZone, now);
  const thisMonth = dayOfMonth(today, 1);
  const lastMonth = addMonths(thisMonth, -1);
  // Last month: closed, two invoices approved.
  await createBillingPeriod(db, accountant, projectId, { startsOn: lastMonth, endsOn: addDays(thisMonth, -1), dueOn: dayOfMonth(lastMonth, 25) }, now);
  for (const number of ['SC-001', 'SC-002']) {
    const commitment = await commitmentByNumber(db, tenantId, projectId, number);
    const invoice = await createInvoice(db, accountant, projectId, commitment.id, {}, now);
    await billPercent(db, accountant, tenantId, projectId, invoice.id, 1500, now);
    await changeInvoiceStatus(db, accountant, projectId, invoice.id, { action: 'submit', version: await version(db, tenantId, projectId, invoice.id) }, now);
    await changeInvoiceStatus(db, accountant, projectId, invoice.id, { action: 'approve', version: await version(db, tenantId, projectId, invoice.id) }, now);
    // Paid outside payapp and recorded here: SC-001 in full, SC-002 half so far.
    const { dueCents } = await getInvoicePayments(db, accountant, projectId, invoice.id, now);
    const amountCents = number === 'SC-001' ? dueCents : Math.floor(dueCents / 2);
    await recordPayment(db, accountant, projectId, invoice.id, { amountCents, paidOn: dayOfMonth(thisMonth, 5) < today ? dayOfMonth(thisMonth, 5) : today, method: number === 'SC-001' ? 'check' : 'electronic', reference: number === 'SC-001' ? '10482' : 'ACH-2291' }, now);
  }
  // This month: open until at least two weeks out, due in ten days.
  const dueOn = addDays(today, 10);
  const monthEnd = dayOfMonth(thisMonth, 31);
  const endsOn = monthEnd > dueOn ? monthEnd : addDays(today, 14);
  await createBillingPeriod(db, accountant, projectId, { startsOn: thisMonth, endsOn, dueOn }, now);
  const invitable = await db
    .selectFrom('commitments as c')
    .select('c.id')
    .where('c.tenantId', '=', tenantId)
    .where('c.projectId', '=', projectId)
    .where('c.status', 'in', ['approved', 'complete'])
    .where((eb) =>
      eb.exists(eb.selectFrom('commitmentInvoiceContacts as k').select('k.userId').whereRef('k.tenantId', '=', 'c.tenantId').whereRef('k.commitmentId', '=', 'c.id')),
    )
    .execute();
  await sendInvites(db, accountant, projectId, { commitmentIds: invitable.map((c) => c.id), invoiceType: 'work_and_materials' }, now);

  // SC-001's contact answered Yes and submitted; SC-002's was sent back for one line.
  const underReview = await commitmentByNumber(db, tenantId, projectId, 'SC-001');
  const hector = await viewerOf(db, underReview.contactIds[0] ?? '');
  await respondToInvite(db, hector, projectId, underReview.id, 'accepted', now);
  const submitted = await createInvoice(db, hector, projectId, underReview.id, { number: 'GF-2231' }, now);
  await billPercent(db, hector, tenantId, projectId, submitted.id, 3000, now);
  // Extra layout work on the last line, billed at 106% while a change order is negotiated: allowed
  // on this project, and flagged for the reviewer.
  const lastLine = ((await listInvoiceLines(db, tenantId, [submitted.id])).get(submitted.id) ?? []).at(-1);
  if (lastLine) {
    await saveInvoiceLines(
      db,
      hector,
      projectId,
      submitted.id,
      { version: await version(db, tenantId, projectId, submitted.id), mode: 'claim', lines: [{ lineId: lastLine.id, percentCompleteToDateBp: 10_600 }] },
      now,
    );
  }
  await changeInvoiceStatus(db, hector, projectId, submitted.id, { action: 'submit', version: await version(db, tenantId, projectId, submitted.id) }, now);

  const sentBack = await commitmentByNumber(db, tenantId, projectId, 'SC-002');
  const omar = await viewerOf(db, sentBack.contactIds[0] ?? '');
  const second = await createInvoice(db, omar, projectId, sentBack.id, { number: 'IS-0417' }, now);
  await billPercent(db, omar, tenantId, projectId, second.id, 3500, now);
  await changeInvoiceStatus(db, omar, projectId, second.id, { action: 'submit', version: await version(db, tenantId, projectId, second.id) }, now);
  const firstLine = ((await listInvoiceLines(db, tenantId, [second.id])).get(second.id) ?? [])[0];
  if (firstLine) {
    await reviewInvoice(
      db,
      accountant,
      projectId,
      second.id,
      { version: await version(db, tenantId, projectId, second.id), lines: [{ lineId: firstLine.id, decision: 'rejected', reason: 'Site walk shows 25% in place, not 35%. Please revise this line.' }] },
      now,
    );
  }

  // SC-003 holds retainage on a sliding scale; SC-004's contact is asked for a Subcontractor SOV.
  const drywall = await commitmentByNumber(db, tenantId, projectId, 'SC-003');
  await setRetainageRules(
    db,
    accountant,
    projectId,
    drywall.id,
    { version: 0, scale: { rules: [{ kind: 'until_percent_of_original', rateBp: 1000, thresholdBp: 500 }], afterRateBp: 0 } },
    now,
  );
  const electrical = await commitmentByNumber(db, tenantId, projectId, 'SC-004');
  const { version: electricalVersion } = await db
    .selectFrom('commitments')
    .select('version')
    .where('tenantId', '=', tenantId)
    .where('id', '=', electrical.id)
    .executeTakeFirstOrThrow();
  await updateCommitment(db, accountant, projectId, electrical.id, { version: electricalVersion, ssovEnabled: true }, now);
  await requestSsov(db, accountant, projectId, electrical.id, { message: 'Please break the electrical SOV down by floor before your first invoice.' }, now);
}
