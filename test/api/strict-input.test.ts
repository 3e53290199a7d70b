/**
 * Issue 10, item 8: a key the API does not declare is refused (400 `validation_failed` naming its
 * path), never dropped — on every operation, at every depth, in query strings and uploads — and
 * error paths follow one convention: positions in the request (docs/decisions/004-error-model.md).
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { User } from '../../src/domain/directory.ts';
import { closestKey } from '../../src/http/errors.ts';
import { createTestApp, type ApiResponse, type TestApp } from '../support/api.ts';
import { approvedCommitment, assertError, assertNo5xx, assertOk, billingProject, type BillingSetup, type Client, type Seen } from '../support/billing.ts';
import { makeProject, systemAdminOf } from '../support/factories.ts';
import { openTestDatabase, type TestDatabase } from '../support/test-db.ts';

const SOME_UUID = '0b7f2a4e-3c1d-4e8f-9a6b-5c4d3e2f1a0b';
/** Path parameters that are not ids take a well-formed value, so the body is what gets validated. */
const PATH_VALUES: Record<string, string> = { key: 'billing-board.columns' };
const fillPath = (path: string) => path.replace(/\{([^}]+)\}/g, (_, name: string) => PATH_VALUES[name] ?? SOME_UUID);
const UNKNOWN = 'notAField';

let database: TestDatabase;
let t: TestApp;
let admin: User;
const seen: Seen = [];

before(async () => {
  database = await openTestDatabase();
  t = createTestApp(database.db);
  ({ admin } = await systemAdminOf(t.db));
});
after(() => database.close());

type Schema = {
  $ref?: string;
  type?: string | string[];
  properties?: Record<string, Schema>;
  items?: Schema;
  oneOf?: Schema[];
  anyOf?: Schema[];
  allOf?: Schema[];
  enum?: unknown[];
  additionalProperties?: unknown;
};
type Operation = {
  parameters?: { name: string; in: string }[];
  requestBody?: { content: Record<string, { schema: Schema }> };
};
type Doc = { paths: Record<string, Record<string, Operation>>; components: { schemas: Record<string, Schema> } };

type Segment = string | number;
/** Where an object sits in a body, and what must be beside the unknown key for it to be parsed (a union branch's discriminator). */
type Probe = { path: Segment[]; seed: Record<string, unknown> };

function resolve(doc: Doc, schema: Schema): Schema {
  let current = schema;
  for (let hops = 0; current.$ref && hops < 10; hops++) {
    const found = doc.components.schemas[current.$ref.replace('#/components/schemas/', '')];
    assert.ok(found, `unresolved ${current.$ref}`);
    current = found;
  }
  return current;
}

const typesOf = (s: Schema) => (Array.isArray(s.type) ? s.type : s.type ? [s.type] : []);

function propertiesOf(doc: Doc, s: Schema): Record<string, Schema> {
  return Object.assign({}, s.properties, ...(s.allOf ?? []).map((part) => propertiesOf(doc, resolve(doc, part))));
}

/** Every object a body can hold: the body itself, objects in its properties, items of its arrays, each branch of a union. */
function objectProbes(doc: Doc, schema: Schema, path: Segment[] = [], depth = 0): Probe[] {
  if (depth > 8) return [];
  const s = resolve(doc, schema);
  const variants = [...(s.oneOf ?? []), ...(s.anyOf ?? [])];
  const out: Probe[] = variants.flatMap((v) => objectProbes(doc, v, path, depth + 1));
  const properties = propertiesOf(doc, s);
  if (typesOf(s).includes('object') || Object.keys(properties).length > 0) {
    const seed: Record<string, unknown> = {};
    for (const [key, p] of Object.entries(properties)) {
      const only = resolve(doc, p).enum;
      if (only?.length === 1) seed[key] = only[0];
    }
    out.push({ path, seed });
    for (const [key, p] of Object.entries(properties)) out.push(...objectProbes(doc, p, [...path, key], depth + 1));
  }
  if (typesOf(s).includes('array') && s.items) out.push(...objectProbes(doc, s.items, [...path, 0], depth + 1));
  return out;
}

/** A body with an unknown key in the object at `probe.path`, the containers on the way built empty. */
function bodyWithUnknownKey(probe: Probe): unknown {
  const leaf = { ...probe.seed, [UNKNOWN]: true };
  let value: unknown = leaf;
  for (let i = probe.path.length - 1; i >= 0; i--) {
    const segment = probe.path[i] as Segment;
    value = typeof segment === 'number' ? [value] : { [segment]: value };
  }
  return value;
}

