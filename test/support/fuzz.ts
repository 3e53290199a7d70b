/**
 * Requests drawn from the OpenAPI document (issue 11, the fuzz test): each operation's path
 * parameters, query and body are generated from its own schemas with fast-check, then one
 * mutation is applied — a wrong type, a missing or extra field, a huge or negative number, a NUL,
 * a lone surrogate, a 1 MB string, malformed JSON, a wrong content type, a non-UUID id in the
 * path or the query, a bad If-Match or Idempotency-Key — or none.
 */
import fc from 'fast-check';

export type Schema = {
  $ref?: string;
  type?: string | string[];
  format?: string;
  pattern?: string;
  enum?: unknown[];
  const?: unknown;
  properties?: Record<string, Schema>;
  required?: string[];
  items?: Schema;
  oneOf?: Schema[];
  anyOf?: Schema[];
  allOf?: Schema[];
  minimum?: number;
  maximum?: number;
  minLength?: number;
  maxLength?: number;
  minItems?: number;
  maxItems?: number;
  nullable?: boolean;
};
export type Parameter = { name: string; in: string; required?: boolean; schema?: Schema };
export type Operation = { parameters?: Parameter[]; requestBody?: { content: Record<string, { schema: Schema }> } };
export type Doc = { paths: Record<string, Record<string, Operation>>; components: { schemas: Record<string, Schema> } };
export type Route = { method: string; path: string; op: Operation };

/** Real ids of the fixture by path parameter name, so that generated requests reach the handlers. */
export type Pools = { path: Record<string, string[]>; ids: string[] };

export type FuzzRequest = {
  method: string;
  url: string;
  headers: Record<string, string>;
  body?: string | FormData;
  mutation: string;
};

export const MUTATIONS = [
  'none',
  'wrong_type',
  'missing_field',
  'extra_field',
  'huge_number',
  'negative_number',
  'nul',
  'lone_surrogate',
  'megabyte_string',
  'malformed_json',
  'wrong_content_type',
  'bad_path_id',
  'bad_query',
  'bad_header',
] as const;
export type Mutation = (typeof MUTATIONS)[number];

export function routesOf(doc: Doc): Route[] {
  return Object.entries(doc.paths).flatMap(([path, methods]) => Object.entries(methods).map(([method, op]) => ({ method: method.toUpperCase(), path, op })));
}

function resolve(doc: Doc, schema: Schema): Schema {
  let current = schema;
  for (let hops = 0; current.$ref && hops < 10; hops++) current = doc.components.schemas[current.$ref.replace('#/components/schemas/', '')] ?? {};
  return current;
}

const typesOf = (s: Schema) => (Array.isArray(s.type) ? s.type : s.type ? [s.type] : []);
const MB = 'x'.repeat(1024 * 1024);
const WRONG_VALUES: unknown[] = [{}, [], 'not-a-number', 1, true, null, 1.5, [1, 'a'], { nested: { deeper: 1 } }];
const HUGE_NUMBERS = [2_147_483_648, 2 ** 53, 9_007_199_254_740_993, 1e308, 4_294_967_296, 1e21];
const NEGATIVE_NUMBERS = [-1, -2_147_483_649, -(2 ** 53), -1e308, -0.5];
const NUL_STRINGS = ['a\u0000b@x.example', '\u0000', 'name\u0000'];
const SURROGATES = ['\ud800', 'a\udc00b', '\udbff\ud800'];
/** Path segments as sent (already percent-encoded): none is an id of anything. */
const BAD_SEGMENTS = ['abc', '1', '-1', '2147483648', '99999999999999999999', '1e400', '%00', 'a%00b', '%ED%A0%80', 'null', '%20', encodeURIComponent('発注書'), 'x'.repeat(3000), '0b7f2a4e-3c1d-4e8f-9a6b-5c4d3e2f1a0'];
const BAD_QUERY_VALUES = ['abc', '%00', 'a%00b', '%ED%A0%80', '2147483648', '99999999999999999999999', '-1', '1.5', 'x'.repeat(100_000), '', '0b7f2a4e-3c1d-4e8f-9a6b-5c4d3e2f1a0b%00'];
const BAD_HEADERS: [string, string][] = [
  ['if-match', '"abc"'],
  ['if-match', '"99999999999999999999"'],
  ['if-match', 'W/"2147483648"'],
  ['if-match', '"-1"'],
  ['idempotency-key', 'k'.repeat(10_000)],
  ['idempotency-key', 'cl\u00e9-\u00ff'],
];

