/** The frame every email shares: plain HTML with inline styles (no images, no tracking), and a text twin. */
import { escapeHtml } from '../lib/html.ts';

export type Rendered = { subject: string; html: string; text: string };

export type Block =
  | { kind: 'paragraph'; text: string }
  | { kind: 'facts'; rows: [string, string][] }
  | { kind: 'buttons'; buttons: { label: string; url: string; tone?: 'primary' | 'secondary' }[] }
  | { kind: 'list'; title?: string; items: string[] }
  | { kind: 'table'; title?: string; head: string[]; rows: string[][] }
  | { kind: 'quote'; text: string };

const BUTTON = {
  primary: 'background:#1d4ed8;color:#ffffff;border:1px solid #1d4ed8',
  secondary: 'background:#ffffff;color:#1d4ed8;border:1px solid #1d4ed8',
};

function htmlBlock(block: Block): string {
  switch (block.kind) {
    case 'paragraph':
      return `<p style="margin:0 0 16px">${escapeHtml(block.text)}</p>`;
    case 'quote':
      return `<blockquote style="margin:0 0 16px;padding:8px 12px;border-left:4px solid #cbd5e1;background:#f8fafc">${escapeHtml(block.text).replace(/\n/g, '<br>')}</blockquote>`;
    case 'facts':
      return `<table role="presentation" style="border-collapse:collapse;margin:0 0 16px">${block.rows
        .map(([k, v]) => `<tr><td style="padding:4px 16px 4px 0;color:#475569;vertical-align:top">${escapeHtml(k)}</td><td style="padding:4px 0;font-weight:600">${escapeHtml(v)}</td></tr>`)
        .join('')}</table>`;
    case 'buttons':
      return `<p style="margin:8px 0 24px">${block.buttons
        .map(
          (b) =>
            `<a href="${escapeHtml(b.url)}" style="display:inline-block;padding:10px 22px;margin:0 8px 8px 0;border-radius:6px;text-decoration:none;font-weight:600;${BUTTON[b.tone ?? 'primary']}">${escapeHtml(b.label)}</a>`,
        )
        .join('')}</p>`;
    case 'list':
      return `${block.title ? `<p style="margin:0 0 8px;font-weight:600">${escapeHtml(block.title)}</p>` : ''}<ul style="margin:0 0 16px;padding-left:20px">${block.items
        .map((i) => `<li>${escapeHtml(i)}</li>`)
        .join('')}</ul>`;
    case 'table':
      return `${block.title ? `<p style="margin:0 0 8px;font-weight:600">${escapeHtml(block.title)}</p>` : ''}<table style="border-collapse:collapse;width:100%;margin:0 0 16px;font-size:14px"><thead><tr>${block.head
        .map((h) => `<th style="text-align:left;border-bottom:2px solid #cbd5e1;padding:6px">${escapeHtml(h)}</th>`)
        .join('')}</tr></thead><tbody>${block.rows
        .map((r) => `<tr>${r.map((c) => `<td style="border-bottom:1px solid #e2e8f0;padding:6px;vertical-align:top">${escapeHtml(c)}</td>`).join('')}</tr>`)
        .join('')}</tbody></table>`;
  }
}

function textBlock(block: Block): string {
  switch (block.kind) {
    case 'paragraph':
      return block.text;
    case 'quote':
      return block.text
        .split('\n')
        .map((l) => `> ${l}`)
        .join('\n');
    case 'facts':
      return block.rows.map(([k, v]) => `${k}: ${v}`).join('\n');
    case 'buttons':
      return block.buttons.map((b) => `${b.label}: ${b.url}`).join('\n');
    case 'list':
      return `${block.title ? `${block.title}\n` : ''}${block.items.map((i) => `- ${i}`).join('\n')}`;
    case 'table':
      return `${block.title ? `${block.title}\n` : ''}${block.rows.map((r) => `- ${r.join(' | ')}`).join('\n')}`;
  }
}

export function renderEmail(input: { subject: string; heading: string; blocks: Block[]; footer: string }): Rendered {
  const html = `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width"><title>${escapeHtml(input.subject)}</title></head>
<body style="margin:0;padding:0;background:#f1f5f9;font-family:Segoe UI,Helvetica,Arial,sans-serif;color:#0f172a;font-size:15px;line-height:1.5">
<div style="max-width:600px;margin:0 auto;padding:24px">
<div style="background:#ffffff;border:1px solid #e2e8f0;border-radius:8px;padding:24px">
<h1 style="font-size:20px;margin:0 0 16px">${escapeHtml(input.heading)}</h1>
${input.blocks.map(htmlBlock).join('\n')}
</div>
<p style="color:#64748b;font-size:12px;margin:16px 0 0">${escapeHtml(input.footer)}</p>
</div></body></html>`;
  const text = `${input.heading}\n\n${input.blocks.map(textBlock).join('\n\n')}\n\n--\n${input.footer}\n`;
  return { subject: input.subject, html, text };
}
