/**
 * Issue 11, the authorization matrix: every operation of the OpenAPI document × 15 kinds of caller
 * × a private and a non-private commitment, against ONE table of expected outcomes written here
 * from the rules (docs/ARCHITECTURE.md "Visibility in one place", decisions 004, 005 and
 * 019), never from the code under test. Invisible resources answer 404. The test fails when
 * the document has an operation the table lacks (or the other way round).
 *
 * Every request carries real ids and a valid body (test/support/authz-requests.ts), so a 2xx means
 * "allowed"; every answer — allowed or refused — is scanned for data its caller may not see
 * (MAY_SEE below, against the sentinel titles and amounts of test/support/authz-world.ts).
 *
 * Columns (how each authenticates: people by session cookie and CSRF token):
 *   anon  not signed in                          cont  invoice contact of the commitment (SubA, Read Only)
 *   cAdm  company admin, not in the project      emp   SubA employee, not a contact (Read Only)
 *   iAdm  invoice administrator (Admin on Commitments)   oCon  contact of SubB's commitment (Read Only)
 *   std   GC, Standard                           list  GC, Read Only, on the private list with "see SOV items" off
 *   ro    GC, Read Only                          tok   the invoice administrator's API token
 *   none  GC, None (even on the private list)    rev   a revoked API token
 *   out   Admin of another project only          exp   an expired session
 *   oGC   company admin of another general contractor (another tenant; decision 025)
 * A cell is a status class (2xx) or a status; "private/public" when the two kinds of commitment differ
 * (only for operations on a commitment or an invoice; the others run once).
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createTestApp, type ApiResponse, type TestApp } from '../support/api.ts';
import { isPerKind, REQUESTS, type Cell } from '../support/authz-requests.ts';
import { ACTORS, buildWorld, KINDS, SENTINELS, type Actor, type DataSet, type Kind, type World } from '../support/authz-world.ts';
import { openTestDatabase, type TestDatabase } from '../support/test-db.ts';

const TABLE: Record<string, string> = {
  //                                                                                                 anon    cAdm    iAdm    std     ro      none    out     cont    emp     oCon    list    tok     rev     exp     oGC
  'POST /session':                                                                                  '2xx     2xx     2xx     2xx     2xx     2xx     2xx     2xx     2xx     2xx     2xx     2xx     401     2xx     2xx',
  'GET /session':                                                                                   '401     2xx     2xx     2xx     2xx     2xx     2xx     2xx     2xx     2xx     2xx     2xx     401     401     2xx',
  'DELETE /session':                                                                                '2xx     2xx     2xx     2xx     2xx     2xx     2xx     2xx     2xx     2xx     2xx     2xx     401     2xx     2xx',
  'GET /links/{token}':                                                                             '2xx     2xx     2xx     2xx     2xx     2xx     2xx     2xx     2xx     2xx     2xx     2xx     401     2xx     2xx',
  'POST /links/{token}/password':                                                                   '2xx     2xx     2xx     2xx     2xx     2xx     2xx     2xx     2xx     2xx     2xx     2xx     401     2xx     2xx',
  'POST /password-resets':                                                                          '2xx     2xx     2xx     2xx     2xx     2xx     2xx     2xx     2xx     2xx     2xx     2xx     401     2xx     2xx',
  'PATCH /me':                                                                                      '401     2xx     2xx     2xx     2xx     2xx     2xx     2xx     2xx     2xx     2xx     2xx     401     401     2xx',
  'GET /me/api-tokens':                                                                             '401     2xx     2xx     2xx     2xx     2xx     2xx     2xx     2xx     2xx     2xx     2xx     401     401     2xx',
  'POST /me/api-tokens':                                                                            '401     2xx     2xx     2xx     2xx     2xx     2xx     2xx     2xx     2xx     2xx     2xx     401     401     2xx',
  'DELETE /me/api-tokens/{tokenId}':                                                                '401     2xx     2xx     2xx     2xx     2xx     2xx     2xx     2xx     2xx     2xx     2xx     401     401     2xx',
  'GET /companies':                                                                                 '401     2xx     2xx     2xx     2xx     2xx     2xx     2xx     2xx     2xx     2xx     2xx     401     401     2xx',
  'POST /companies':                                                                                '401     2xx     403     403     403     403     403     403     403     403     403     403     401     401     2xx',
  'GET /companies/{companyId}':                                                                     '401     2xx     2xx     404     404     404     2xx     2xx     2xx     404     404     2xx     401     401     2xx',
  'PATCH /companies/{companyId}':                                                                   '401     2xx     403     403     403     403     403     403     403     403     403     403     401     401     2xx',
  'GET /users':                                                                                     '401     2xx     2xx     2xx     2xx     2xx     2xx     2xx     2xx     2xx     2xx     2xx     401     401     2xx',
  'POST /users':                                                                                    '401     2xx     403     403     403     403     403     403     403     403     403     403     401     401     2xx',
  'GET /users/{userId}':                                                                            '401     2xx     2xx     404     404     404     2xx     2xx     2xx     404     404     2xx     401     401     2xx',
  'PATCH /users/{userId}':                                                                          '401     2xx     403     403     403     403     403     403     403     403     403     403     401     401     2xx',
  'POST /users/{userId}/invitation':                                                                '401     2xx     403     403     403     403     403     403     403     403     403     403     401     401     2xx',
  'GET /projects':                                                                                  '401     2xx     2xx     2xx     2xx     2xx     2xx     2xx     2xx     2xx     2xx     2xx     401     401     2xx',
  'POST /projects':                                                                                 '401     2xx     403     403     403     403     403     403     403     403     403     403     401     401     2xx',
  'GET /projects/{projectId}':                                                                      '401     2xx     2xx     2xx     2xx     2xx     404     2xx     2xx     2xx     2xx     2xx     401     401     404',
  'PATCH /projects/{projectId}':                                                                    '401     2xx     2xx     403     403     403     404     403     403     403     403     2xx     401     401     404',
  'GET /projects/{projectId}/directory':                                                            '401     2xx     2xx     403     403     403     404     403     403     403     403     2xx     401     401     404',
  'PUT /projects/{projectId}/directory/companies/{companyId}':                                      '401     2xx     2xx     403     403     403     404     403     403     403     403     2xx     401     401     404',
  'DELETE /projects/{projectId}/directory/companies/{companyId}':                                   '401     2xx     2xx     403     403     403     404     403     403     403     403     2xx     401     401     404',
  'PUT /projects/{projectId}/directory/users/{userId}':                                             '401     2xx     2xx     403     403     403     404     403     403     403     403     2xx     401     401     404',
  'DELETE /projects/{projectId}/directory/users/{userId}':                                          '401     2xx     2xx     403     403     403     404     403     403     403     403     2xx     401     401     404',
  'GET /projects/{projectId}/audit':                                                                '401     2xx     2xx     403     403     403     404     403     403     403     403     2xx     401     401     404',
  'GET /projects/{projectId}/commitments':                                                          '401     2xx     2xx     2xx     2xx     2xx     404     2xx     2xx     2xx     2xx     2xx     401     401     404',
  'POST /projects/{projectId}/commitments':                                                         '401     2xx     2xx     403     403     403     404     403     403     403     403     2xx     401     401     404',
  'GET /projects/{projectId}/commitments/{commitmentId}':                                           '401     2xx     2xx     404/2xx 404/2xx 404     404     2xx     404/2xx 404/2xx 2xx     2xx     401     401     404',
  'PATCH /projects/{projectId}/commitments/{commitmentId}':                                         '401     2xx     2xx     404/403 404/403 404     404     403     404/403 404/403 403     2xx     401     401     404',
  'GET /projects/{projectId}/commitments/{commitmentId}/eligible-contacts':                         '401     2xx     2xx     404/403 404/403 404     404     403     404/403 404/403 403     2xx     401     401     404',
  'POST /projects/{projectId}/commitments/{commitmentId}/invoice-contacts':                         '401     2xx     2xx     404/403 404/403 404     404     403     404/403 404/403 403     2xx     401     401     404',
  'DELETE /projects/{projectId}/commitments/{commitmentId}/invoice-contacts/{userId}':              '401     2xx     2xx     404/403 404/403 404     404     403     404/403 404/403 403     2xx     401     401     404',
  'POST /projects/{projectId}/commitments/{commitmentId}/private-list':                             '401     2xx     2xx     404/403 404/403 404     404     403     404/403 404/403 403     2xx     401     401     404',
  'DELETE /projects/{projectId}/commitments/{commitmentId}/private-list/{userId}':                  '401     2xx     2xx     404/403 404/403 404     404     403     404/403 404/403 403     2xx     401     401     404',
  'GET /projects/{projectId}/commitments/{commitmentId}/sov':                                       '401     2xx     2xx     404/2xx 404/2xx 404     404     2xx     404/2xx 404/2xx 403/2xx 2xx     401     401     404',
  'GET /projects/{projectId}/commitments/{commitmentId}/sov/export':                               '401     2xx     2xx     404/2xx 404/2xx 404     404     2xx     404/2xx 404/2xx 403/2xx 2xx     401     401     404',
  'PUT /projects/{projectId}/commitments/{commitmentId}/sov':                                       '401     2xx     2xx     404/403 404/403 404     404     403     404/403 404/403 403     2xx     401     401     404',
  'POST /projects/{projectId}/commitments/{commitmentId}/sov/import':                               '401     2xx     2xx     404/403 404/403 404     404     403     404/403 404/403 403     2xx     401     401     404',
  'POST /projects/{projectId}/commitments/{commitmentId}/sov/lines':                                '401     2xx     2xx     404/403 404/403 404     404     403     404/403 404/403 403     2xx     401     401     404',
  'PATCH /projects/{projectId}/commitments/{commitmentId}/sov/lines/{lineId}':                      '401     2xx     2xx     404/403 404/403 404     404     403     404/403 404/403 403     2xx     401     401     404',
  'DELETE /projects/{projectId}/commitments/{commitmentId}/sov/lines/{lineId}':                     '401     2xx     2xx     404/403 404/403 404     404     403     404/403 404/403 403     2xx     401     401     404',
  'GET /projects/{projectId}/commitments/{commitmentId}/change-orders':                             '401     2xx     2xx     404/2xx 404/2xx 404     404     2xx     404/2xx 404/2xx 403/2xx 2xx     401     401     404',
  'POST /projects/{projectId}/commitments/{commitmentId}/change-orders':                            '401     2xx     2xx     404/403 404/403 404     404     403     404/403 404/403 403     2xx     401     401     404',
  'GET /projects/{projectId}/commitments/{commitmentId}/change-orders/{changeOrderId}':             '401     2xx     2xx     404/2xx 404/2xx 404     404     2xx     404/2xx 404/2xx 403/2xx 2xx     401     401     404',
  'PATCH /projects/{projectId}/commitments/{commitmentId}/change-orders/{changeOrderId}':           '401     2xx     2xx     404/403 404/403 404     404     403     404/403 404/403 403     2xx     401     401     404',
  'GET /projects/{projectId}/commitments/{commitmentId}/ssov':                                      '401     2xx     2xx     404/2xx 404/2xx 404     404     2xx     404/2xx 404/2xx 403/2xx 2xx     401     401     404',
  'PUT /projects/{projectId}/commitments/{commitmentId}/ssov':                                      '401     2xx     2xx     404/403 404/403 404     404     2xx     404/403 404/403 403     2xx     401     401     404',
  'POST /projects/{projectId}/commitments/{commitmentId}/ssov/submit':                              '401     2xx     2xx     404/403 404/403 404     404     2xx     404/403 404/403 403     2xx     401     401     404',
  'POST /projects/{projectId}/commitments/{commitmentId}/ssov/approve':                             '401     2xx     2xx     404/403 404/403 404     404     403     404/403 404/403 403     2xx     401     401     404',
  'POST /projects/{projectId}/commitments/{commitmentId}/ssov/send-back':                           '401     2xx     2xx     404/403 404/403 404     404     403     404/403 404/403 403     2xx     401     401     404',
  'POST /projects/{projectId}/commitments/{commitmentId}/ssov/request':                             '401     2xx     2xx     404/403 404/403 404     404     403     404/403 404/403 403     2xx     401     401     404',
  'GET /projects/{projectId}/invoicing-settings':                                                   '401     2xx     2xx     403     403     403     404     403     403     403     403     2xx     401     401     404',
  'PATCH /projects/{projectId}/invoicing-settings':                                                 '401     2xx     2xx     403     403     403     404     403     403     403     403     2xx     401     401     404',
  'PUT /projects/{projectId}/invoicing-settings/distribution':                                      '401     2xx     2xx     403     403     403     404     403     403     403     403     2xx     401     401     404',
  'GET /company-settings':                                                                          '401     2xx     2xx     2xx     2xx     2xx     2xx     2xx     2xx     2xx     2xx     2xx     401     401     2xx',
  'PATCH /company-settings':                                                                        '401     2xx     403     403     403     403     403     403     403     403     403     403     401     401     2xx',
  'GET /projects/{projectId}/billing-periods':                                                      '401     2xx     2xx     2xx     2xx     2xx     404     2xx     2xx     2xx     2xx     2xx     401     401     404',
  'POST /projects/{projectId}/billing-periods':                                                     '401     2xx     2xx     403     403     403     404     403     403     403     403     2xx     401     401     404',
  'PATCH /projects/{projectId}/billing-periods/{periodId}':                                         '401     2xx     2xx     403     403     403     404     403     403     403     403     2xx     401     401     404',
  'DELETE /projects/{projectId}/billing-periods/{periodId}':                                        '401     2xx     2xx     403     403     403     404     403     403     403     403     2xx     401     401     404',
  'POST /projects/{projectId}/invites':                                                             '401     2xx     2xx     403     403     403     404     403     403     403     403     2xx     401     401     404',
  'POST /projects/{projectId}/commitments/{commitmentId}/invite-response':                          '401     2xx     2xx     404/403 404/403 404     404     2xx     404/403 404/403 403     2xx     401     401     404',
  'GET /projects/{projectId}/billing-board':                                                        '401     2xx     2xx     403     403     403     404     403     403     403     403     2xx     401     401     404',
  'GET /projects/{projectId}/invoice-register':                                                    '401     2xx     2xx     403     403     403     404     403     403     403     403     2xx     401     401     404',
  'GET /projects/{projectId}/invoices':                                                             '401     2xx     2xx     2xx     2xx     2xx     404     2xx     2xx     2xx     2xx     2xx     401     401     404',
  'POST /projects/{projectId}/commitments/{commitmentId}/invoices':                                 '401     2xx     2xx     404     404     404     404     2xx     404     404     404     2xx     401     401     404',
  'GET /projects/{projectId}/invoices/{invoiceId}':                                                 '401     2xx     2xx     404     404     404     404     2xx     404     404     404     2xx     401     401     404',
  'PATCH /projects/{projectId}/invoices/{invoiceId}':                                               '401     2xx     2xx     404     404     404     404     2xx     404     404     404     2xx     401     401     404',
  'PUT /projects/{projectId}/invoices/{invoiceId}/lines':                                           '401     2xx     2xx     404     404     404     404     2xx     404     404     404     2xx     401     401     404',
  'POST /projects/{projectId}/invoices/{invoiceId}/review':                                         '401     2xx     2xx     404     404     404     404     403     404     404     404     2xx     401     401     404',
  'POST /projects/{projectId}/invoices/{invoiceId}/transitions':                                    '401     2xx     2xx     404     404     404     404     2xx     404     404     404     2xx     401     401     404',
  'POST /projects/{projectId}/invoices/{invoiceId}/apply-current-retainage-rules':                  '401     2xx     2xx     404     404     404     404     403     404     404     404     2xx     401     401     404',
  'POST /projects/{projectId}/invoices/bulk-transitions':                                           '401     2xx     2xx     403     403     403     404     403     403     403     403     2xx     401     401     404',
  'GET /projects/{projectId}/invoices/{invoiceId}/audit':                                           '401     2xx     2xx     404     404     404     404     403     404     404     404     2xx     401     401     404',
  'GET /projects/{projectId}/invoices/{invoiceId}/pdf':                                             '401     2xx     2xx     404     404     404     404     2xx     404     404     404     2xx     401     401     404',
  'GET /projects/{projectId}/invoices/{invoiceId}/export':                                         '401     2xx     2xx     404     404     404     404     2xx     404     404     404     2xx     401     401     404',
  'POST /projects/{projectId}/invoices/{invoiceId}/attachments':                                    '401     2xx     2xx     404     404     404     404     2xx     404     404     404     2xx     401     401     404',
  'GET /projects/{projectId}/invoices/{invoiceId}/attachments/{attachmentId}':                      '401     2xx     2xx     404     404     404     404     2xx     404     404     404     2xx     401     401     404',
  'DELETE /projects/{projectId}/invoices/{invoiceId}/attachments/{attachmentId}':                   '401     2xx     2xx     404     404     404     404     2xx     404     404     404     2xx     401     401     404',
  'GET /projects/{projectId}/invoices/{invoiceId}/payments':                                        '401     2xx     2xx     404     404     404     404     2xx     404     404     404     2xx     401     401     404',
  'POST /projects/{projectId}/invoices/{invoiceId}/payments':                                       '401     2xx     2xx     404     404     404     404     403     404     404     404     2xx     401     401     404',
  'POST /projects/{projectId}/invoices/{invoiceId}/payments/{paymentId}/void':                      '401     2xx     2xx     404     404     404     404     403     404     404     404     2xx     401     401     404',
  'POST /projects/{projectId}/invoices/{invoiceId}/payments/{paymentId}/attachments':               '401     2xx     2xx     404     404     404     404     403     404     404     404     2xx     401     401     404',
  'GET /projects/{projectId}/invoices/{invoiceId}/payments/{paymentId}/attachments/{attachmentId}': '401     2xx     2xx     404     404     404     404     2xx     404     404     404     2xx     401     401     404',
  'GET /projects/{projectId}/payment-rollups':                                                      '401     2xx     2xx     2xx     2xx     2xx     404     2xx     2xx     2xx     2xx     2xx     401     401     404',
  'GET /projects/{projectId}/commitments/{commitmentId}/retainage-rules':                           '401     2xx     2xx     404/2xx 404/2xx 404     404     2xx     404/2xx 404/2xx 403/2xx 2xx     401     401     404',
  'PUT /projects/{projectId}/commitments/{commitmentId}/retainage-rules':                           '401     2xx     2xx     404/403 404/403 404     404     403     404/403 404/403 403     2xx     401     401     404',
  'GET /projects/{projectId}/emails':                                                               '401     2xx     2xx     403     403     403     404     403     403     403     403     2xx     401     401     404',
  'POST /projects/{projectId}/emails/{emailId}/retry':                                              '401     2xx     2xx     403     403     403     404     403     403     403     403     2xx     401     401     404',
  'GET /emails':                                                                                    '401     2xx     403     403     403     403     403     403     403     403     403     403     401     401     2xx',
  'GET /projects/{projectId}/commitments/{commitmentId}/billing':                                   '401     2xx     2xx     404     404     404     404     2xx     404     404     404     2xx     401     401     404',
  'GET /me/work':                                                                                   '401     2xx     2xx     2xx     2xx     2xx     2xx     2xx     2xx     2xx     2xx     2xx     401     401     2xx',
  'GET /me/attention':                                                                              '401     2xx     2xx     2xx     2xx     2xx     2xx     2xx     2xx     2xx     2xx     2xx     401     401     2xx',
  'GET /me/preferences/{key}':                                                                      '401     2xx     2xx     2xx     2xx     2xx     2xx     2xx     2xx     2xx     2xx     2xx     401     401     2xx',
  'PUT /me/preferences/{key}':                                                                      '401     2xx     2xx     2xx     2xx     2xx     2xx     2xx     2xx     2xx     2xx     2xx     401     401     2xx',
};

const ADMINS: Actor[] = ['companyAdmin', 'invoiceAdmin', 'apiToken'];
/**
 * What each caller may see of each data set, wherever it appears: the commitment itself (its
 * title), the amounts derived from its SOV (lines, totals, change order, retention cap), and its
 * invoices (claimed and paid amounts). Anything else in an answer is a leak.
 */
