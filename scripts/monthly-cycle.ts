/**
 * The monthly billing cycle, end to end, through the public HTTP API only (issue #3, "Done when").
 *
 *   npx tsx scripts/monthly-cycle.ts
 *       starts its own payapp in-process on a fresh temporary embedded database, creates the first
 *       company admin (the only thing not done through the API: someone has to sign in), runs the
 *       cycle and stops;
 *   BASE_URL=http://127.0.0.1:3000 ADMIN_EMAIL=admin@example.com ADMIN_PASSWORD=… npx tsx scripts/monthly-cycle.ts
 *       runs the cycle against a running payapp as that company admin; every company, person,
 *       project and commitment it creates has a unique name, so it can run again and again.
 *
 * The story, for one subcontract (Volt Electric, 10% retainage on work, 5% on stored materials):
 *   Period 1  invite → accept → the contact bills work and $20,000.00 of stored switchgear; the
 *             administrator rejects one line with a reason (Revise & Resubmit); the contact fixes
 *             it and resubmits; approved.
 *   Period 2  change order CO-001 (+$7,500.00 EV circuits, −$1,200.00 owner-furnished fixtures
 *             credit) is approved while the invoice is a draft and joins it; $15,000.00 of the
 *             stored switchgear moves into work; the administrator certifies less than claimed on
 *             one line, with a reason, and approves as noted.
 *   Period 3  work retainage steps down to 5% for new work (never retroactive); mobilization is
 *             finished and its retainage released; the rest of the stored materials are installed.
 * Every G702 line of each approved invoice is printed and compared with the hand-checked
 * expectation below; any difference makes the run fail (exit code 1).
 *
 * Billing period dates follow "today" (each period is a week, the first starting today, each due
 * on its last day) because invoice contacts bill only the open period on or before its due date.
 * The dates are labels: the amounts do not depend on them.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadConfig } from '../src/config.ts';
import { openDatabase, type DatabaseHandle } from '../src/db/database.ts';
import { migrateToLatest } from '../src/db/migrate.ts';
import { startServer } from '../src/server.ts';
import { createAdmin } from '../src/services/directory/create-admin.ts';

// ─── Money ────────────────────────────────────────────────────────────────────────────────────

/** "12,345.67" (or "-1,200.00") → cents, exactly. Used to write expectations the way people read them. */
export function dollars(text: string): number {
  const match = /^(-)?([\d,]+)\.(\d\d)$/.exec(text);
  if (!match) throw new Error(`Write amounts like 12,345.67, not ${text}`);
  const cents = Number(match[2]?.replace(/,/g, '')) * 100 + Number(match[3]);
  return match[1] ? -cents : cents;
}

/** cents → "$12,345.67" / "-$1,200.00", without floating point. */
export function usd(cents: number): string {
  const abs = Math.abs(cents);
  const whole = Math.floor(abs / 100)
    .toString()
    .replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return `${cents < 0 ? '-' : ''}$${whole}.${String(abs % 100).padStart(2, '0')}`;
}

// ─── The G702 and the hand-checked expectations ─────────────────────────────────────────────

export type G702 = {
  originalContractSumCents: number;
  netChangeByChangeOrdersCents: number;
  contractSumToDateCents: number;
  totalCompletedAndStoredCents: number;
  retainageOnCompletedWorkCents: number;
  retainageOnStoredMaterialsCents: number;
  totalRetainageCents: number;
  totalEarnedLessRetainageCents: number;
  lessPreviousCertificatesCents: number;
  currentPaymentDueCents: number;
  balanceToFinishInclRetainageCents: number;
};

export const G702_LINES: { line: string; key: keyof G702; label: string }[] = [
  { line: '1', key: 'originalContractSumCents', label: 'Original contract sum' },
  { line: '2', key: 'netChangeByChangeOrdersCents', label: 'Net change by change orders' },
  { line: '3', key: 'contractSumToDateCents', label: 'Contract sum to date (1 + 2)' },
  { line: '4', key: 'totalCompletedAndStoredCents', label: 'Total completed and stored to date' },
  { line: '5a', key: 'retainageOnCompletedWorkCents', label: 'Retainage on completed work' },
  { line: '5b', key: 'retainageOnStoredMaterialsCents', label: 'Retainage on stored materials' },
  { line: '5', key: 'totalRetainageCents', label: 'Total retainage (5a + 5b)' },
  { line: '6', key: 'totalEarnedLessRetainageCents', label: 'Total earned less retainage (4 - 5)' },
  { line: '7', key: 'lessPreviousCertificatesCents', label: 'Less previous certificates for payment' },
  { line: '8', key: 'currentPaymentDueCents', label: 'Current payment due (6 - 7)' },
  { line: '9', key: 'balanceToFinishInclRetainageCents', label: 'Balance to finish incl. retainage (3 - 6)' },
];

type Expected = Record<keyof G702, string>;

