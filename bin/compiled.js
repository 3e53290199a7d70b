// Whether dist/server/payapp.js (npm run build:server) may run instead of the TypeScript sources:
// it exists, and no source file it was built from has changed since (same size, not modified after
// the build). Anything else — no build, a file edited, PAYAPP_TSX=1 — answers why not.
import { readFileSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const compiledEntry = join(root, 'dist', 'server', 'payapp.js');

/** @returns {{ fresh: true } | { fresh: false, reason: string, quiet: boolean }} */
export function compiledStatus() {
  if (process.env.PAYAPP_TSX === '1') return { fresh: false, reason: 'PAYAPP_TSX=1', quiet: true };
  let manifest;
  try {
    manifest = JSON.parse(readFileSync(join(root, 'dist', 'server', 'inputs.json'), 'utf8'));
    statSync(compiledEntry);
  } catch {
    return { fresh: false, reason: 'not built', quiet: true };
  }
  for (const [path, size] of Object.entries(manifest.files)) {
    let stat;
    try {
      stat = statSync(join(root, path));
    } catch {
      return { fresh: false, reason: `${path} is gone`, quiet: false };
    }
    if (stat.size !== size || stat.mtimeMs > manifest.builtAt) return { fresh: false, reason: `${path} changed since the build`, quiet: false };
  }
  return { fresh: true };
}