function stringArb(s: Schema, key: string, pools: Pools): fc.Arbitrary<string> {
  if (s.format === 'uuid' || /(^id|Id|Ids)$/.test(key)) return fc.oneof({ weight: 4, arbitrary: fc.constantFrom(...pools.ids) }, { weight: 1, arbitrary: fc.uuid() });
  if (s.format === 'date' || /On$|Date$|periodStart|periodEnd/.test(key)) {
    return fc.date({ min: new Date('2020-01-01T00:00:00Z'), max: new Date('2032-12-31T00:00:00Z'), noInvalidDate: true }).map((d) => d.toISOString().slice(0, 10));
  }
  if (s.format === 'email' || key === 'email') return fc.emailAddress();
  if (key === 'timeZone') return fc.constantFrom('America/Toronto', 'UTC', 'Europe/Paris', 'Nowhere/Else');
  if (s.pattern) {
    try {
      return fc.stringMatching(new RegExp(s.pattern)).filter((v) => v.length <= (s.maxLength ?? 200));
    } catch {
      // A pattern fast-check cannot read: fall through to plain text.
    }
  }
  const maxLength = Math.max(s.minLength ?? 0, Math.min(s.maxLength ?? 40, 40));
  return fc.oneof(fc.string({ minLength: s.minLength ?? 0, maxLength }), fc.string({ minLength: s.minLength ?? 0, maxLength, unit: 'grapheme' }));
}

function integerArb(s: Schema): fc.Arbitrary<number> {
  const min = Math.max(s.minimum ?? -1_000_000, -1_000_000_000_000);
  const max = Math.min(s.maximum ?? 1_000_000, 1_000_000_000_000);
  return fc.oneof({ weight: 4, arbitrary: fc.integer({ min: Math.max(min, Math.min(max, 0) - 1000), max: Math.min(max, Math.max(min, 0) + 100_000) }) }, { weight: 1, arbitrary: fc.constantFrom(min, max) });
}

/** A value the schema accepts (mostly: names and ids come from the fixture or are random). */
export function valueArb(doc: Doc, schema: Schema, pools: Pools, key = '', depth = 0): fc.Arbitrary<unknown> {
  const s = resolve(doc, schema);
  const variants = [...(s.oneOf ?? []), ...(s.anyOf ?? [])];
  if (variants.length > 0) return fc.oneof(...variants.map((v) => valueArb(doc, v, pools, key, depth + 1)));
  if (s.allOf) return valueArb(doc, { type: 'object', properties: Object.assign({}, ...s.allOf.map((p) => resolve(doc, p).properties)) }, pools, key, depth + 1);
  if (s.enum) return fc.constantFrom(...s.enum);
  if ('const' in s) return fc.constant(s.const);
  const types = typesOf(s);
  const base = types.find((t) => t !== 'null') ?? (s.properties ? 'object' : s.items ? 'array' : 'string');
  let arb: fc.Arbitrary<unknown>;
  if (base === 'string') arb = stringArb(s, key, pools);
  else if (base === 'integer' || base === 'number') arb = integerArb(s);
  else if (base === 'boolean') arb = fc.boolean();
  else if (base === 'array') {
    const minLength = s.minItems ?? 0;
    const item = s.items ? valueArb(doc, s.items, pools, key, depth + 1) : fc.string();
    arb = depth > 6 ? fc.constant([]) : fc.array(item, { minLength, maxLength: Math.max(minLength, Math.min(s.maxItems ?? 3, 3)) });
  } else if (depth > 6) arb = fc.constant({});
  else {
    const props = Object.fromEntries(Object.entries(s.properties ?? {}).map(([k, p]) => [k, valueArb(doc, p, pools, k, depth + 1)]));
    arb = fc.record(props, { requiredKeys: (s.required ?? []).filter((k) => k in props) });
  }
  return types.includes('null') || s.nullable ? fc.option(arb, { nil: null, freq: 5 }) : arb;
}

