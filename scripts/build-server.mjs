// Compiles the `payapp` command (src/cli/main.ts and everything it imports) into one ES module,
// dist/server/payapp.js, so `payapp serve` starts without compiling TypeScript (docs/decisions/024).
// Packages stay external (resolved from node_modules at run time). Next to the bundle, inputs.json
// lists every source file bundled: bin/payapp.js runs the bundle only while none of them changed
// since the build, and falls back to tsx otherwise. Plain JavaScript, so it runs without tsx:
// `npm run build:server` (npm start runs it).
import { mkdirSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
// Two folders deep like src/http/web-ui.ts, so its `new URL('../../dist-web', import.meta.url)`
// still finds the built UI at the repository's root.
const outdir = join(root, 'dist', 'server');
const builtAt = Date.now();
const started = performance.now();
const result = await build({
  absWorkingDir: root,
  entryPoints: ['src/cli/main.ts'],
  outfile: join(outdir, 'payapp.js'),
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  packages: 'external',
  sourcemap: 'linked',
  metafile: true,
  logLevel: 'warning',
  legalComments: 'none',
});
mkdirSync(outdir, { recursive: true });
const inputs = Object.keys(result.metafile.inputs).sort();
const files = Object.fromEntries(inputs.map((path) => [path, statSync(join(root, path)).size]));
writeFileSync(join(outdir, 'inputs.json'), `${JSON.stringify({ builtAt, files }, null, 1)}\n`);
console.log(`Compiled the payapp command (${inputs.length} source files) into dist/server/payapp.js in ${Math.round(performance.now() - started)} ms.`);
