#!/usr/bin/env node
// The `payapp` command. Runs the compiled CLI (dist/server/payapp.js, `npm run build:server`) when
// it is up to date with src/, so serving starts without compiling TypeScript; otherwise runs the
// TypeScript sources through tsx, as in development and tests (docs/decisions/024).
import { pathToFileURL } from 'node:url';
import { compiledEntry, compiledStatus } from './compiled.js';

const status = compiledStatus();
if (status.fresh) {
  process.setSourceMapsEnabled(true); // stack traces name the TypeScript sources
  await import(pathToFileURL(compiledEntry).href);
} else {
  if (!status.quiet) console.error(`payapp: running the TypeScript sources through tsx (dist/ is stale: ${status.reason}; npm run build:server compiles it).`);
  const { register } = await import('tsx/esm/api');
  register();
  await import('../src/cli/main.ts');
}
