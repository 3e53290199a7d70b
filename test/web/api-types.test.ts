import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { generateApiTypes, SCHEMA_FILE } from '../../scripts/gen-api-types.ts';

test('the web client types match the server OpenAPI document (run `npm run gen:api` after changing a route)', async () => {
  assert.equal(readFileSync(SCHEMA_FILE, 'utf8'), await generateApiTypes());
});
