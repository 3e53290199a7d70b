/**
 * The HTTP application: JSON API under /api/v1 (documented at /api/v1/openapi.json and /api/docs),
 * and the web UI at /. Every failure leaves through `onError` in one shape.
 */
import { OpenAPIHono } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import { DomainError } from '../domain/errors.ts';
import { authenticate } from './auth.middleware.ts';
import { commitmentRoutes } from './commitments.routes.ts';
import type { AppDeps, Env } from './context.ts';
import { directoryRoutes } from './directory.routes.ts';
import { errorBody, fromDatabaseError, fromHttpException, statusFor } from './errors.ts';
import { projectRoutes } from './projects.routes.ts';
import { renderApiReference } from './api-reference.ts';
import { sessionRoutes } from './session.routes.ts';
import { sovRoutes } from './sov.routes.ts';
import { sovImportRoutes } from './sov-import.routes.ts';
import { ssovRoutes } from './ssov.routes.ts';
import { billingRoutes } from './billing.routes.ts';
import { invoicePdfRoutes } from './invoice-pdf.routes.ts';
import { exportRoutes } from './exports.routes.ts';
import { invoiceRoutes } from './invoices.routes.ts';
import { paymentRoutes } from './payments.routes.ts';
import { retainageRuleRoutes } from './retainage-rules.routes.ts';
import { emailRoutes } from './emails.routes.ts';
import { workRoutes } from './work.routes.ts';
import { preferenceRoutes } from './preferences.routes.ts';
import { emailPageRoutes } from './email-pages.routes.ts';
import { mountWebUi } from './web-ui.ts';
import { errorPage } from './page.ts';
import { securityHeaders } from './security-headers.ts';
import { healthRoutes, type Lifecycle } from './health.routes.ts';

export const OPENAPI_INFO = {
  openapi: '3.1.0',
  info: {
    title: 'payapp API',
    version: '1',
    description:
      'Subcontractor invoicing (pay applications): commitments, invoice contacts, billing periods, invoices. ' +
      'Authenticate with the session cookie (send X-CSRF-Token on writes) or `Authorization: Bearer <personal API token>`. ' +
      'Every error is `{ "error": { "code", "message", "field"?, "details"? } }`; `field` and `details[].path` are dotted paths into the request as sent, ' +
      'array items by their 0-based position (`lines.1.differenceReason`), never by id. A key an operation does not declare — in a body, anywhere inside it, ' +
      'or in a query string — is refused with 400 `validation_failed` naming it, never ignored. Text never holds a NUL or an unpaired UTF-16 surrogate (400 naming the field). ' +
      'Ids are UUIDs: a malformed id in a path answers 404 like a missing resource, in a query or a body 400 naming the field. Money is integer cents; rates are basis points. ' +
      'Any operation may answer 503 `database_unavailable` with `Retry-After` when the connection to the database is lost (a restart, a failover): ' +
      'send the request again after that many seconds — with the same `Idempotency-Key` where the operation accepts one, so a change that did go through is answered, never made twice.',
  },
} as const;

const INTERNAL_ERROR = 'Something went wrong on our side. Nothing was saved; please try again.';

/**
 * Every error leaves in one shape: the JSON error body under /api, an HTML page elsewhere (the
 * one-click answer pages, the mailbox, the web UI's paths); without a DomainError, a 500 that says
 * nothing of the cause.
 */
export function respondWithError(c: Context<Env>, error: DomainError | undefined): Response {
  const status = error ? statusFor(error.code) : 500;
  const body = error ? errorBody(error) : { error: { code: 'internal_error', message: INTERNAL_ERROR } };
  const retryable = error?.code === 'too_many_requests' || error?.code === 'database_unavailable';
  if (retryable && error.details && 'retryAfterSeconds' in error.details) {
    c.header('Retry-After', String(error.details.retryAfterSeconds));
  }
  if (!c.req.path.startsWith('/api/')) return c.html(errorPage(status, body.error.message), status);
  return c.json(body, status);
}

