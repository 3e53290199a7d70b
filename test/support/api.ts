/** In-process HTTP: the real app, real services, real database; no sockets. */
import { loadConfig } from '../../src/config.ts';
import type { Db } from '../../src/db/database.ts';
import { createApp } from '../../src/http/app.ts';
import { createApiToken } from '../../src/services/auth/api-tokens.ts';

export type TestClock = { now: () => Date; set: (date: Date | string) => void; advance: (ms: number) => void };

export function createTestClock(start: Date | string = '2026-11-02T15:00:00Z'): TestClock {
  let current = new Date(start);
  return {
    now: () => new Date(current),
    set: (date) => {
      current = new Date(date);
    },
    advance: (ms) => {
      current = new Date(current.getTime() + ms);
    },
  };
}

export type ApiResponse<T = any> = { status: number; body: T; headers: Headers };

export type TestApp = ReturnType<typeof createTestApp>;

export function createTestApp(db: Db, clock: TestClock = createTestClock(), options: { env?: Record<string, string>; webRoot?: string } = {}) {
  const config = loadConfig({ PORT: '3000', HOST: '127.0.0.1', BASE_URL: 'http://payapp.test', ...options.env });
  // API tests see the server without a built UI unless they ask for one.
  const app = createApp({ db, clock: clock.now, config }, { webRoot: options.webRoot ?? '/nonexistent-web-root' });

  async function request<T = any>(
    method: string,
    path: string,
    options: { body?: unknown; headers?: Record<string, string> } = {},
  ): Promise<ApiResponse<T>> {
    const headers: Record<string, string> = { ...options.headers };
    let body: string | undefined;
    if (options.body !== undefined) {
      body = typeof options.body === 'string' ? options.body : JSON.stringify(options.body);
      headers['content-type'] ??= 'application/json';
    }
    const res = await app.request(path, { method, headers, ...(body !== undefined && { body }) });
    const text = await res.text();
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : null;
    } catch {
      // Not JSON (HTML pages): keep the text.
    }
    return { status: res.status, body: parsed as T, headers: res.headers };
  }

  /** A client that authenticates every request with a personal API token of `userId`. */
  async function as(userId: string) {
    const { token } = await createApiToken(db, userId, 'test', clock.now());
    const auth = { authorization: `Bearer ${token}` };
    return {
      token,
      get: <T = any>(path: string) => request<T>('GET', path, { headers: auth }),
      post: <T = any>(path: string, body?: unknown, headers: Record<string, string> = {}) =>
        request<T>('POST', path, { body: body ?? {}, headers: { ...auth, ...headers } }),
      put: <T = any>(path: string, body?: unknown, headers: Record<string, string> = {}) =>
        request<T>('PUT', path, { body, headers: { ...auth, ...headers } }),
      patch: <T = any>(path: string, body: unknown, headers: Record<string, string> = {}) =>
        request<T>('PATCH', path, { body, headers: { ...auth, ...headers } }),
      delete: <T = any>(path: string, headers: Record<string, string> = {}) =>
        request<T>('DELETE', path, { headers: { ...auth, ...headers } }),
    };
  }

  /** A browser-like client: keeps the session cookie, sends the CSRF token on writes. */
  function browser() {
    let cookie = '';
    let csrf = '';
    async function send<T = any>(method: string, path: string, body?: unknown, extra: Record<string, string> = {}) {
      const headers: Record<string, string> = { ...extra };
      if (cookie) headers.cookie = cookie;
      if (csrf && method !== 'GET' && !('x-csrf-token' in extra)) headers['x-csrf-token'] = csrf;
      const res = await request<T>(method, path, { ...(body !== undefined && { body }), headers });
      const setCookie = res.headers.get('set-cookie');
      if (setCookie) {
        const match = /payapp_session=([^;]*)/.exec(setCookie);
        if (match) cookie = match[1] ? `payapp_session=${match[1]}` : '';
      }
      const maybe = res.body as { csrfToken?: string } | null;
      if (maybe && typeof maybe === 'object' && typeof maybe.csrfToken === 'string') csrf = maybe.csrfToken;
      return res;
    }
    return {
      send,
      signIn: (email: string, password: string) => send('POST', '/api/v1/session', { email, password }),
      get cookie() {
        return cookie;
      },
      get csrf() {
        return csrf;
      },
    };
  }

  return { app, clock, db, request, as, browser };
}
