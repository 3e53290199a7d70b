/** A small server-rendered page (one-click answers, the dev mailbox) in the app's look. */
import { escapeHtml } from '../lib/html.ts';

export function page(input: { title: string; body: string; wide?: boolean }): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(input.title)} · payapp</title>
<style>
body{font:16px/1.5 system-ui,-apple-system,Segoe UI,sans-serif;margin:0;background:#f1f5f9;color:#0f172a}
main{max-width:${input.wide ? '1100px' : '36rem'};margin:3rem auto;padding:0 1rem}
.card{background:#fff;border:1px solid #e2e8f0;border-radius:8px;padding:1.5rem}
h1{font-size:1.4rem;margin:0 0 1rem}
a.button,button.button{display:inline-block;background:#1d4ed8;color:#fff;padding:.6rem 1.2rem;border:0;border-radius:6px;text-decoration:none;font:inherit;font-weight:600;cursor:pointer}
a.button:focus,button.button:focus{outline:3px solid #6d28d9;outline-offset:2px}
table.facts{margin:0 0 1rem} table.facts th{font-weight:normal;color:#475569;width:9rem}
table{border-collapse:collapse;width:100%;font-size:.95rem} th,td{text-align:left;padding:.4rem .5rem;border-bottom:1px solid #e2e8f0;vertical-align:top}
.muted{color:#475569} .ok{color:#166534} .warn{color:#9a3412}
</style></head><body><main>${input.body}</main></body></html>`;
}

/** The page an error outside /api answers with: the same words as the JSON error, in the app's look. */
export function errorPage(status: number, message: string): string {
  const title = status === 404 ? 'Page not found' : status >= 500 ? 'Something went wrong' : 'This request could not be completed';
  return page({ title, body: `<div class="card"><h1>${escapeHtml(title)}</h1><p>${escapeHtml(message)}</p><p><a href="/">Go to payapp</a></p></div>` });
}
