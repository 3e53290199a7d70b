/** Sign in, sign out, the current session, single-use links, password resets and API tokens. */
import { createRoute, z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import { DomainError } from '../domain/errors.ts';
import { listApiTokens } from '../db/auth.queries.ts';
import type { Db } from '../db/database.ts';
import { getUser } from '../db/directory.queries.ts';
import { isAdminOnAnyProject } from '../db/projects.queries.ts';
import { isInvoiceContactAnywhere } from '../db/contacts.queries.ts';
import { createApiToken, revokeApiToken } from '../services/auth/api-tokens.ts';
import { signIn } from '../services/auth/sign-in.ts';
import { signOut } from '../services/auth/sign-out.ts';
import { inspectUserLink, redeemUserLink } from '../services/auth/user-links.ts';
import { recordPasswordResetRequest } from '../services/auth/request-password-reset.ts';
import { updateUser } from '../services/directory/save-user.ts';
import { SESSION_COOKIE } from './auth.middleware.ts';
import { EmailText, errors, Id, LinkToken, NoContent, PasswordText, strictObject } from './common.schemas.ts';
import { clientIp, requireViewer, type Env } from './context.ts';
import { UserSchema } from './directory.schemas.ts';
import { presentUser } from './presenters.ts';
import { createRouter } from './router.ts';

const SessionSchema = z
  .object({
    user: UserSchema,
    via: z.enum(['session', 'token']),
    csrfToken: z.string().nullable().openapi({ description: 'Send as X-CSRF-Token on cookie-authenticated writes.' }),
    isInvoiceAdministrator: z.boolean().openapi({
      description: 'A company admin, or Admin on Commitments on at least one project: the UI lands on the "needs your attention" queue (GET /me/attention).',
    }),
    isInvoiceContact: z.boolean().openapi({ description: 'An invoice contact on at least one commitment: their to-do list is GET /me/work.' }),
  })
  .openapi('Session');

/** Where the person starts: company admins administer every project; anyone else, where they are Admin on Commitments. */
async function roles(db: Db, user: { id: string; isCompanyAdmin: boolean }): Promise<{ isInvoiceAdministrator: boolean; isInvoiceContact: boolean }> {
  return {
    isInvoiceAdministrator: user.isCompanyAdmin || (await isAdminOnAnyProject(db, user.id)),
    isInvoiceContact: await isInvoiceContactAnywhere(db, user.id),
  };
}

const json = <T extends z.ZodType>(schema: T) => ({ content: { 'application/json': { schema } } });

/** Sign-in must come from our own pages: a foreign Origin cannot log a browser into an account. */
function assertSameOrigin(c: Context<Env>): void {
  const origin = c.req.header('origin');
  if (!origin) return;
  const own = new URL(c.get('deps').config.baseUrl).host;
  const requestHost = c.req.header('host');
  // `Origin: null` (sandboxed frames, some redirects) or garbage is not our origin: 403, not a 500.
  const originHost = URL.canParse(origin) ? new URL(origin).host : null;
  if (originHost === null || (originHost !== own && originHost !== requestHost)) {
    throw new DomainError('forbidden', 'Sign in from the payapp sign-in page.');
  }
}

export const sessionRoutes = createRouter()
  .openapi(
    createRoute({
      method: 'post',
      path: '/session',
      tags: ['Authentication'],
      summary: 'Sign in with email and password',
      description: 'Starts a new session (HttpOnly, SameSite=Lax cookie). Failed attempts are throttled per email and address.',
      request: {
        body: { required: true, ...json(strictObject({ email: EmailText.min(1, 'Enter your email.'), password: PasswordText.min(1, 'Enter your password.') }).openapi('SignIn')) },
      },
      responses: { 200: { description: 'Signed in.', ...json(SessionSchema) }, 400: errors[400], 401: errors[401], 403: errors[403], 429: errors[429] },
    }),
    async (c) => {
      assertSameOrigin(c);
      const { db, clock, config } = c.get('deps');
      const body = c.req.valid('json');
      const result = await signIn(
        db,
        { email: body.email, password: body.password, ip: clientIp(c), previousSessionToken: getCookie(c, SESSION_COOKIE) },
        clock(),
      );
      setCookie(c, SESSION_COOKIE, result.sessionToken, {
        httpOnly: true,
        sameSite: 'Lax',
        secure: config.cookieSecure,
        path: '/',
        expires: result.expiresAt,
      });
      return c.json(
        { user: presentUser(result.user), via: 'session' as const, csrfToken: result.csrfToken, ...(await roles(db, result.user)) },
        200,
      );
    },
  )
  .openapi(
    createRoute({
      method: 'get',
      path: '/session',
      tags: ['Authentication'],
      summary: 'Who is signed in',
      responses: { 200: { description: 'The current session.', ...json(SessionSchema) }, 401: errors[401] },
    }),
    async (c) => {
      const auth = c.get('auth');
      if (!auth) throw new DomainError('unauthenticated', 'Sign in to continue.');
      return c.json(
        {
          user: presentUser(auth.user),
          via: auth.via,
          csrfToken: auth.via === 'session' ? auth.csrfToken : null,
          ...(await roles(c.get('deps').db, auth.user)),
        },
        200,
      );
    },
  )
  .openapi(
    createRoute({
      method: 'delete',
      path: '/session',
      tags: ['Authentication'],
      summary: 'Sign out',
      responses: { 204: NoContent, 403: errors[403] },
    }),
    async (c) => {
      const auth = c.get('auth');
      if (auth?.via === 'session') await signOut(c.get('deps').db, auth.sessionId);
      deleteCookie(c, SESSION_COOKIE, { path: '/' });
      return c.body(null, 204);
    },
  )
  .openapi(
    createRoute({
      method: 'get',
      path: '/links/{token}',
      tags: ['Authentication'],
      summary: 'What a first-sign-in or password-reset link is for',
      request: { params: z.object({ token: LinkToken }) },
      responses: {
        200: {
          description: 'The link is valid.',
          ...json(z.object({ purpose: z.enum(['invitation', 'password_reset']), name: z.string(), email: z.string() }).openapi('UserLink')),
        },
        400: errors[400],
      },
    }),
    async (c) => {
      const { db, clock } = c.get('deps');
      const link = await inspectUserLink(db, c.req.valid('param').token, clock());
      return c.json({ purpose: link.purpose, name: link.name, email: link.email }, 200);
    },
  )
  .openapi(
    createRoute({
      method: 'post',
      path: '/links/{token}/password',
      tags: ['Authentication'],
      summary: 'Set a password from a single-use link',
      description: 'Completes a first sign-in or a password reset. The link then stops working and every other session of the person ends.',
      request: {
        params: z.object({ token: LinkToken }),
        body: { required: true, ...json(strictObject({ password: PasswordText }).openapi('SetPassword')) },
      },
      responses: { 200: { description: 'Password set; sign in with it.', ...json(z.object({ email: z.string() })) }, 400: errors[400] },
    }),
    async (c) => {
      const { db, clock } = c.get('deps');
      const { userId } = await redeemUserLink(db, { token: c.req.valid('param').token, password: c.req.valid('json').password }, clock());
      const user = await getUser(db, userId);
      return c.json({ email: user.email }, 200);
    },
  )
  .openapi(
    createRoute({
      method: 'post',
      path: '/password-resets',
      tags: ['Authentication'],
      summary: 'Ask for a password reset link',
      description:
        'Always answers 202, whether or not the email has an account, and does the same work for both, so neither the answer nor its timing reveals anything. The link is issued and emailed shortly after, by the worker.',
      request: { body: { required: true, ...json(strictObject({ email: EmailText.min(1) }).openapi('PasswordResetRequest')) } },
      responses: { 202: { description: 'If the account exists, a link is on its way.' }, 400: errors[400] },
    }),
    async (c) => {
      const { db, clock } = c.get('deps');
      // Recorded the same way for every address; the worker looks the account up (defect 8, issue 11).
      await recordPasswordResetRequest(db, c.req.valid('json').email, clock());
      return c.body(null, 202);
    },
  )
  .openapi(
    createRoute({
      method: 'patch',
      path: '/me',
      tags: ['Authentication'],
      summary: 'Change your own name or email preference',
      request: {
        body: {
          required: true,
          ...json(strictObject({ name: z.string().trim().min(1).max(200).optional(), emailEnabled: z.boolean().optional() }).openapi('UpdateMe')),
        },
      },
      responses: { 200: { description: 'Updated.', ...json(UserSchema) }, 400: errors[400], 401: errors[401] },
    }),
    async (c) => {
      const viewer = requireViewer(c);
      const { db, clock } = c.get('deps');
      const user = await updateUser(db, viewer, viewer.userId, c.req.valid('json'), clock());
      return c.json(presentUser(user), 200);
    },
  )
  .openapi(
    createRoute({
      method: 'get',
      path: '/me/api-tokens',
      tags: ['Authentication'],
      summary: 'Your personal API tokens',
      responses: { 200: { description: 'Tokens (never their secrets).', ...json(z.object({ data: z.array(ApiTokenSchema()) })) }, 401: errors[401] },
    }),
    async (c) => {
      const viewer = requireViewer(c);
      const tokens = await listApiTokens(c.get('deps').db, viewer.userId);
      return c.json({ data: tokens.map(presentToken) }, 200);
    },
  )
  .openapi(
    createRoute({
      method: 'post',
      path: '/me/api-tokens',
      tags: ['Authentication'],
      summary: 'Create a personal API token',
      description: 'The token is in the response once and never again; send it as `Authorization: Bearer <token>`.',
      request: { body: { required: true, ...json(strictObject({ name: z.string().trim().min(1, 'Name the token.').max(100) }).openapi('CreateApiToken')) } },
      responses: {
        201: { description: 'Created.', ...json(ApiTokenSchema().extend({ token: z.string() }).openapi('NewApiToken')) },
        400: errors[400],
        401: errors[401],
      },
    }),
    async (c) => {
      const viewer = requireViewer(c);
      const { db, clock } = c.get('deps');
      const { token, record } = await createApiToken(db, viewer.userId, c.req.valid('json').name, clock());
      return c.json({ ...presentToken(record), token }, 201);
    },
  )
  .openapi(
    createRoute({
      method: 'delete',
      path: '/me/api-tokens/{tokenId}',
      tags: ['Authentication'],
      summary: 'Revoke a personal API token',
      request: { params: z.object({ tokenId: Id }) },
      responses: { 204: NoContent, 401: errors[401], 404: errors[404] },
    }),
    async (c) => {
      const viewer = requireViewer(c);
      const { db, clock } = c.get('deps');
      await revokeApiToken(db, viewer.userId, c.req.valid('param').tokenId, clock());
      return c.body(null, 204);
    },
  );

function ApiTokenSchema() {
  return z.object({
    id: z.string(),
    name: z.string(),
    tokenPrefix: z.string(),
    createdAt: z.string(),
    lastUsedAt: z.string().nullable(),
    revokedAt: z.string().nullable(),
  });
}

function presentToken(t: { id: string; name: string; tokenPrefix: string; createdAt: Date; lastUsedAt: Date | null; revokedAt: Date | null }) {
  return {
    id: t.id,
    name: t.name,
    tokenPrefix: t.tokenPrefix,
    createdAt: t.createdAt.toISOString(),
    lastUsedAt: t.lastUsedAt?.toISOString() ?? null,
    revokedAt: t.revokedAt?.toISOString() ?? null,
  };
}