/** Every object schema reachable from `schema` (the static side of the same rule). */
function objectSchemas(doc: Doc, schema: Schema, where: string, depth = 0): { where: string; schema: Schema }[] {
  if (depth > 8) return [];
  const s = resolve(doc, schema);
  const out: { where: string; schema: Schema }[] = [];
  for (const v of [...(s.oneOf ?? []), ...(s.anyOf ?? []), ...(s.allOf ?? [])]) out.push(...objectSchemas(doc, v, where, depth + 1));
  if (typesOf(s).includes('object') || s.properties) {
    out.push({ where, schema: s });
    for (const [key, p] of Object.entries(s.properties ?? {})) out.push(...objectSchemas(doc, p, `${where}.${key}`, depth + 1));
  }
  if (s.items) out.push(...objectSchemas(doc, s.items, `${where}.0`, depth + 1));
  return out;
}

async function openApi(): Promise<Doc> {
  const res = await t.request('GET', '/api/v1/openapi.json');
  assertOk(res);
  return res.body as Doc;
}

function assertUnknownField(res: ApiResponse, expected: string, what: string): void {
  assert.equal(res.status, 400, `${what}: expected 400 for the unknown ${expected}, got ${res.status} ${JSON.stringify(res.body)}`);
  assert.equal(res.body.error.code, 'validation_failed', what);
  assert.equal(res.body.error.field, expected, `${what}: ${JSON.stringify(res.body)}`);
  assert.ok(
    (res.body.error.details as { path: string; code?: string }[]).some((d) => d.path === expected && d.code === 'unknown_field'),
    `${what}: details name ${expected} as unknown_field: ${JSON.stringify(res.body.error.details)}`,
  );
  assert.match(res.body.error.message, new RegExp(`Unknown (field|query parameter) ${expected.replace(/\./g, '\\.')}`), what);
}