type PathTo = (string | number)[];

/** Every position in a JSON value, the value itself first. */
function positions(value: unknown, at: PathTo = []): { at: PathTo; value: unknown }[] {
  const out = [{ at, value }];
  if (Array.isArray(value)) value.forEach((v, i) => out.push(...positions(v, [...at, i])));
  else if (value && typeof value === 'object') for (const [k, v] of Object.entries(value)) out.push(...positions(v, [...at, k]));
  return out;
}

function setAt(root: unknown, at: PathTo, value: unknown): unknown {
  if (at.length === 0) return value;
  const copy = structuredClone(root) as Record<string | number, unknown>;
  let node = copy;
  for (const segment of at.slice(0, -1)) node = node[segment] as Record<string | number, unknown>;
  node[at[at.length - 1] as string | number] = value;
  return copy;
}

/** The value with one mutation applied at the `pick`-th eligible position. */
export function mutateBody(body: unknown, mutation: Mutation, pick: number): unknown {
  const all = positions(body);
  const choose = <T>(items: T[]): T => items[pick % items.length] as T;
  const leaves = all.filter((p) => p.value === null || typeof p.value !== 'object');
  const ofType = (type: string) => {
    const found = all.filter((p) => typeof p.value === type);
    return found.length > 0 ? found : leaves.length > 0 ? leaves : all;
  };
  switch (mutation) {
    case 'wrong_type': {
      const target = choose(all.length > 1 ? all.slice(1) : all);
      const replacement = WRONG_VALUES.filter((v) => typeof v !== typeof target.value || Array.isArray(v) !== Array.isArray(target.value));
      return setAt(body, target.at, choose(replacement));
    }
    case 'missing_field': {
      const objects = all.filter((p) => p.value && typeof p.value === 'object' && !Array.isArray(p.value) && Object.keys(p.value).length > 0);
      if (objects.length === 0) return body;
      const target = choose(objects);
      const copy = { ...(target.value as Record<string, unknown>) };
      delete copy[choose(Object.keys(copy))];
      return setAt(body, target.at, copy);
    }
    case 'extra_field': {
      const objects = all.filter((p) => p.value && typeof p.value === 'object' && !Array.isArray(p.value));
      if (objects.length === 0) return { value: body, fuzzExtra: 1 };
      const target = choose(objects);
      return setAt(body, target.at, { ...(target.value as object), fuzzExtra: choose(WRONG_VALUES) });
    }
    case 'huge_number':
      return setAt(body, choose(ofType('number')).at, choose(HUGE_NUMBERS));
    case 'negative_number':
      return setAt(body, choose(ofType('number')).at, choose(NEGATIVE_NUMBERS));
    case 'nul':
      return setAt(body, choose(ofType('string')).at, choose(NUL_STRINGS));
    case 'lone_surrogate':
      return setAt(body, choose(ofType('string')).at, choose(SURROGATES));
    case 'megabyte_string':
      return setAt(body, choose(ofType('string')).at, MB);
    default:
      return body;
  }
}

function fillPath(template: string, segments: Record<string, string>): string {
  return template.replace(/\{([^}]+)\}/g, (_, name: string) => segments[name] ?? 'missing');
}

