import { OpenAPIHono } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { notFound } from '../domain/errors.ts';
import type { Env } from './context.ts';
import { validationError } from './errors.ts';
import { findUnstorableText, unstorableTextError } from './text-guard.ts';

/** What each id in a path names, so that a malformed id reads exactly like a missing one. */
const PATH_NOUNS: Record<string, string> = {
  projectId: 'The project',
  commitmentId: 'The commitment',
  companyId: 'The company',
  userId: 'The person',
  lineId: 'The SOV line',
  changeOrderId: 'The change order',
  periodId: 'The billing period',
  invoiceId: 'The invoice',
  paymentId: 'The payment',
  attachmentId: 'The attachment',
  tokenId: 'The API token',
  emailId: 'The email',
};

/**
 * An id in a path that is not an id names nothing: 404, with the body a missing resource of that
 * kind gets, so a malformed id and an unknown one cannot be told apart. Other path parameters (a
 * preference key, a link token) and everything in a query or a body are validated like fields:
 * 400 naming them (docs/decisions/020-hostile-input.md).
 */
function isPathId(name: string | undefined): name is string {
  return name !== undefined && name.endsWith('Id');
}

/** The input as the client sent it, for the part a validator read (parsed JSON is cached by Hono). */
async function rawInput(c: Context<Env>, target: string): Promise<unknown> {
  switch (target) {
    case 'json':
      return c.req.json().catch(() => undefined);
    case 'query':
      return Object.fromEntries(Object.entries(c.req.queries()).map(([key, values]) => [key, values.length === 1 ? values[0] : values]));
    case 'param':
      return c.req.param();
    case 'header':
      return c.req.header();
    default:
      return undefined;
  }
}

/**
 * Every resource router validates with the same hook, so a bad request always reads the same.
 * After zod accepts a part of the request, its raw strings are checked for text no column can
 * hold (src/http/text-guard.ts): every string the API accepts, without each schema saying so.
 */
export function createRouter(): OpenAPIHono<Env> {
  return new OpenAPIHono<Env>({
    defaultHook: async (result, c) => {
      if (!result.success) {
        const name = result.target === 'param' ? result.error.issues[0]?.path[0]?.toString() : undefined;
        if (isPathId(name)) throw notFound(PATH_NOUNS[name] ?? 'The resource');
        throw validationError(result.error.issues, result.target);
      }
      const found = findUnstorableText(await rawInput(c as Context<Env>, result.target));
      if (found) throw unstorableTextError(found, result.target === 'query' ? 'query' : result.target === 'param' ? 'path' : 'body');
    },
  });
}