describe('every operation refuses keys it does not declare', () => {
  test('a JSON body with an unknown key — at the top, in array items, in nested objects and union branches — is a 400 naming the key', async () => {
    const doc = await openApi();
    const api = await t.as(admin.id);
    let operations = 0;
    let probes = 0;
    const nested = new Set<string>();
    for (const [path, methods] of Object.entries(doc.paths)) {
      for (const [method, op] of Object.entries(methods)) {
        const schema = op.requestBody?.content['application/json']?.schema;
        if (!schema) continue;
        operations += 1;
        const url = fillPath(path);
        const found = objectProbes(doc, schema);
        assert.ok(found.some((p) => p.path.length === 0), `${method} ${path}: its body is an object`);
        for (const probe of found) {
          const expected = [...probe.path, UNKNOWN].join('.');
          const res = await t.request(method.toUpperCase(), url, { body: bodyWithUnknownKey(probe), headers: { authorization: `Bearer ${api.token}` } });
          seen.push({ what: `${method} ${path} ${expected}`, status: res.status });
          assertUnknownField(res, expected, `${method.toUpperCase()} ${path}`);
          probes += 1;
          if (probe.path.length > 0) nested.add(`${method} ${path} ${expected}`);
        }
      }
    }
    assert.ok(operations >= 40, `only ${operations} operations with a JSON body`);
    // The walk reaches inside: invoice lines, their retainage override, sliding-scale rules (each kind), SOV and SSOV lines.
    for (const expected of [
      `put /api/v1/projects/{projectId}/invoices/{invoiceId}/lines lines.0.${UNKNOWN}`,
      `put /api/v1/projects/{projectId}/invoices/{invoiceId}/lines lines.0.retainageOverride.${UNKNOWN}`,
      `post /api/v1/projects/{projectId}/invoices/{invoiceId}/review lines.0.${UNKNOWN}`,
      `put /api/v1/projects/{projectId}/commitments/{commitmentId}/retainage-rules rules.0.${UNKNOWN}`,
      `put /api/v1/projects/{projectId}/commitments/{commitmentId}/sov lines.0.${UNKNOWN}`,
      `put /api/v1/projects/{projectId}/commitments/{commitmentId}/ssov lines.0.${UNKNOWN}`,
      `post /api/v1/projects/{projectId}/commitments/{commitmentId}/change-orders lines.0.${UNKNOWN}`,
    ]) {
      assert.ok(nested.has(expected), `probed ${expected}`);
    }
    assert.ok(probes > operations + 10, `${probes} probes`);
    assertNo5xx(seen);
  });

  test('the OpenAPI document says so: every object a request body can hold has additionalProperties: false', async () => {
    const doc = await openApi();
    const open: string[] = [];
    let checked = 0;
    for (const [path, methods] of Object.entries(doc.paths)) {
      for (const [method, op] of Object.entries(methods)) {
        for (const [type, content] of Object.entries(op.requestBody?.content ?? {})) {
          for (const { where, schema } of objectSchemas(doc, content.schema, `${method} ${path} (${type}) body`)) {
            checked += 1;
            if (schema.additionalProperties !== false) open.push(where);
          }
        }
      }
    }
    assert.deepEqual(open, [], 'objects that would accept unknown keys');
    assert.ok(checked >= 50, `checked ${checked} objects`);
  });

  test('a query string with an unknown parameter is a 400 naming it, on every operation that takes query parameters', async () => {
    const doc = await openApi();
    const api = await t.as(admin.id);
    let checked = 0;
    for (const [path, methods] of Object.entries(doc.paths)) {
      for (const [method, op] of Object.entries(methods)) {
        if (!(op.parameters ?? []).some((p) => p.in === 'query')) continue;
        const res = await t.request(method.toUpperCase(), `${fillPath(path)}?${UNKNOWN}=1`, { headers: { authorization: `Bearer ${api.token}` } });
        assertUnknownField(res, UNKNOWN, `${method.toUpperCase()} ${path}?${UNKNOWN}=1`);
        checked += 1;
      }
    }
    assert.ok(checked >= 9, `checked ${checked} operations`);
    const typo = await api.get('/api/v1/companies?per_page=5');
    assertUnknownField(typo, 'per_page', 'GET /companies?per_page=5');
    assert.match(typo.body.error.message, /did you mean perPage\?/);
  });

  test('an upload takes exactly one field, "file": another form field is refused by name', async () => {
    const doc = await openApi();
    const api = await t.as(admin.id);
    let checked = 0;
    for (const [path, methods] of Object.entries(doc.paths)) {
      for (const [method, op] of Object.entries(methods)) {
        if (!op.requestBody?.content['multipart/form-data']) continue;
        const form = new FormData();
        form.append('file', new Blob([new TextEncoder().encode('a,b\n')], { type: 'text/csv' }), 'a.csv');
        form.append(UNKNOWN, 'x');
        const res = await t.app.request(fillPath(path), { method: method.toUpperCase(), headers: { authorization: `Bearer ${api.token}` }, body: form });
        assertUnknownField({ status: res.status, body: await res.json(), headers: res.headers }, UNKNOWN, `${method.toUpperCase()} ${path}`);
        checked += 1;
      }
    }
    assert.equal(checked, 3, 'invoice and payment attachments, SOV import');
  });

  test('"did you mean" names the declared key a typo was meant to be, and only a close one', () => {
    const period = ['startsOn', 'endsOn', 'dueOn'];
    assert.equal(closestKey('due_on', period), 'dueOn');
    assert.equal(closestKey('DueOn', period), 'dueOn');
    assert.equal(closestKey('dueon', period), 'dueOn');
    assert.equal(closestKey('strtsOn', period), 'startsOn');
    assert.equal(closestKey('status', period), undefined);
    assert.equal(closestKey('diffReason', ['lineId', 'differenceReason']), undefined, 'too far to guess');
    assert.equal(closestKey('differenceReaosn', ['lineId', 'differenceReason']), 'differenceReason');
    assert.equal(closestKey('x', ['a', 'id']), undefined, 'one letter is never a guess');
  });
});

describe('a misspelt field on a billing period', () => {
  let project: { id: string };
  let api: Client;

  before(async () => {
    project = await makeProject(t.db);
    api = await t.as(admin.id);
  });

  test('creating a period with due_on is refused, naming due_on and hinting dueOn; nothing is created', async () => {
    const res = await api.post(`/api/v1/projects/${project.id}/billing-periods`, { startsOn: '2026-11-01', endsOn: '2026-11-30', due_on: '2026-12-10' });
    assertError(res, 400, 'validation_failed', 'due_on');
    assert.equal(res.body.error.message, 'Unknown field due_on — did you mean dueOn?');
    assert.deepEqual((await api.get(`/api/v1/projects/${project.id}/billing-periods`)).body.data, [], 'no period with a silently defaulted due date');
  });

  test('a status on a new period is refused, with the fields a new period takes', async () => {
    const res = await api.post(`/api/v1/projects/${project.id}/billing-periods`, { status: 'closed' });
    assertError(res, 400, 'validation_failed', 'status');
    assert.equal(res.body.error.message, 'Unknown field status: use startsOn, endsOn, dueOn.');
    assert.deepEqual((await api.get(`/api/v1/projects/${project.id}/billing-periods`)).body.data, []);
  });

  test('changing a period with due_on is refused too, and its due date stays', async () => {
    const created = await api.post(`/api/v1/projects/${project.id}/billing-periods`, { startsOn: '2026-11-01', endsOn: '2026-11-30', dueOn: '2026-11-25' });
    assertOk(created, 201);
    const res = await api.patch(`/api/v1/projects/${project.id}/billing-periods/${created.body.id}`, { version: created.body.version, due_on: '2026-12-10' });
    assertError(res, 400, 'validation_failed', 'due_on');
    assert.match(res.body.error.message, /did you mean dueOn\?/);
    const [period] = (await api.get(`/api/v1/projects/${project.id}/billing-periods`)).body.data;
    assert.deepEqual([period.dueOn, period.version], ['2026-11-25', created.body.version]);
  });
});