const MAY_SEE: Record<DataSet, { commitment: Actor[]; amounts: Actor[]; invoices: Actor[] }> = {
  private: { commitment: [...ADMINS, 'contact', 'listed'], amounts: [...ADMINS, 'contact'], invoices: [...ADMINS, 'contact'] },
  public: {
    commitment: [...ADMINS, 'standard', 'readOnly', 'contact', 'employee', 'otherContact', 'listed'],
    amounts: [...ADMINS, 'standard', 'readOnly', 'contact', 'employee', 'otherContact', 'listed'],
    invoices: [...ADMINS, 'contact'],
  },
  other: { commitment: [...ADMINS, 'otherContact'], amounts: [...ADMINS, 'otherContact'], invoices: [...ADMINS, 'otherContact'] },
};

type Expected = '2xx' | '401' | '403' | '404';
const ERROR_CODES: Record<Exclude<Expected, '2xx'>, string> = { '401': 'unauthenticated', '403': 'forbidden', '404': 'not_found' };
const full = (route: string) => route.replace(' /', ' /api/v1/');

/** The table, parsed: route (as in the OpenAPI document) → actor → [private, public]. */
function parseTable(): Map<string, Record<Actor, Record<Kind, Expected>>> {
  const parsed = new Map<string, Record<Actor, Record<Kind, Expected>>>();
  for (const [route, row] of Object.entries(TABLE)) {
    const cells = row.trim().split(/\s+/);
    assert.equal(cells.length, ACTORS.length, `${route}: one cell per actor`);
    const byActor = {} as Record<Actor, Record<Kind, Expected>>;
    cells.forEach((cell, i) => {
      const [priv, pub = priv] = cell.split('/') as [Expected, Expected?];
      for (const e of [priv, pub]) assert.ok(['2xx', '401', '403', '404'].includes(e!), `${route}: unknown cell ${cell}`);
      assert.ok(isPerKind(full(route)) || priv === pub, `${route}: does not name a commitment, so it cannot differ by kind (${cell})`);
      byActor[ACTORS[i]!] = { private: priv, public: pub! };
    });
    parsed.set(full(route), byActor);
  }
  return parsed;
}