/** `lifecycle`: whether the process is draining (readiness answers 503); tests and scripts omit it. */
export function createApp(deps: AppDeps, options: { webRoot?: string; lifecycle?: Lifecycle } = {}): OpenAPIHono<Env> {
  const app = new OpenAPIHono<Env>();

  // First, so it wraps every response, errors included.
  app.use('*', securityHeaders);
  app.use('*', async (c, next) => {
    c.set('deps', deps);
    c.set('auth', null);
    await next();
  });

  // A response whose headers cannot be sent (a header value that is not Latin-1) would otherwise
  // fail inside the node adapter, after the app, as a plain-text 500.
  app.use('*', async (c, next) => {
    await next();
    try {
      c.res.headers.forEach(() => undefined);
    } catch (error) {
      console.error(`[payapp] ${c.req.method} ${c.req.path} built a response that cannot be sent:`, error);
      c.res = undefined as unknown as Response;
      c.res = respondWithError(c, undefined);
    }
  });

  app.onError(handleError);
  app.notFound((c) => respondWithError(c, new DomainError('not_found', c.req.path.startsWith('/api/') ? 'There is no such API endpoint. See /api/docs.' : 'There is no page at this address.')));

  // Before everything else that could answer these paths; outside /api: no authentication.
  app.route('/', healthRoutes(options.lifecycle ?? { draining: () => false }));

  app.use('/api/v1/*', authenticate);
  app.route('/api/v1', sessionRoutes);
  app.route('/api/v1', directoryRoutes);
  app.route('/api/v1', projectRoutes);
  app.route('/api/v1', commitmentRoutes);
  app.route('/api/v1', sovRoutes);
  app.route('/api/v1', sovImportRoutes);
  app.route('/api/v1', ssovRoutes);
  app.route('/api/v1', billingRoutes);
  app.route('/api/v1', invoiceRoutes);
  app.route('/api/v1', invoicePdfRoutes);
  app.route('/api/v1', exportRoutes);
  app.route('/api/v1', paymentRoutes);
  app.route('/api/v1', retainageRuleRoutes);
  app.route('/api/v1', emailRoutes);
  app.route('/api/v1', workRoutes);
  app.route('/api/v1', preferenceRoutes);

  app.openAPIRegistry.registerComponent('securitySchemes', 'session', {
    type: 'apiKey',
    in: 'cookie',
    name: 'payapp_session',
  });
  app.openAPIRegistry.registerComponent('securitySchemes', 'bearer', { type: 'http', scheme: 'bearer' });
  app.doc31('/api/v1/openapi.json', { ...OPENAPI_INFO, security: [{ session: [] }, { bearer: [] }] });
  app.get('/api/docs', (c) => c.html(renderApiReference(app.getOpenAPI31Document({ ...OPENAPI_INFO }))));
  app.all('/api/*', () => {
    throw new DomainError('not_found', 'There is no such API endpoint. See /api/docs.');
  });
  app.route('/', emailPageRoutes({ mailboxEnabled: !deps.config.smtpUrl }));
  mountWebUi(app, options.webRoot);
  return app;
}

/** `onError` of the app: any thrown error → a DomainError where one fits (docs/decisions/004), else a 500. */
export function handleError(error: Error, c: Context<Env>): Response {
  let domainError: DomainError | undefined;
  if (error instanceof DomainError) domainError = error;
  else if (error instanceof HTTPException) domainError = fromHttpException(error);
  else domainError = fromDatabaseError(error);
  if (!domainError) console.error(`[payapp] ${c.req.method} ${c.req.path} failed:`, error);
  else if (domainError.code === 'database_unavailable') {
    console.error(`[payapp] ${c.req.method} ${c.req.path}: database connection lost (${error.message}); answered 503.`);
  }
  return respondWithError(c, domainError);
}
