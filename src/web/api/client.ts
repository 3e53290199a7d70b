/**
 * The one typed client of the one API: types generated from the server's OpenAPI document
 * (schema.d.ts), calls through openapi-fetch. Cookie sessions; the CSRF token rides on every write.
 */
import createClient, { type Middleware } from 'openapi-fetch';
import type { components, paths } from './schema.d.ts';

export type Schemas = components['schemas'];

let csrfToken: string | null = null;
export function setCsrfToken(token: string | null): void {
  csrfToken = token;
}

/** An API refusal, in the server's one error shape. */
export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly field: string | undefined;
  readonly details: unknown;
  constructor(status: number, body: { error?: { code?: string; message?: string; field?: string; details?: unknown } } | undefined) {
    super(body?.error?.message ?? (status === 0 ? 'Cannot reach payapp. Check your connection and try again.' : `Request failed (${status}).`));
    this.status = status;
    this.code = body?.error?.code ?? 'unknown';
    this.field = body?.error?.field;
    this.details = body?.error?.details;
  }
  /** Field paths → messages, for showing each problem beside its input. */
  get fieldErrors(): Record<string, string> {
    const out: Record<string, string> = {};
    if (Array.isArray(this.details)) {
      for (const d of this.details as { path?: string; message?: string }[]) if (d.path && d.message) out[d.path] ??= d.message;
    }
    if (this.field && !out[this.field]) out[this.field] = this.message;
    return out;
  }
}

const csrf: Middleware = {
  onRequest({ request }) {
    if (request.method !== 'GET' && request.method !== 'HEAD' && csrfToken) request.headers.set('x-csrf-token', csrfToken);
    return request;
  },
};

let onUnauthenticated: () => void = () => {};
export function setUnauthenticatedHandler(handler: () => void): void {
  onUnauthenticated = handler;
}

const unauthenticated: Middleware = {
  onResponse({ response, request }) {
    if (response.status === 401 && !request.url.endsWith('/api/v1/session')) onUnauthenticated();
    return response;
  },
};

export const api = createClient<paths>({ baseUrl: '', credentials: 'same-origin' });
api.use(csrf, unauthenticated);

/** The data of a successful call, or an ApiError. */
export async function call<T>(promise: Promise<{ data?: T; error?: unknown; response: Response }>): Promise<T> {
  let result;
  try {
    result = await promise;
  } catch {
    throw new ApiError(0, undefined);
  }
  if (result.error !== undefined || !result.response.ok) {
    throw new ApiError(result.response.status, result.error as ConstructorParameters<typeof ApiError>[1]);
  }
  return result.data as T;
}

/** The session's CSRF token, for requests made outside the typed client (upload progress via XHR). */
export function getCsrfToken(): string | null {
  return csrfToken;
}
