/**
 * Loads the demo data set (demo-data.ts) into an empty database through the real services, as
 * the GC's company admin would enter it, so every rule the services enforce holds for the demo.
 * Deterministic: the schedules of values come from seeded generators; `now` stamps every write.
 * Not atomic (each service commits its own transaction): should a load fail halfway, start again
 * from an empty database.
 */
import type { ChangeOrder } from '../domain/change-order.ts';
import type { Commitment } from '../domain/commitment.ts';
import { parseDecimalToCents } from '../domain/money.ts';
import type { Viewer } from '../domain/permissions.ts';
import type { Db } from '../db/database.ts';
import { hasAnyUser, setMissingPasswordHashes } from '../db/demo.queries.ts';
import { hashPassword } from '../services/auth/secrets.ts';
import { createChangeOrder, updateChangeOrder } from '../services/commitments/change-orders.ts';
import { createCommitment } from '../services/commitments/create-commitment.ts';
import { addInvoiceContact, addPrivateListUser } from '../services/commitments/invoice-contacts.ts';
import { replaceSovLines } from '../services/commitments/schedule-of-values.ts';
import { createAdmin } from '../services/directory/create-admin.ts';
import { createCompany, updateCompany } from '../services/directory/save-company.ts';
import { createUser, updateUser } from '../services/directory/save-user.ts';
import { addProjectCompany, setProjectUser } from '../services/projects/project-directory.ts';
import { createProject } from '../services/projects/save-project.ts';
import { joinedTransactionFailed, joinTransaction } from '../db/joined-transaction.ts';
import { demoSovLines } from './build-sov.ts';
import {
  COMPANIES,
  companyByKey,
  DEMO_PASSWORD,
  emailOf,
  GC_KEY,
  personKey,
  PROJECTS,
  type DemoChangeOrder,
  type DemoCommitment,
  type DemoCompany,
  type DemoProject,
} from './demo-data.ts';
import { printAccountTable } from './demo-accounts.ts';
import { loadAttentionDemo } from './load-attention-demo.ts';
import { loadBillingDemo } from './load-billing-demo.ts';

export async function isDatabaseEmpty(db: Db): Promise<boolean> {
  return !(await hasAnyUser(db));
}

/** Ids of what has been created so far, by catalogue key. */
type Ids = { companies: Map<string, string>; people: Map<string, string> };

function idOf(map: Map<string, string>, key: string): string {
  const id = map.get(key);
  if (id === undefined) throw new Error(`The demo catalogue names "${key}", which was not created.`);
  return id;
}

/**
 * Loads the demo in ONE transaction: the services' own transactions join it (no BEGIN/COMMIT per
 * step, no commit flush per step), and a failure leaves the database empty rather than half a demo.
 */
export async function loadDemo(db: Db, now: Date): Promise<void> {
  await db.transaction().execute(async (trx) => {
    const joined = joinTransaction(trx);
    await loadDemoSteps(joined, now);
    if (joinedTransactionFailed(joined)) throw new Error('A step of the demo failed; nothing was loaded.');
  });
}

async function loadDemoSteps(db: Db, now: Date): Promise<void> {
  const gc = companyByKey(GC_KEY);
  const adminPerson = gc.people.find((p) => p.isCompanyAdmin);
  if (!adminPerson) throw new Error('The demo catalogue needs a GC company with a company admin.');

  // The first account, as `payapp create-admin` makes it: it creates everything else.
  const { user: admin } = await createAdmin(
    db,
    { email: emailOf(gc, adminPerson), name: adminPerson.name, password: DEMO_PASSWORD, companyName: gc.name },
    now,
    'http://localhost',
  );
  const viewer: Viewer = { userId: admin.id, companyId: admin.companyId, isCompanyAdmin: true };
  await updateCompany(db, viewer, admin.companyId, { address: gc.address }, now);

  const ids: Ids = {
    companies: new Map([[GC_KEY, admin.companyId]]),
    people: new Map([[personKey(gc, adminPerson), admin.id]]),
  };
  for (const company of COMPANIES) {
    if (company.key !== GC_KEY) {
      const created = await createCompany(db, viewer, { name: company.name, kind: company.kind, address: company.address }, now);
      ids.companies.set(company.key, created.id);
    }
    await createPeople(db, viewer, company, ids, now);
  }
  // One argon2 hash for the shared password instead of one per person (each takes ~12 ms).
  await setMissingPasswordHashes(db, [...ids.people.values()], await hashPassword(DEMO_PASSWORD), now);

  for (const project of PROJECTS) await loadProject(db, viewer, project, ids, now);

  // A project mid-cycle, so the board, the mailbox and My work have something to show.
  // The demo GC's company is the tenant of every demo project (decision 025).
  await loadBillingDemo(db, admin.companyId, 'Riverside Medical Office Building', now);
  await loadAttentionDemo(db, admin.companyId, 'Riverside Medical Office Building', now);

  // People who left their company stay in the directories they were in, inactive.
  for (const company of COMPANIES) {
    for (const person of company.people) {
      if (person.inactive) {
        await updateUser(db, viewer, idOf(ids.people, personKey(company, person)), { isActive: false }, now);
      }
    }
  }
}