/*
 * The schedule of values (G702 line 1 = Σ C = $90,000.00):
 *   1  Mobilization and general conditions   C = 12,000.00
 *   2  Branch wiring and devices             C = 48,000.00
 *   3  Switchgear and panelboards            C = 30,000.00
 * Change order CO-001, approved in period 2 (line 2 = 7,500.00 − 1,200.00 = 6,300.00):
 *   CO1.1  EV charger circuits               C =  7,500.00
 *   CO1.2  Credit: owner-furnished fixtures  C = -1,200.00  (never billed: the work is not done)
 * Retainage: 10% on work, 5% on stored materials; from period 3, 5% on new work.
 * Rounding: half away from zero to the cent, per line; totals are sums of the rounded lines.
 */

/*
 * Invoice 1 (period 1), after the revise-and-resubmit:
 *   line 1: E = 6,000.00                     work ret 10% = 600.00
 *   line 2: E = 8,765.45 (first claimed 9,876.55, rejected)
 *                                            work ret 10% = 876.545 → 876.55 (half-cent, rounds up)
 *   line 3: new materials stored 20,000.00 → F = 20,000.00; materials ret 5% = 1,000.00
 *   4  = 6,000.00 + 8,765.45 + 20,000.00     = 34,765.45
 *   5a = 600.00 + 876.55                     =  1,476.55
 *   5b = 1,000.00
 *   5  = 1,476.55 + 1,000.00                 =  2,476.55
 *   6  = 34,765.45 − 2,476.55                = 32,288.90
 *   7  = 0.00 (first application)
 *   8  = 32,288.90 − 0.00                    = 32,288.90
 *   9  = 90,000.00 − 32,288.90               = 57,711.10
 */
const EXPECTED_1: Expected = {
  originalContractSumCents: '90,000.00',
  netChangeByChangeOrdersCents: '0.00',
  contractSumToDateCents: '90,000.00',
  totalCompletedAndStoredCents: '34,765.45',
  retainageOnCompletedWorkCents: '1,476.55',
  retainageOnStoredMaterialsCents: '1,000.00',
  totalRetainageCents: '2,476.55',
  totalEarnedLessRetainageCents: '32,288.90',
  lessPreviousCertificatesCents: '0.00',
  currentPaymentDueCents: '32,288.90',
  balanceToFinishInclRetainageCents: '57,711.10',
};

/*
 * Invoice 2 (period 2), certified (approved as noted):
 *   line 1: D = 6,000.00, E = 3,000.00 → G = 9,000.00        work ret held 600.00 + 300.00 = 900.00
 *   line 2: D = 8,765.45, claimed E = 14,400.00, CERTIFIED E = 12,000.00 → G = 20,765.45
 *                                            work ret held 876.55 + 1,200.00 = 2,076.55
 *   line 3: 15,000.00 of the 20,000.00 stored installed; 4,000.00 newly stored; E = 15,000.00 of
 *           installed materials + 2,500.00 of labour = 17,500.00
 *           F = 20,000.00 + 4,000.00 − 15,000.00 = 9,000.00;  G = 0 + 17,500.00 + 9,000.00 = 26,500.00
 *           work ret 10% × 17,500.00 = 1,750.00
 *           materials ret: 1,000.00 held + 5% × 4,000.00 = 1,200.00 in the pool; moved out with the
 *           installed materials 1,200.00 × 15,000 / 24,000 = 750.00 → 450.00 held (= 5% of F)
 *   CO1.1:  entered as 40% complete to date → E = 40% × 7,500.00 = 3,000.00; work ret 300.00
 *   CO1.2:  nothing billed, G = 0.00
 *   1  = 90,000.00
 *   2  = 7,500.00 − 1,200.00                                  =  6,300.00
 *   3  = 96,300.00
 *   4  = 9,000.00 + 20,765.45 + 26,500.00 + 3,000.00 + 0.00   = 59,265.45
 *   5a = 900.00 + 2,076.55 + 1,750.00 + 300.00                =  5,026.55
 *   5b = 450.00
 *   5  = 5,476.55
 *   6  = 59,265.45 − 5,476.55                                 = 53,788.90
 *   7  = line 6 of invoice 1                                  = 32,288.90
 *   8  = 53,788.90 − 32,288.90                                = 21,500.00
 *        (check: earned this period 24,500.00 − retainage held this period 3,000.00 = 21,500.00)
 *   9  = 96,300.00 − 53,788.90                                = 42,511.10
 */
const EXPECTED_2: Expected = {
  originalContractSumCents: '90,000.00',
  netChangeByChangeOrdersCents: '6,300.00',
  contractSumToDateCents: '96,300.00',
  totalCompletedAndStoredCents: '59,265.45',
  retainageOnCompletedWorkCents: '5,026.55',
  retainageOnStoredMaterialsCents: '450.00',
  totalRetainageCents: '5,476.55',
  totalEarnedLessRetainageCents: '53,788.90',
  lessPreviousCertificatesCents: '32,288.90',
  currentPaymentDueCents: '21,500.00',
  balanceToFinishInclRetainageCents: '42,511.10',
};

