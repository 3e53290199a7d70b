import { escapeHtml } from '../lib/html.ts';

/** The page at / until the web application is built (dist-web). */
export function homePage(): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>payapp</title><style>body{font:16px/1.5 system-ui,sans-serif;max-width:40rem;margin:3rem auto;padding:0 1rem}</style></head>
<body><h1>payapp is running</h1>
<p>${escapeHtml('Subcontractor invoicing: commitments, invoice contacts, billing periods and pay applications.')}</p>
<ul><li><a href="/api/docs">API reference</a></li><li><a href="/api/v1/openapi.json">OpenAPI document</a></li></ul>
<p>Sign in through the API: <code>POST /api/v1/session</code> with the email and password that <code>npm start</code> printed.</p>
</body></html>`;
}