async function createPeople(db: Db, viewer: Viewer, company: DemoCompany, ids: Ids, now: Date): Promise<void> {
  const companyId = idOf(ids.companies, company.key);
  for (const person of company.people) {
    const key = personKey(company, person);
    if (ids.people.has(key)) continue;
    const user = await createUser(
      db,
      null,
      { companyId, name: person.name, email: emailOf(company, person), isCompanyAdmin: person.isCompanyAdmin ?? false },
      now,
    );
    ids.people.set(key, user.id);
  }
  if (company.defaultInvoiceContact !== undefined) {
    const contact = company.people.find((p) => p.name.startsWith(`${company.defaultInvoiceContact} `));
    if (!contact) throw new Error(`${company.name} has no employee named ${company.defaultInvoiceContact}.`);
    const defaultInvoiceContactId = idOf(ids.people, personKey(company, contact));
    await updateCompany(db, viewer, companyId, { defaultInvoiceContactId }, now);
  }
}

async function loadProject(db: Db, viewer: Viewer, project: DemoProject, ids: Ids, now: Date): Promise<void> {
  const created = await createProject(
    db,
    viewer,
    {
      name: project.name,
      number: project.number,
      address: project.address,
      currency: project.currency,
      locale: project.locale,
      timeZone: project.timeZone,
    },
    now,
  );
  const projectId = created.id;
  for (const [key, permission] of Object.entries(project.staff)) {
    await setProjectUser(db, viewer, projectId, idOf(ids.people, key), permission, now);
  }
  // Every contract company joins the directory, its people with Read Only unless overridden.
  const companyKeys = [...new Set(project.commitments.map((c) => c.company))];
  for (const companyKey of companyKeys) {
    await addProjectCompany(db, viewer, projectId, idOf(ids.companies, companyKey), now);
    const company = companyByKey(companyKey);
    for (const person of company.people) {
      const key = personKey(company, person);
      await setProjectUser(db, viewer, projectId, idOf(ids.people, key), project.overrides?.[key] ?? 'read_only', now);
    }
  }
  for (const commitment of project.commitments) await loadCommitment(db, viewer, project, projectId, commitment, ids, now);
}

async function loadCommitment(
  db: Db,
  viewer: Viewer,
  project: DemoProject,
  projectId: string,
  entry: DemoCommitment,
  ids: Ids,
  now: Date,
): Promise<void> {
  const { commitment, warnings } = await createCommitment(
    db,
    viewer,
    projectId,
    {
      kind: entry.kind,
      number: entry.number,
      title: entry.title,
      description: entry.description,
      status: entry.status,
      contractCompanyId: idOf(ids.companies, entry.company),
      isPrivate: entry.isPrivate ?? true,
      privateSovVisible: entry.privateSovVisible ?? false,
      retainageWorkBp: entry.retainageWorkBp,
      retainageMaterialsBp: entry.retainageMaterialsBp,
    },
    now,
  );
  if (warnings.length > 0) throw new Error(`Demo ${project.number} ${entry.number}: ${warnings.join(' ')}`);

  const lines = demoSovLines(project, entry);
  await replaceSovLines(db, viewer, projectId, commitment.id, { version: commitment.version, lines }, now);

  for (const key of entry.contacts) {
    await addInvoiceContact(db, viewer, projectId, commitment.id, idOf(ids.people, key), now);
  }
  for (const key of entry.privateList ?? []) {
    await addPrivateListUser(db, viewer, projectId, commitment.id, idOf(ids.people, key), now);
  }
  for (const changeOrder of entry.changeOrders ?? []) {
    await loadChangeOrder(db, viewer, projectId, commitment, changeOrder, now);
  }
}

async function loadChangeOrder(
  db: Db,
  viewer: Viewer,
  projectId: string,
  commitment: Commitment,
  entry: DemoChangeOrder,
  now: Date,
): Promise<ChangeOrder> {
  const [initial, next] =
    entry.status === 'draft_then_pending'
      ? (['draft', 'pending'] as const)
      : entry.status === 'pending_then_approved'
        ? (['pending', 'approved'] as const)
        : ([entry.status, undefined] as const);
  const created = await createChangeOrder(
    db,
    viewer,
    projectId,
    commitment.id,
    {
      number: entry.number,
      title: entry.title,
      status: initial,
      lines: entry.lines.map((line, index) => ({
        itemNumber: String(index + 1),
        costCode: line.costCode,
        description: line.description,
        // The catalogue writes dollars as literals; read them as decimal text, never through float arithmetic.
        amountCents: parseDecimalToCents(String(line.amountDollars)),
      })),
    },
    now,
  );
  if (next === undefined) return created;
  return updateChangeOrder(db, viewer, projectId, commitment.id, created.id, { version: created.version, status: next }, now);
}

/** Prints the password and a table of sign-in accounts, found again in the database by email. */
export async function printDemoAccounts(db: Db): Promise<void> {
  await printAccountTable(db);
}