/*
 * Invoice 2 as the contact CLAIMED it (line 2 at E = 14,400.00: 2,400.00 more G, 240.00 more retainage):
 *   4 = 61,665.45; 5a = 5,266.55; 5 = 5,716.55; 6 = 55,948.90; 8 = 55,948.90 − 32,288.90 = 23,660.00;
 *   9 = 96,300.00 − 55,948.90 = 40,351.10
 */
const EXPECTED_2_CLAIMED: Expected = {
  ...EXPECTED_2,
  totalCompletedAndStoredCents: '61,665.45',
  retainageOnCompletedWorkCents: '5,266.55',
  totalRetainageCents: '5,716.55',
  totalEarnedLessRetainageCents: '55,948.90',
  currentPaymentDueCents: '23,660.00',
  balanceToFinishInclRetainageCents: '40,351.10',
};

/*
 * Invoice 3 (period 3), work retainage now 5% on new work (what was held at 10% stays held):
 *   line 1: entered as 100% → E = 12,000.00 − 9,000.00 = 3,000.00; work ret 5% = 150.00;
 *           held 900.00 + 150.00 = 1,050.00, all of it released → 0.00 held;  G = 12,000.00
 *   line 2: D = 20,765.45 (the CERTIFIED amount, not the claim), E = 10,000.10
 *           work ret 5% = 500.005 → 500.01 (half-cent); held 2,076.55 + 500.01 = 2,576.56; G = 30,765.55
 *   line 3: the last 9,000.00 of stored materials installed + 1,500.00 labour → E = 10,500.00;
 *           F = 9,000.00 − 9,000.00 = 0.00; G = 17,500.00 + 10,500.00 = 28,000.00
 *           work ret 5% = 525.00 → held 1,750.00 + 525.00 = 2,275.00
 *           materials ret: 450.00 × 9,000 / 9,000 = 450.00 moves out → 0.00 held
 *   CO1.1:  entered as 100% → E = 7,500.00 − 3,000.00 = 4,500.00; work ret 5% = 225.00;
 *           held 300.00 + 225.00 = 525.00; G = 7,500.00
 *   CO1.2:  G = 0.00
 *   4  = 12,000.00 + 30,765.55 + 28,000.00 + 7,500.00 + 0.00  = 78,265.55
 *   5a = 0.00 + 2,576.56 + 2,275.00 + 525.00                  =  5,376.56
 *   5b = 0.00
 *   5  = 5,376.56
 *   6  = 78,265.55 − 5,376.56                                 = 72,888.99
 *   7  = line 6 of invoice 2 (certified)                      = 53,788.90
 *   8  = 72,888.99 − 53,788.90                                = 19,100.09
 *        (check: earned 19,000.10 − retainage held this period (150.00 + 500.01 + 525.00 + 225.00
 *         − 450.00 materials moved out) 950.01 + released 1,050.00 = 19,100.09)
 *   9  = 96,300.00 − 72,888.99                                = 23,411.01
 */
const EXPECTED_3: Expected = {
  originalContractSumCents: '90,000.00',
  netChangeByChangeOrdersCents: '6,300.00',
  contractSumToDateCents: '96,300.00',
  totalCompletedAndStoredCents: '78,265.55',
  retainageOnCompletedWorkCents: '5,376.56',
  retainageOnStoredMaterialsCents: '0.00',
  totalRetainageCents: '5,376.56',
  totalEarnedLessRetainageCents: '72,888.99',
  lessPreviousCertificatesCents: '53,788.90',
  currentPaymentDueCents: '19,100.09',
  balanceToFinishInclRetainageCents: '23,411.01',
};

// ─── A small HTTP client ────────────────────────────────────────────────────────────────────

type Auth = { kind: 'session'; cookie: string; csrf: string } | { kind: 'bearer'; token: string };

class ApiError extends Error {}

class Api {
  constructor(
    readonly baseUrl: string,
    readonly who: string,
    private readonly auth: Auth | null,
  ) {}

  async send<T = any>(
    method: string,
    path: string,
    body?: unknown,
    options: { expect?: number[]; headers?: Record<string, string> } = {},
  ): Promise<{ status: number; body: T; headers: Headers }> {
    const headers: Record<string, string> = { accept: 'application/json', ...options.headers };
    if (body !== undefined) headers['content-type'] = 'application/json';
    if (this.auth?.kind === 'bearer') headers.authorization = `Bearer ${this.auth.token}`;
    if (this.auth?.kind === 'session') {
      headers.cookie = this.auth.cookie;
      if (method !== 'GET') headers['x-csrf-token'] = this.auth.csrf;
    }
    const res = await fetch(`${this.baseUrl}/api/v1${path}`, {
      method,
      headers,
      ...(body !== undefined && { body: JSON.stringify(body) }),
    });
    const text = await res.text();
    const parsed = text ? (JSON.parse(text) as T) : (null as T);
    const expected = options.expect ?? [200, 201, 204];
    if (!expected.includes(res.status)) {
      throw new ApiError(`${this.who}: ${method} ${path} answered ${res.status}, expected ${expected.join('/')}: ${text}`);
    }
    return { status: res.status, body: parsed, headers: res.headers };
  }