/** What `actor` must never find in an answer: the sentinels of every data set it may not see. */
function forbiddenFor(actor: Actor): { what: string; test: (text: string) => boolean }[] {
  const out: { what: string; test: (text: string) => boolean }[] = [];
  const amount = (what: string, cents: number) => {
    const integer = new RegExp(`(?<![\\d.])${cents}(?![\\d])`);
    const formatted = (cents / 100).toLocaleString('en-US', { minimumFractionDigits: 2 });
    out.push({ what: `${what} ${cents}`, test: (text) => integer.test(text) || text.includes(formatted) });
  };
  for (const set of ['private', 'public', 'other'] as const) {
    const s = SENTINELS[set];
    const may = MAY_SEE[set];
    if (!may.commitment.includes(actor)) {
      out.push({ what: `${set} commitment "${s.title}"`, test: (text) => text.includes(s.title) });
      out.push({ what: `${set} commitment number ${s.number}-…`, test: (text) => text.includes(`"${s.number}-`) || text.includes(` ${s.number}-`) });
    }
    if (!may.amounts.includes(actor)) {
      const original = s.sov[0] + s.sov[1];
      for (const [what, cents] of [['SOV line', s.sov[0]], ['SOV line', s.sov[1]], ['original sum', original], ['change order', s.co], ['revised sum', original + s.co], ['retention cap', s.cap]] as const) {
        amount(`${set} ${what}`, cents);
      }
    }
    if (!may.invoices.includes(actor)) {
      amount(`${set} claimed`, s.claim);
      amount(`${set} payment`, s.payment);
    }
  }
  return out;
}

