/** Configuration, read once from the environment and validated (see the README's table). */
import { z } from 'zod';

const Env = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().default('127.0.0.1'),
  /** Real PostgreSQL when set; otherwise the embedded PGlite database in DATA_DIR. */
  DATABASE_URL: z.string().optional(),
  DATA_DIR: z.string().default('./data'),
  /** Public address used in links (emails, printed links). */
  BASE_URL: z.string().optional(),
  /** Mark the session cookie Secure (on by default when BASE_URL is https). */
  COOKIE_SECURE: z.enum(['true', 'false']).optional(),
  SMTP_URL: z.string().optional(),
  MAIL_FROM: z.string().default('payapp <no-reply@payapp.localhost>'),
  /** Run the email/scheduler worker inside `payapp serve` (default) or only in `payapp worker`. */
  WORKER: z.enum(['on', 'off']).default('on'),
  /** Where the built web UI is (default: dist-web in the repository). */
  WEB_ROOT: z.string().optional(),
  NODE_ENV: z.string().optional(),
  /**
   * `serve` and `worker` migrate at start (default); `off`: they do not — run `payapp migrate` first,
   * straight to PostgreSQL (the migration lock is session-level: not through PgBouncer in transaction
   * mode). Readiness answers 503 while migrations are pending. docs/deployment.md.
   */
  MIGRATE_ON_START: z.enum(['on', 'off']).default('on'),
  /** On SIGTERM/SIGINT: how long requests in flight (and the worker's batch) may take to finish. */
  SHUTDOWN_GRACE_MS: z.coerce.number().int().min(0).max(600_000).default(20_000),
  /** On SIGTERM/SIGINT: how long to keep accepting (readiness 503) before closing the listener. */
  SHUTDOWN_DELAY_MS: z.coerce.number().int().min(0).max(600_000).default(0),
});

export type AppConfig = {
  port: number;
  host: string;
  databaseUrl: string | undefined;
  dataDir: string;
  baseUrl: string;
  cookieSecure: boolean;
  smtpUrl: string | undefined;
  mailFrom: string;
  runWorkerInServer: boolean;
  webRoot: string | undefined;
  shutdown: { graceMs: number; delayMs: number };
  migrateOnStart: boolean;
};

export function loadConfig(env: NodeJS.ProcessEnv = process.env): AppConfig {
  const parsed = Env.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    throw new Error(`Invalid configuration: ${problems}`);
  }
  const e = parsed.data;
  const baseUrl = (e.BASE_URL ?? `http://${e.HOST === '0.0.0.0' ? 'localhost' : e.HOST}:${e.PORT}`).replace(/\/$/, '');
  return {
    port: e.PORT,
    host: e.HOST,
    databaseUrl: e.DATABASE_URL || undefined,
    dataDir: e.DATA_DIR,
    baseUrl,
    cookieSecure: e.COOKIE_SECURE ? e.COOKIE_SECURE === 'true' : baseUrl.startsWith('https://'),
    smtpUrl: e.SMTP_URL || undefined,
    mailFrom: e.MAIL_FROM,
    runWorkerInServer: e.WORKER === 'on',
    webRoot: e.WEB_ROOT || undefined,
    shutdown: { graceMs: e.SHUTDOWN_GRACE_MS, delayMs: e.SHUTDOWN_DELAY_MS },
    migrateOnStart: e.MIGRATE_ON_START === 'on',
  };
}