/** One request for `route`: generated from its schemas, then mutated. */
export function requestArb(doc: Doc, route: Route, pools: Pools): fc.Arbitrary<FuzzRequest> {
  const params = route.op.parameters ?? [];
  const pathParams = params.filter((p) => p.in === 'path');
  const queryParams = params.filter((p) => p.in === 'query');
  const jsonSchema = route.op.requestBody?.content['application/json']?.schema;
  const isUpload = Boolean(route.op.requestBody?.content['multipart/form-data']);
  const segments = fc.record(Object.fromEntries(pathParams.map((p) => [p.name, fc.constantFrom(...(pools.path[p.name] ?? ['0b7f2a4e-3c1d-4e8f-9a6b-5c4d3e2f1a0b'])).map(encodeURIComponent)])));
  const query = fc.record(Object.fromEntries(queryParams.map((p) => [p.name, valueArb(doc, p.schema ?? {}, pools, p.name)])), { requiredKeys: [] });
  const body = jsonSchema ? valueArb(doc, jsonSchema, pools) : fc.constant(undefined);
  const applicable = MUTATIONS.filter((m) => {
    if (m === 'bad_path_id') return pathParams.length > 0;
    if (m === 'bad_query') return queryParams.length > 0;
    if (m === 'bad_header' || m === 'none') return true;
    return jsonSchema !== undefined || isUpload;
  });
  return fc
    .record({ segments, query, body, mutation: fc.constantFrom(...applicable), pick: fc.nat(), fileName: fileNameArb, fileType: fc.constantFrom('application/pdf', 'image/png', 'text/csv', 'application/x-msdownload', '') })
    .map(({ segments, query, body, mutation, pick, fileName, fileType }) => {
      const path = { ...segments };
      if (mutation === 'bad_path_id') {
        const name = (pathParams[pick % pathParams.length] as Parameter).name;
        path[name] = BAD_SEGMENTS[Math.floor(pick / pathParams.length) % BAD_SEGMENTS.length] as string;
      }
      const search = new URLSearchParams();
      for (const [k, v] of Object.entries(query)) if (v !== undefined && v !== null) search.set(k, typeof v === 'string' ? v : JSON.stringify(v));
      let qs = search.toString();
      if (mutation === 'bad_query') {
        const name = (queryParams[pick % queryParams.length] as Parameter).name;
        qs = [qs, `${name}=${BAD_QUERY_VALUES[Math.floor(pick / queryParams.length) % BAD_QUERY_VALUES.length]}`].filter(Boolean).join('&');
      }
      const url = `${fillPath(route.path, path)}${qs ? `?${qs}` : ''}`;
      const headers: Record<string, string> = {};
      if (mutation === 'bad_header') {
        const [name, value] = BAD_HEADERS[pick % BAD_HEADERS.length] as [string, string];
        headers[name] = value;
      }
      if (isUpload) return { method: route.method, url, headers, body: uploadBody(mutation, pick, fileName, fileType), mutation };
      if (body === undefined) return { method: route.method, url, headers, mutation };
      const mutated = mutateBody(body, mutation, pick);
      let text = JSON.stringify(mutated);
      headers['content-type'] = 'application/json';
      if (mutation === 'malformed_json') text = [text.slice(0, -1), '{"a":', 'nul', '\u0000', '{"a":1}}', "{'a':1}"][pick % 6] as string;
      if (mutation === 'wrong_content_type') headers['content-type'] = ['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'application/xml'][pick % 4] as string;
      return { method: route.method, url, headers, body: text, mutation };
    });
}

const fileNameArb = fc.oneof(
  fc.constantFrom('résumé.pdf', '発注書.pdf', 'a"b;c.pdf', '../../etc/passwd.pdf', 'C:\\x\\y.pdf', 'nul\u0000.pdf', '\ud800.pdf', 'tab\tnew\nline.pdf', `${'n'.repeat(2000)}.pdf`, '.pdf', 'invoice.pdf'),
  fc.string({ unit: 'grapheme', maxLength: 30 }).map((s) => `${s}.pdf`),
);

function uploadBody(mutation: Mutation, pick: number, fileName: string, fileType: string): string | FormData {
  if (mutation === 'wrong_content_type' || mutation === 'malformed_json') return JSON.stringify({ file: fileName });
  const form = new FormData();
  const bytes = fileType === 'application/pdf' ? '%PDF-1.4\n%fuzz\n' : 'a,b\n1,2\n';
  const name = mutation === 'nul' ? 'a\u0000b.pdf' : mutation === 'lone_surrogate' ? '\udc00.pdf' : mutation === 'megabyte_string' ? `${MB}.pdf` : fileName;
  if (mutation === 'wrong_type') form.append('file', ['text', '', MB][pick % 3] as string);
  else if (mutation !== 'missing_field') form.append('file', new Blob([bytes], { type: fileType }), name);
  if (mutation === 'extra_field') form.append('fuzzExtra', 'x');
  return form;
}
