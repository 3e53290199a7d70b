/**
 * The test runner behind `npm test`: prepares one migrated template database for the run, then
 * runs node's test runner over an explicit file list (Node 20 finds no .ts files by itself).
 *
 *   npm test                         every test, on PGlite (or on TEST_DATABASE_URL when set)
 *   npm test -- test/api/foo.test.ts  just these files
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { dropPostgresDatabase, preparePgliteTemplate, preparePostgresTemplate, testDatabaseUrl } from '../test/support/test-db.ts';

function findTests(dir: string): string[] {
  return readdirSync(dir)
    .flatMap((entry) => {
      const path = join(dir, entry);
      if (statSync(path).isDirectory()) return findTests(path);
      return entry.endsWith('.test.ts') ? [path] : [];
    })
    .sort();
}

const requested = process.argv.slice(2).filter((a) => !a.startsWith('--'));
const files = requested.length > 0 ? requested : findTests('test');
// The tenant check (src/db/tenant-check.ts) is on for every test: a statement on a tenant-owned
// table without a tenant filter fails the test that reaches it (decision 025).
const env: NodeJS.ProcessEnv = { ...process.env, TZ: 'UTC', PAYAPP_TENANT_CHECK: 'on' };
const url = testDatabaseUrl();
const templateName = `payapp_test_template_${process.pid}`;
const started = Date.now();

if (url) {
  await preparePostgresTemplate(url, templateName);
  env.PAYAPP_TEST_PG_TEMPLATE = templateName;
  console.log(`Testing against PostgreSQL (${new URL(url).host}), template ${templateName}.`);
} else {
  const dir = join(tmpdir(), `payapp-test-template-${process.pid}`);
  await preparePgliteTemplate(dir);
  env.PAYAPP_TEST_PGLITE_TEMPLATE = dir;
  console.log('Testing against embedded PGlite.');
}

// Browser tests run against the built UI: build it once for the run.
if (!env.PAYAPP_TEST_WEB_ROOT && files.some((f) => f.includes('browser')) && (existsSync(process.env.CHROMIUM_PATH ?? '/usr/bin/chromium') || process.env.CI)) {
  const webRoot = join(tmpdir(), `payapp-test-web-${process.pid}`);
  const build = spawnSync(process.execPath, ['node_modules/vite/bin/vite.js', 'build', '--outDir', webRoot, '--emptyOutDir', '--logLevel', 'warn'], { stdio: 'inherit' });
  if (build.status !== 0) process.exit(build.status ?? 1);
  env.PAYAPP_TEST_WEB_ROOT = webRoot;
}

const concurrency = process.env.TEST_CONCURRENCY ?? '2';
const result = spawnSync(
  process.execPath,
  ['--import', 'tsx', '--test', `--test-concurrency=${concurrency}`, '--test-reporter=spec', ...files],
  { stdio: 'inherit', env },
);

if (url) await dropPostgresDatabase(url, templateName);
console.log(`${files.length} test files in ${((Date.now() - started) / 1000).toFixed(1)} s`);
process.exit(result.status ?? 1);