describe('saving invoice lines: the second line of the request is lines.1, whoever refuses it', () => {
  let s: BillingSetup;
  let invoice: { invoice: { id: string; version: number }; lines: { id: string }[] };
  /** The invoice's lines 1 and 2; requests send line 2 first, so a position is never a line's own. */
  let line1: string;
  let line2: string;
  const save = (lines: Record<string, unknown>[], mode: 'claim' | 'certify' = 'claim') =>
    s.admin.put(`${s.p}/invoices/${invoice.invoice.id}/lines?view=full`, { version: invoice.invoice.version, mode, lines });

  before(async () => {
    t.clock.set('2026-11-02T15:00:00Z');
    s = await billingProject(t, seen);
    assertOk(await s.admin.post(`${s.p}/billing-periods`, {}), 201);
    const c = await approvedCommitment(t, s);
    const created = await s.contactApi.post(`${s.p}/commitments/${c.id}/invoices?view=full`, {});
    assertOk(created, 201);
    invoice = created.body;
    [line1, line2] = invoice.lines.map((l) => l.id) as [string, string];
  });

  test('zod: a fraction of a cent on the second entry', async () => {
    const res = await save([{ lineId: line2, workCompletedThisPeriodCents: 100_00 }, { lineId: line1, workCompletedThisPeriodCents: 12.5 }]);
    assertError(res, 400, 'validation_failed', 'lines.1.workCompletedThisPeriodCents');
  });

  test('zod: an unknown key on the second entry, with the key it was meant to be', async () => {
    const res = await save([{ lineId: line2, workCompletedThisPeriodCents: 100_00 }, { lineId: line1, workCompletedThisPeriodCent: 100_00 }]);
    assertError(res, 400, 'validation_failed', 'lines.1.workCompletedThisPeriodCent');
    assert.equal(res.body.error.message, 'Unknown field lines.1.workCompletedThisPeriodCent — did you mean workCompletedThisPeriodCents?');
    assert.equal((await s.admin.get(`${s.p}/invoices/${invoice.invoice.id}`)).body.invoice.version, invoice.invoice.version, 'nothing saved, not even the first entry');
  });

  test('service: a line over 100 % with overbilling off, on the second entry, named by position and by id', async () => {
    const settings = await s.admin.get(`${s.p}/invoicing-settings`);
    assertOk(await s.admin.patch(`${s.p}/invoicing-settings`, { version: settings.body.version, allowOverbilling: false }));
    const res = await save([{ lineId: line2, workCompletedThisPeriodCents: 100_00 }, { lineId: line1, workCompletedThisPeriodCents: 10_000_01 }]);
    assertError(res, 422, 'rule_violation', 'lines.1.totalCompletedAndStoredCents');
    assert.deepEqual(
      res.body.error.details.map((d: { path: string; lineId: string; code: string }) => [d.path, d.lineId, d.code]),
      [['lines.1.totalCompletedAndStoredCents', line1, 'overbilled']],
    );
  });

  test('service: certifying a different amount without a reason, on the second entry', async () => {
    invoice = (await s.contactApi.put(`${s.p}/invoices/${invoice.invoice.id}/lines?view=full`, { version: invoice.invoice.version, lines: [{ lineId: line2, workCompletedThisPeriodCents: 1_000_00 }, { lineId: line1, workCompletedThisPeriodCents: 1_000_00 }] })).body;
    const submitted = await s.contactApi.post(`${s.p}/invoices/${invoice.invoice.id}/transitions?view=full`, { action: 'submit', version: invoice.invoice.version });
    assertOk(submitted);
    invoice = submitted.body;
    const res = await save(
      [
        { lineId: line2, workCompletedThisPeriodCents: 900_00, differenceReason: 'Site walk' },
        { lineId: line1, workCompletedThisPeriodCents: 800_00 },
      ],
      'certify',
    );
    assertError(res, 400, 'validation_failed', 'lines.1.differenceReason');
    const missing = await save([{ lineId: line2, workCompletedThisPeriodCents: 900_00, differenceReason: 'Site walk' }, { lineId: SOME_UUID, workCompletedThisPeriodCents: 1 }], 'certify');
    assertError(missing, 400, 'validation_failed', 'lines.1.lineId');
    assertNo5xx(seen);
  });
});
