/**
 * Security headers on every response — API JSON, errors, the UI and its assets, the server-rendered
 * pages, downloads (issue 11; docs/decisions/017-security-headers.md).
 *
 * A route that sets one of these headers itself keeps its own value (the one-click answer pages
 * say `Referrer-Policy: same-origin` on purpose); the rest are filled in after the route has run,
 * errors included.
 */
import type { MiddlewareHandler } from 'hono';

/**
 * Scripts only from payapp's own files: no inline script, no eval. Inline styles stay allowed —
 * the server-rendered pages carry a <style> block and emails shown in the dev mailbox are styled
 * inline — and cannot run code. Vite inlines small assets as data: URLs (images, fonts).
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'Content-Security-Policy': CONTENT_SECURITY_POLICY,
  'X-Content-Type-Options': 'nosniff',
  // No Referer to other sites (pages with tokens in their address included). Not `no-referrer`:
  // with it a browser sends "Origin: null" on same-origin posts, which the sign-in checks.
  'Referrer-Policy': 'same-origin',
  // frame-ancestors for browsers that predate it.
  'X-Frame-Options': 'DENY',
};

export const securityHeaders: MiddlewareHandler = async (c, next) => {
  await next();
  const missing = Object.entries(SECURITY_HEADERS).filter(([name]) => !c.res.headers.has(name));
  if (missing.length === 0) return;
  try {
    for (const [name, value] of missing) c.res.headers.set(name, value);
  } catch {
    // A response with immutable headers (one passed through from fetch): copy it, then set.
    const copy = new Response(c.res.body, c.res);
    for (const [name, value] of missing) copy.headers.set(name, value);
    c.res = copy;
  }
};
