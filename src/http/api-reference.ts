/** A readable API reference rendered from the same OpenAPI document the schemas generate. */
import { escapeHtml } from '../lib/html.ts';

type Schema = {
  $ref?: string;
  type?: string | string[];
  properties?: Record<string, Schema>;
  required?: string[];
  items?: Schema;
  enum?: unknown[];
  description?: string;
  nullable?: boolean;
  anyOf?: Schema[];
  oneOf?: Schema[];
  format?: string;
  example?: unknown;
};
type Operation = {
  tags?: string[];
  summary?: string;
  description?: string;
  parameters?: { name: string; in: string; required?: boolean; description?: string; schema?: Schema }[];
  requestBody?: { content?: Record<string, { schema?: Schema }> };
  responses?: Record<string, { description?: string; content?: Record<string, { schema?: Schema }> }>;
};
type Doc = {
  info: { title: string; version: string; description?: string };
  paths: Record<string, Record<string, Operation>>;
  components?: { schemas?: Record<string, Schema> };
};

function refName(ref: string): string {
  return ref.split('/').pop() ?? ref;
}

function typeLabel(schema: Schema | undefined): string {
  if (!schema) return 'any';
  if (schema.$ref) return `<a href="#schema-${escapeHtml(refName(schema.$ref))}">${escapeHtml(refName(schema.$ref))}</a>`;
  if (schema.enum) return schema.enum.map((v) => `<code>${escapeHtml(String(v))}</code>`).join(' | ');
  if (schema.anyOf || schema.oneOf) return (schema.anyOf ?? schema.oneOf ?? []).map(typeLabel).join(' or ');
  if (schema.type === 'array') return `array of ${typeLabel(schema.items)}`;
  const type = Array.isArray(schema.type) ? schema.type.join(' | ') : (schema.type ?? 'object');
  return escapeHtml(schema.format ? `${type} (${schema.format})` : type) + (schema.nullable ? ' | null' : '');
}

function fieldsTable(schema: Schema | undefined): string {
  if (!schema?.properties) return `<p>${typeLabel(schema)}</p>`;
  const required = new Set(schema.required ?? []);
  const rows = Object.entries(schema.properties)
    .map(
      ([name, prop]) =>
        `<tr><td><code>${escapeHtml(name)}</code>${required.has(name) ? ' <span class="req">required</span>' : ''}</td><td>${typeLabel(prop)}</td><td>${escapeHtml(prop.description ?? '')}</td></tr>`,
    )
    .join('');
  return `<table><thead><tr><th>Field</th><th>Type</th><th>Notes</th></tr></thead><tbody>${rows}</tbody></table>`;
}

function jsonSchemaOf(content: Record<string, { schema?: Schema }> | undefined): Schema | undefined {
  return content?.['application/json']?.schema;
}

export function renderApiReference(document: object): string {
  const doc = document as Doc;
  const byTag = new Map<string, string[]>();
  for (const [path, methods] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(methods)) {
      const tag = op.tags?.[0] ?? 'Other';
      const params = (op.parameters ?? [])
        .map(
          (p) =>
            `<tr><td><code>${escapeHtml(p.name)}</code>${p.required ? ' <span class="req">required</span>' : ''}</td><td>${escapeHtml(p.in)}</td><td>${typeLabel(p.schema)}</td><td>${escapeHtml(p.description ?? p.schema?.description ?? '')}</td></tr>`,
        )
        .join('');
      const body = jsonSchemaOf(op.requestBody?.content);
      const responses = Object.entries(op.responses ?? {})
        .map(([status, r]) => {
          const schema = jsonSchemaOf(r.content);
          return `<li><strong>${escapeHtml(status)}</strong> ${escapeHtml(r.description ?? '')}${schema ? ` — ${typeLabel(schema)}` : ''}</li>`;
        })
        .join('');
      const html = `<section class="op" id="${escapeHtml(`${method}-${path}`)}">
        <h3><span class="method ${method}">${method.toUpperCase()}</span> <code>/api/v1${escapeHtml(path.replace(/^\/api\/v1/, ''))}</code></h3>
        <p class="summary">${escapeHtml(op.summary ?? '')}</p>
        ${op.description ? `<p>${escapeHtml(op.description)}</p>` : ''}
        ${params ? `<h4>Parameters</h4><table><thead><tr><th>Name</th><th>In</th><th>Type</th><th>Notes</th></tr></thead><tbody>${params}</tbody></table>` : ''}
        ${body ? `<h4>Request body (JSON)</h4>${body.$ref ? fieldsTable(doc.components?.schemas?.[refName(body.$ref)]) : fieldsTable(body)}` : ''}
        <h4>Responses</h4><ul>${responses}</ul>
      </section>`;
      byTag.set(tag, [...(byTag.get(tag) ?? []), html]);
    }
  }
  const schemas = Object.entries(doc.components?.schemas ?? {})
    .map(([name, schema]) => `<section class="schema" id="schema-${escapeHtml(name)}"><h3>${escapeHtml(name)}</h3>${fieldsTable(schema)}</section>`)
    .join('');
  const toc = [...byTag.keys()].map((tag) => `<li><a href="#tag-${escapeHtml(tag)}">${escapeHtml(tag)}</a></li>`).join('');
  const sections = [...byTag.entries()]
    .map(([tag, ops]) => `<h2 id="tag-${escapeHtml(tag)}">${escapeHtml(tag)}</h2>${ops.join('')}`)
    .join('');
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(doc.info.title)} reference</title>
<style>
body{font:15px/1.5 system-ui,sans-serif;margin:0;color:#1a1a1a;background:#fafafa}
main{max-width:1000px;margin:0 auto;padding:1rem 1.5rem 4rem}
h1{margin-bottom:.25rem} h2{margin-top:2.5rem;border-bottom:2px solid #ddd;padding-bottom:.25rem}
.op,.schema{background:#fff;border:1px solid #ddd;border-radius:6px;padding:.5rem 1rem;margin:1rem 0}
.method{display:inline-block;min-width:4.5em;text-align:center;border-radius:4px;color:#fff;font-size:.8em;padding:.1em .4em}
.get{background:#1d6fb8}.post{background:#1e7b34}.patch{background:#8a5a00}.put{background:#6b4aa0}.delete{background:#b3261e}
table{border-collapse:collapse;width:100%;font-size:.9em} td,th{border:1px solid #e2e2e2;padding:.3em .5em;text-align:left;vertical-align:top}
.req{color:#b3261e;font-size:.8em} .summary{font-weight:600}
</style></head><body><main>
<h1>${escapeHtml(doc.info.title)} v${escapeHtml(doc.info.version)}</h1>
<p>${escapeHtml(doc.info.description ?? '')}</p>
<p>Machine-readable: <a href="/api/v1/openapi.json">/api/v1/openapi.json</a> (OpenAPI 3).</p>
<nav><ul>${toc}<li><a href="#schemas">Schemas</a></li></ul></nav>
${sections}
<h2 id="schemas">Schemas</h2>${schemas}
</main></body></html>`;
}
