import { OpenAPIHono } from '@hono/zod-openapi';
import type { Env } from './context.ts';
import { validationError } from './errors.ts';

/** Every resource router validates with the same hook, so a bad request always reads the same. */
export function createRouter(): OpenAPIHono<Env> {
  return new OpenAPIHono<Env>({
    defaultHook: (result) => {
      if (!result.success) throw validationError(result.error.issues, result.target);
    },
  });
}
