import { escapeHtml } from '../lib/html.ts';

/** The page at / when the web UI has not been built (run `npm run build:web`). */
export function homePage(): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>payapp</title><style>body{font:16px/1.5 system-ui,sans-serif;max-width:40rem;margin:3rem auto;padding:0 1rem}</style></head>
<body><h1>payapp is running</h1>
<p>${escapeHtml('Subcontractor invoicing: commitments, invoice contacts, billing periods and pay applications.')}</p>
<ul><li><a href="/api/docs">API reference</a></li><li><a href="/api/v1/openapi.json">OpenAPI document</a></li></ul>
<p>The web UI has not been built yet: run <code>npm run build:web</code> (or start with <code>npm start</code>, which builds it).</p>
</body></html>`;
}