let database: TestDatabase;
let t: TestApp;
let w: World;
let table: ReturnType<typeof parseTable>;
let documented: string[];
const figures = { operations: 0, perKind: 0, cells: 0, matching: 0, scanned: 0, leaks: [] as string[], mismatches: [] as string[] };

before(async () => {
  database = await openTestDatabase();
  t = createTestApp(database.db);
  table = parseTable();
  const doc = (await t.request('GET', '/api/v1/openapi.json')).body as { paths: Record<string, Record<string, unknown>> };
  documented = Object.entries(doc.paths).flatMap(([path, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${path}`));
  w = await buildWorld(t);
});
after(() => database.close());

test('the table has a row for every operation of the OpenAPI document, and no other', () => {
  const rows = [...table.keys()];
  assert.deepEqual(documented.filter((r) => !table.has(r)), [], 'operations without a row in the table: add one');
  assert.deepEqual(rows.filter((r) => !documented.includes(r)), [], 'rows for operations the document does not have');
  assert.deepEqual(documented.filter((r) => !REQUESTS[r]).sort(), [], 'operations without a request in test/support/authz-requests.ts');
});

function checkAnswer(route: string, cell: Cell, expected: Expected, res: ApiResponse): string | null {
  const status = res.status;
  if (expected === '2xx') return status >= 200 && status < 300 ? null : `expected 2xx, got ${status} ${JSON.stringify(res.body).slice(0, 300)}`;
  if (String(status) !== expected) return `expected ${expected}, got ${status} ${JSON.stringify(res.body).slice(0, 300)}`;
  const code = (res.body as { error?: { code?: string } } | null)?.error?.code;
  return code === ERROR_CODES[expected] ? null : `expected code ${ERROR_CODES[expected]}, got ${code} (${route})`;
}

describe('every operation × every kind of caller × private and non-private commitments', () => {
  for (const route of Object.keys(TABLE).map(full)) {
    test(route, async () => {
      const expectations = table.get(route)!;
      const kinds: readonly Kind[] = isPerKind(route) ? KINDS : ['private'];
      figures.operations += 1;
      if (kinds.length === 2) figures.perKind += 1;
      const problems: string[] = [];
      for (const kind of kinds) {
        // Refusals first, on the resource they share; each allowed call then acts on its own.
        const order = [...ACTORS].sort((a, b) => Number(expectations[a][kind] === '2xx') - Number(expectations[b][kind] === '2xx'));
        for (const actor of order) {
          const expected = expectations[actor][kind];
          const cell: Cell = { actor, kind, fresh: expected === '2xx' };
          const { freshSession, ...req } = await REQUESTS[route]!(w, cell);
          const res = await w.call(actor, req, { freshSession: freshSession ?? false });
          figures.cells += 1;
          const where = `${actor}${kinds.length === 2 ? ` on the ${kind} commitment` : ''}`;
          const wrong = checkAnswer(route, cell, expected, res);
          if (wrong) problems.push(`${where}: ${wrong}`);
          else figures.matching += 1;
          const text = typeof res.body === 'string' ? res.body : JSON.stringify(res.body ?? '');
          figures.scanned += 1;
          for (const f of forbiddenFor(actor)) {
            if (f.test(text)) {
              const leak = `${route} as ${where} (${res.status}): ${f.what}`;
              figures.leaks.push(leak);
              problems.push(`LEAK ${leak}`);
            }
          }
        }
      }
      figures.mismatches.push(...problems.map((p) => `${route} ${p}`));
      assert.deepEqual(problems, [], `${route}`);
    });
  }
});

test('the scan finds the sentinels where they may be seen (so finding none elsewhere means something)', async () => {
  const list = async (actor: Actor, path: string) => JSON.stringify((await w.call(actor, { method: 'GET', path })).body);
  const allTitles = await list('companyAdmin', `${w.p}/commitments?perPage=500`);
  for (const set of ['private', 'public', 'other'] as const) assert.ok(allTitles.includes(SENTINELS[set].title), `the company admin lists ${set}`);
  const contactInvoices = await list('contact', `${w.p}/invoices`);
  for (const kind of KINDS) {
    assert.ok(contactInvoices.includes(`"${SENTINELS[kind].number}-`), `the contact's invoices include the ${kind} commitment's`);
    assert.ok(contactInvoices.includes(String(SENTINELS[kind].claim)), `… with their amounts`);
  }
  assert.ok(!contactInvoices.includes(`"${SENTINELS.other.number}-`), "and none of another company's commitment");
  const listedView = await list('listed', `${w.p}/commitments?perPage=500`);
  assert.ok(listedView.includes(SENTINELS.private.title), 'the listed estimator sees the private commitment …');
  const originalSum = (set: DataSet) => String(SENTINELS[set].sov[0] + SENTINELS[set].sov[1]);
  assert.ok(!listedView.includes(originalSum('private')), '… without its amounts');
  assert.ok(listedView.includes(originalSum('public')), '… and the public one with them');
});

test('figures', () => {
  const once = figures.operations - figures.perKind;
  console.log(
    `authorization matrix (${process.env.TEST_DATABASE_URL ? 'PostgreSQL' : 'PGlite'}): ${figures.operations} operations ` +
      `(${figures.perKind} on a commitment or invoice × 2 kinds, ${once} once) × ${ACTORS.length} actors = ${figures.cells} calls; ` +
      `${figures.matching} as the table says; ${figures.scanned} answers scanned; leaks found: ${figures.leaks.length}`,
  );
  assert.equal(figures.operations, documented.length, 'every operation ran');
  assert.equal(figures.cells, (figures.perKind * 2 + once) * ACTORS.length);
  assert.deepEqual(figures.leaks, []);
  assert.deepEqual(figures.mismatches, []);
});