  get<T = any>(path: string) {
    return this.send<T>('GET', path).then((r) => r.body);
  }
  post<T = any>(path: string, body: unknown, headers?: Record<string, string>) {
    return this.send<T>('POST', path, body, headers ? { headers } : {}).then((r) => r.body);
  }
  put<T = any>(path: string, body: unknown) {
    return this.send<T>('PUT', path, body).then((r) => r.body);
  }
  patch<T = any>(path: string, body: unknown) {
    return this.send<T>('PATCH', path, body).then((r) => r.body);
  }
}

/** Signs in with email and password: the session cookie plus the CSRF token for writes. */
async function signIn(baseUrl: string, who: string, email: string, password: string): Promise<Api & { userId: string; companyId: string }> {
  const res = await new Api(baseUrl, who, null).send<{ user: { id: string; companyId: string }; csrfToken: string }>('POST', '/session', {
    email,
    password,
  });
  const cookie = res.headers
    .getSetCookie()
    .map((c) => c.split(';')[0] ?? '')
    .find((c) => c.startsWith('payapp_session='));
  if (!cookie) throw new ApiError(`${who}: signing in set no session cookie`);
  return Object.assign(new Api(baseUrl, who, { kind: 'session', cookie, csrf: res.body.csrfToken }), {
    userId: res.body.user.id,
    companyId: res.body.user.companyId,
  });
}

/** Signs in, then creates a personal API token and uses it (how scripts and integrations work). */
async function signInWithToken(baseUrl: string, who: string, email: string, password: string): Promise<Api> {
  const session = await signIn(baseUrl, who, email, password);
  const created = await session.post<{ token: string }>('/me/api-tokens', { name: 'monthly-cycle script' });
  return new Api(baseUrl, who, { kind: 'bearer', token: created.token });
}

// ─── API shapes this script reads ──────────────────────────────────────────────────────────

type InvoiceLine = {
  id: string;
  itemNumber: string;
  description: string;
  scheduledValueCents: number;
  workCompletedPreviousCents: number;
  workCompletedThisPeriodCents: number;
  materialsStoredPreviousCents: number;
  materialsPresentlyStoredCents: number;
  totalCompletedAndStoredCents: number;
  percentCompleteBp: number;
  balanceToFinishCents: number;
  retainageHeldCents: number;
  claimed: { workCompletedThisPeriodCents: number };
  isCertifiedAdjusted: boolean;
  differenceReason: string | null;
  review: { status: 'approved' | 'rejected' | null; reason: string | null };
};

type InvoiceView = {
  invoice: { id: string; label: string; status: string; statusLabel: string; version: number; invoiceType: string; sequence: number };
  commitment: { number: string; title: string; contractCompanyName: string | null };
  period: { startsOn: string; endsOn: string; dueOn: string };
  lines: InvoiceLine[];
  summary: G702;
  claimedSummary: G702;
  submissionChecklist: { missing: string[]; items: { code: string; missingMessage: string | null }[] };
};

// ─── Output ─────────────────────────────────────────────────────────────────────────────────

function pad(text: string, width: number, align: 'left' | 'right' = 'left'): string {
  return align === 'left' ? text.padEnd(width) : text.padStart(width);
}

function g703Table(view: InvoiceView): string[] {
  const head = ['A', 'B description', 'C scheduled', 'D previous', 'E this period', 'F stored', 'G to date', 'G/C', 'H to finish', 'retainage held'];
  const widths = [6, 34, 13, 13, 13, 12, 13, 8, 13, 14];
  const row = (cells: string[]) => cells.map((c, i) => pad(c, widths[i] ?? 10, i < 2 ? 'left' : 'right')).join(' ');
  const lines = [row(head)];
  for (const l of view.lines) {
    lines.push(
      row([
        l.itemNumber,
        l.description.slice(0, 34),
        usd(l.scheduledValueCents),
        usd(l.workCompletedPreviousCents),
        usd(l.workCompletedThisPeriodCents),
        usd(l.materialsPresentlyStoredCents),
        usd(l.totalCompletedAndStoredCents),
        `${(l.percentCompleteBp / 100).toFixed(2)}%`,
        usd(l.balanceToFinishCents),
        usd(l.retainageHeldCents),
      ]),
    );
  }
  return lines;
}

/** The G702 table: claimed, certified, expected, and whether certified matches the expectation. */
function g702Table(view: InvoiceView, expected: Expected, expectedClaimed: Expected): { text: string[]; mismatches: string[] } {
  const mismatches: string[] = [];
  const text = [`${pad('Line', 5)}${pad('', 42)}${pad('Claimed', 15, 'right')}${pad('Certified', 15, 'right')}${pad('Expected', 15, 'right')}`];
  for (const { line, key, label } of G702_LINES) {
    const certified = view.summary[key];
    const claimed = view.claimedSummary[key];
    const want = dollars(expected[key]);
    const wantClaimed = dollars(expectedClaimed[key]);
    const ok = certified === want && claimed === wantClaimed;
    if (certified !== want) mismatches.push(`invoice ${view.invoice.label} line ${line} (${label}): got ${usd(certified)}, expected ${usd(want)}`);
    if (claimed !== wantClaimed) {
      mismatches.push(`invoice ${view.invoice.label} line ${line} (${label}) as claimed: got ${usd(claimed)}, expected ${usd(wantClaimed)}`);
    }
    text.push(
      `${pad(line, 5)}${pad(label, 42)}${pad(usd(claimed), 15, 'right')}${pad(usd(certified), 15, 'right')}${pad(usd(want), 15, 'right')}  ${ok ? 'ok' : 'MISMATCH'}`,
    );
  }
  return { text, mismatches };
}

// ─── The cycle ──────────────────────────────────────────────────────────────────────────────

export type CycleOptions = {
  /** A running payapp; when absent, one is started in-process. */
  baseUrl?: string | undefined;
  adminEmail?: string | undefined;
  adminPassword?: string | undefined;
  /** In-process only: an already migrated database to serve (tests pass theirs); else a fresh temporary one. */
  database?: DatabaseHandle | undefined;
  /** Where the narrative and tables go (default: console.log). */
  log?: ((line: string) => void) | undefined;
};

export type CycleReport = {
  ok: boolean;
  mismatches: string[];
  invoices: { label: string; status: string; summary: G702; claimedSummary: G702 }[];
  output: string[];
};

function addDays(day: string, days: number): string {
  const d = new Date(`${day}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

function check(condition: unknown, message: string): asserts condition {
  if (!condition) throw new Error(`Unexpected: ${message}`);
}

async function runCycle(baseUrl: string, adminEmail: string, adminPassword: string, say: (line: string) => void): Promise<Omit<CycleReport, 'output'>> {
  const tag = randomUUID().slice(0, 6);
  const password = `cycle-${randomUUID()}`;
  const mismatches: string[] = [];
  const approved: { view: InvoiceView; expected: Expected; expectedClaimed: Expected }[] = [];

  // ── Set-up, as the company admin: companies, people, project ──
  const companyAdmin = await signIn(baseUrl, 'company admin', adminEmail, adminPassword);
  say(`Signed in as company admin ${adminEmail} (session cookie + CSRF token).`);
  const sub = await companyAdmin.post<{ id: string; name: string }>('/companies', { name: `Volt Electric ${tag}`, kind: 'subcontractor' });
  const ivy = await companyAdmin.post<{ id: string }>('/users', {
    companyId: companyAdmin.companyId,
    name: `Ivy Invoice-Admin ${tag}`,
    email: `ivy.${tag}@gc.example.test`,
    password,
  });
  const sam = await companyAdmin.post<{ id: string }>('/users', {
    companyId: sub.id,
    name: `Sam Sparks ${tag}`,
    email: `sam.${tag}@volt.example.test`,
    password,
  });
  const project = await companyAdmin.post<{ id: string; name: string }>('/projects', {
    name: `Riverside Clinic ${tag}`,
    number: `RC-${tag}`,
    currency: 'USD',
    locale: 'en-US',
    timeZone: 'UTC',
  });
  const p = `/projects/${project.id}`;
  await companyAdmin.put(`${p}/directory/companies/${sub.id}`, {});
  await companyAdmin.put(`${p}/directory/users/${ivy.id}`, { commitmentsPermission: 'admin' });
  await companyAdmin.put(`${p}/directory/users/${sam.id}`, { commitmentsPermission: 'read_only' });
  say(`Project ${project.name}: ${sub.name} in the directory; Ivy is Admin on Commitments (invoice administrator), Sam has Read Only.`);

  // ── The invoice administrator (session) and the invoice contact (API token) ──
  const admin = await signIn(baseUrl, 'invoice administrator', `ivy.${tag}@gc.example.test`, password);
  const contact = await signInWithToken(baseUrl, 'invoice contact', `sam.${tag}@volt.example.test`, password);

  const settings = await admin.get<{ version: number }>(`${p}/invoicing-settings`);
  await admin.patch(`${p}/invoicing-settings`, {
    version: settings.version,
    contactsMayBillWithoutInvite: false,
    allowOverbilling: false,
    inviteMessage: 'Please bill by the due date.',
  });
  say('Invoicing settings: contacts bill only when invited; billing over 100% is refused.');

  const created = await admin.post<{ commitment: { id: string; version: number; number: string } }>(`${p}/commitments`, {
    kind: 'subcontract',
    number: `SC-${tag}`,
    title: 'Electrical',
    status: 'approved',
    contractCompanyId: sub.id,
    invoiceContactIds: [sam.id],
    retainageWorkBp: 1000,
    retainageMaterialsBp: 500,
  });
  const commitmentId = created.commitment.id;
  const c = `${p}/commitments/${commitmentId}`;
  await admin.put(`${c}/sov`, {
    version: created.commitment.version,
    lines: [
      { itemNumber: '1', costCode: '26-0100', description: 'Mobilization and general conditions', scheduledValueCents: dollars('12,000.00') },
      { itemNumber: '2', costCode: '26-0500', description: 'Branch wiring and devices', scheduledValueCents: dollars('48,000.00') },
      { itemNumber: '3', costCode: '26-2400', description: 'Switchgear and panelboards', scheduledValueCents: dollars('30,000.00') },
    ],
  });
  const changeOrder = await admin.post<{ id: string; version: number }>(`${c}/change-orders`, {
    number: 'CO-001',
    title: 'EV charging; owner-furnished lobby fixtures',
    status: 'pending',
    lines: [
      { itemNumber: 'CO1.1', costCode: '26-2700', description: 'EV charger circuits', amountCents: dollars('7,500.00') },
      { itemNumber: 'CO1.2', costCode: '26-5100', description: 'Credit: owner-furnished lobby fixtures', amountCents: dollars('-1,200.00') },
    ],
  });
  say(`Commitment SC-${tag} (approved, 10% work / 5% materials retainage), SOV $90,000.00; CO-001 pending.`);

  const today = new Date().toISOString().slice(0, 10);
  const periodDates = (k: number) => {
    const startsOn = addDays(today, 7 * k);
    return { startsOn, endsOn: addDays(startsOn, 6), dueOn: addDays(startsOn, 6) };
  };

  /** Opens period k, invites the contact, and the contact says Yes. */
  async function openPeriodAndInvite(k: number, invoiceType: string): Promise<void> {
    const period = await admin.post<{ id: string; startsOn: string; endsOn: string; dueOn: string }>(`${p}/billing-periods`, periodDates(k));
    const invites = await admin.post<{ sent: number; refused: number }>(`${p}/invites`, { commitmentIds: [commitmentId], invoiceType });
    check(invites.sent === 1, `the invite was refused: ${JSON.stringify(invites)}`);
    await contact.post(`${c}/invite-response`, { response: 'accepted' });
    const board = await admin.get<{ rows: { commitmentId: string; billingStatus: string }[] }>(`${p}/billing-board`);
    const status = board.rows.find((r) => r.commitmentId === commitmentId)?.billingStatus;
    check(status === 'accepted', `billing status should be accepted, is ${status}`);
    say(`\nPeriod ${k + 1}: ${period.startsOn} to ${period.endsOn}, due ${period.dueOn}. Invited (${invoiceType}); Sam answered Yes.`);
  }

  /** The contact creates the period's invoice (retried once with the same Idempotency-Key). */
  async function createInvoice(number: string): Promise<InvoiceView> {
    const key = `monthly-cycle-${tag}-${number}`;
    const first = await contact.post<InvoiceView>(`${c}/invoices?view=full`, { number }, { 'idempotency-key': key });
    const retry = await contact.send<InvoiceView>('POST', `${c}/invoices?view=full`, { number }, { headers: { 'idempotency-key': key } });
    check(retry.body.invoice.id === first.invoice.id && retry.headers.get('idempotent-replayed') === 'true', 'a retried create must replay, not create');
    return first;
  }

  const lineOf = (view: InvoiceView, item: string): InvoiceLine => {
    const line = view.lines.find((l) => l.itemNumber === item);
    check(line, `invoice ${view.invoice.label} has no line ${item}`);
    return line;
  };
  const inv = (view: InvoiceView) => `${p}/invoices/${view.invoice.id}`;
  const transition = (api: Api, view: InvoiceView, action: string) => {
    // The submission checklist: the stored materials go without backup here, knowingly (issue 10).
    const acknowledge = action === 'submit' && view.submissionChecklist.missing.length > 0;
    if (acknowledge) say(`Submitting without: ${view.submissionChecklist.items.flatMap((i) => i.missingMessage ?? []).join(' ')}`);
    return api.post<InvoiceView>(
      `${inv(view)}/transitions?view=full`,
      { action, version: view.invoice.version, ...(acknowledge && { acknowledgeMissing: true }) },
      { 'idempotency-key': `${view.invoice.id}-${action}-${view.invoice.version}` },
    );
  };

  function record(view: InvoiceView, expected: Expected, expectedClaimed: Expected): void {
    check(view.invoice.status === 'approved' || view.invoice.status === 'approved_as_noted', `invoice ${view.invoice.label} is ${view.invoice.status}`);
    approved.push({ view, expected, expectedClaimed });
    say('');
    say(`Invoice ${view.invoice.label} (sequence ${view.invoice.sequence}) · ${view.commitment.number} ${view.commitment.title} · ${view.commitment.contractCompanyName ?? ''} · period ${view.period.startsOn} to ${view.period.endsOn} · ${view.invoice.statusLabel}`);
    say('G703 (certified):');
    for (const line of g703Table(view)) say(`  ${line}`);
    say('G702:');
    const table = g702Table(view, expected, expectedClaimed);
    for (const line of table.text) say(`  ${line}`);
    mismatches.push(...table.mismatches);
  }

  // ── Period 1: stored materials, revise and resubmit ──
  await openPeriodAndInvite(0, 'work_and_materials');
  let one = await createInvoice('VE-101');
  one = await contact.put<InvoiceView>(`${inv(one)}/lines?view=full`, {
    version: one.invoice.version,
    lines: [
      { lineId: lineOf(one, '1').id, workCompletedThisPeriodCents: dollars('6,000.00') },
      { lineId: lineOf(one, '2').id, workCompletedThisPeriodCents: dollars('9,876.55') },
      { lineId: lineOf(one, '3').id, materialsStoredNewCents: dollars('20,000.00') },
    ],
  });
  one = await transition(contact, one, 'submit');
  say(`Sam claimed and submitted invoice ${one.invoice.label}: ${one.invoice.statusLabel}.`);
  one = await admin.post<InvoiceView>(`${inv(one)}/review?view=full`, {
    version: one.invoice.version,
    lines: [
      { lineId: lineOf(one, '1').id, decision: 'approved' },
      { lineId: lineOf(one, '2').id, decision: 'rejected', reason: 'Level 3 wiring is not inspected yet: bill levels 1 and 2 only (8,765.45).' },
      { lineId: lineOf(one, '3').id, decision: 'approved' },
    ],
  });
  check(one.invoice.status === 'revise_and_resubmit', `a rejected line must send the invoice back, status is ${one.invoice.status}`);
  say(`Ivy rejected line 2 with a reason: ${one.invoice.statusLabel}.`);
  one = await contact.get<InvoiceView>(inv(one));
  const rejected = lineOf(one, '2').review;
  check(rejected.status === 'rejected' && rejected.reason?.includes('Level 3'), 'the contact must see the rejected line and its reason');
  say(`Sam sees line 2 rejected: "${rejected.reason}"; fixes it and resubmits.`);
  one = await contact.put<InvoiceView>(`${inv(one)}/lines?view=full`, {
    version: one.invoice.version,
    lines: [{ lineId: lineOf(one, '2').id, workCompletedThisPeriodCents: dollars('8,765.45') }],
  });
  one = await transition(contact, one, 'submit');
  one = await admin.post<InvoiceView>(`${inv(one)}/review?view=full`, { version: one.invoice.version, lines: [{ lineId: lineOf(one, '2').id, decision: 'approved' }] });
  one = await transition(admin, one, 'approve');
  record(one, EXPECTED_1, EXPECTED_1);

  // ── Period 2: change order, materials moved into work, certify a different amount ──
  await openPeriodAndInvite(1, 'work_and_materials');
  const periods = await admin.get<{ data: { status: string }[] }>(`${p}/billing-periods`);
  check(periods.data.filter((x) => x.status === 'open').length === 1, 'exactly one billing period is open');
  let two = await createInvoice('VE-102');
  check(lineOf(two, '1').workCompletedPreviousCents === dollars('6,000.00'), 'D of line 1 comes from invoice 1');
  check(lineOf(two, '3').materialsStoredPreviousCents === dollars('20,000.00'), 'previously stored materials come from invoice 1');
  const co = await admin.get<{ version: number }>(`${c}/change-orders/${changeOrder.id}`);
  await admin.patch(`${c}/change-orders/${changeOrder.id}`, { version: co.version, status: 'approved' });
  two = await contact.get<InvoiceView>(inv(two));
  say(`Ivy approved CO-001 while invoice ${two.invoice.label} was a draft: it now has ${two.lines.length} lines.`);
  two = await contact.put<InvoiceView>(`${inv(two)}/lines?view=full`, {
    version: two.invoice.version,
    lines: [
      { lineId: lineOf(two, '1').id, workCompletedThisPeriodCents: dollars('3,000.00') },
      { lineId: lineOf(two, '2').id, workCompletedThisPeriodCents: dollars('14,400.00') },
      {
        lineId: lineOf(two, '3').id,
        workCompletedThisPeriodCents: dollars('17,500.00'),
        materialsInstalledCents: dollars('15,000.00'),
        materialsStoredNewCents: dollars('4,000.00'),
      },
      { lineId: lineOf(two, 'CO1.1').id, percentCompleteToDateBp: 4000 },
    ],
  });
  two = await transition(contact, two, 'submit');
  two = await admin.put<InvoiceView>(`${inv(two)}/lines?view=full`, {
    version: two.invoice.version,
    mode: 'certify',
    lines: [
      {
        lineId: lineOf(two, '2').id,
        workCompletedThisPeriodCents: dollars('12,000.00'),
        differenceReason: 'Site walk: level 3 devices are not installed; certifying 12,000.00 of the 14,400.00 claimed.',
      },
    ],
  });
  const certifiedLine = lineOf(two, '2');
  check(
    certifiedLine.isCertifiedAdjusted && certifiedLine.claimed.workCompletedThisPeriodCents === dollars('14,400.00'),
    'the claim stays beside the certified amount',
  );
  say(`Ivy certified line 2 at ${usd(certifiedLine.workCompletedThisPeriodCents)} instead of the ${usd(certifiedLine.claimed.workCompletedThisPeriodCents)} claimed ("${certifiedLine.differenceReason}").`);
  two = await transition(admin, two, 'approve_as_noted');
  record(two, EXPECTED_2, EXPECTED_2_CLAIMED);

  // ── Period 3: retainage steps down for new work; retainage release ──
  const commitment = await admin.get<{ commitment: { version: number } }>(c);
  await admin.patch(c, { version: commitment.commitment.version, retainageWorkBp: 500 });
  say('\nIvy reduced work retainage to 5% for new work (the 10% already held stays held).');
  await openPeriodAndInvite(2, 'work_materials_retainage');
  let three = await createInvoice('VE-103');
  check(lineOf(three, '2').workCompletedPreviousCents === dollars('20,765.45'), 'D of line 2 is the certified amount, not the claim');
  three = await contact.put<InvoiceView>(`${inv(three)}/lines?view=full`, {
    version: three.invoice.version,
    lines: [
      { lineId: lineOf(three, '1').id, percentCompleteToDateBp: 10_000, retainageReleasedCents: dollars('1,050.00') },
      { lineId: lineOf(three, '2').id, workCompletedThisPeriodCents: dollars('10,000.10') },
      { lineId: lineOf(three, '3').id, workCompletedThisPeriodCents: dollars('10,500.00'), materialsInstalledCents: dollars('9,000.00') },
      { lineId: lineOf(three, 'CO1.1').id, percentCompleteToDateBp: 10_000 },
    ],
  });
  say('Sam billed line 1 to 100% and released its $1,050.00 of retainage; installed the last stored materials.');
  three = await transition(contact, three, 'submit');
  three = await admin.post<InvoiceView>(`${inv(three)}/review?view=full`, {
    version: three.invoice.version,
    lines: three.lines.map((l) => ({ lineId: l.id, decision: 'approved' as const })),
  });
  three = await transition(admin, three, 'approve');
  record(three, EXPECTED_3, EXPECTED_3);

  // ── Approved invoices are snapshots: reading them again after the later periods changes nothing ──
  for (const { view, expected, expectedClaimed } of approved) {
    const again = await admin.get<InvoiceView>(inv(view));
    const table = g702Table(again, expected, expectedClaimed);
    mismatches.push(...table.mismatches.map((m) => `re-read after period 3: ${m}`));
  }

  return {
    ok: mismatches.length === 0,
    mismatches,
    invoices: approved.map(({ view }) => ({ label: view.invoice.label, status: view.invoice.status, summary: view.summary, claimedSummary: view.claimedSummary })),
  };
}

/** Runs the cycle against `baseUrl`, or starts payapp in-process first. Never throws for a mismatch: see `ok`. */
export async function runMonthlyCycle(options: CycleOptions = {}): Promise<CycleReport> {
  const output: string[] = [];
  const say = (line: string) => {
    output.push(line);
    (options.log ?? console.log)(line);
  };
  if (options.baseUrl) {
    if (!options.adminEmail || !options.adminPassword) throw new Error('With BASE_URL, set ADMIN_EMAIL and ADMIN_PASSWORD (a company admin).');
    say(`payapp at ${options.baseUrl}`);
    return { ...(await runCycle(options.baseUrl.replace(/\/$/, ''), options.adminEmail, options.adminPassword, say)), output };
  }

  const dir = options.database ? null : mkdtempSync(join(tmpdir(), 'payapp-monthly-cycle-'));
  const database = options.database ?? (await openDatabase({ dataDir: join(dir ?? '', 'pg') }));
  try {
    if (!options.database) await migrateToLatest(database.db);
    const config = loadConfig({ PORT: '0', HOST: '127.0.0.1', DATA_DIR: dir ?? tmpdir(), WORKER: 'off' });
    const adminEmail = `owner.${randomUUID().slice(0, 6)}@gc.example.test`;
    const adminPassword = `cycle-${randomUUID()}`;
    // The one step not done through the API: the first company admin, so someone can sign in.
    await createAdmin(database.db, { email: adminEmail, name: 'Olivia Owner-Admin', password: adminPassword, companyName: 'Northwind Builders' }, new Date(), config.baseUrl);
    const server = await startServer(config, database);
    try {
      say(`payapp started in-process at ${server.url} on a fresh ${database.kind === 'pglite' ? 'embedded PGlite' : 'PostgreSQL'} database`);
      return { ...(await runCycle(server.url, adminEmail, adminPassword, say)), output };
    } finally {
      await server.stop();
    }
  } finally {
    if (!options.database) await database.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  }
}

async function main(): Promise<number> {
  const report = await runMonthlyCycle({
    baseUrl: process.env.BASE_URL,
    adminEmail: process.env.ADMIN_EMAIL,
    adminPassword: process.env.ADMIN_PASSWORD,
  });
  console.log('');
  if (report.ok) {
    console.log(`All ${report.invoices.length * G702_LINES.length} G702 lines of ${report.invoices.length} approved invoices match the hand-checked expectations.`);
    return 0;
  }
  console.log(`${report.mismatches.length} mismatch(es):`);
  for (const m of report.mismatches) console.log(`  ${m}`);
  return 1;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().then(
    (code) => process.exit(code),
    (error: unknown) => {
      console.error(error instanceof Error ? error.message : error);
      process.exit(1);
    },
  );
}
