/** The signed-in person's screen preferences (which columns a table shows), kept per person on the server. */
import { createRoute, z } from '@hono/zod-openapi';
import { COLUMN_ID, COLUMNS_PREFERENCE_KEY, MAX_COLUMN_IDS, type ColumnsPreference } from '../domain/preferences.ts';
import { findPreference, type StoredPreference } from '../db/preferences.queries.ts';
import { savePreference } from '../services/preferences/save-preference.ts';
import { errors, strictObject } from './common.schemas.ts';
import { requireViewer } from './context.ts';
import { createRouter } from './router.ts';

const json = <T extends z.ZodType>(schema: T) => ({ content: { 'application/json': { schema } } });

const KeyParams = z.object({
  key: z
    .string()
    .max(64)
    .regex(COLUMNS_PREFERENCE_KEY, 'A preference key is a screen name and ".columns", e.g. billing-board.columns.')
    .openapi({ param: { name: 'key', in: 'path' }, example: 'billing-board.columns' }),
});

const ColumnIds = z
  .array(z.string().max(64).regex(COLUMN_ID, 'A column id is 1 to 64 letters, digits, "-" or "_".'))
  .max(MAX_COLUMN_IDS, `At most ${MAX_COLUMN_IDS} columns.`);

const ColumnsPreferenceSchema = strictObject({
  hidden: ColumnIds.openapi({ description: 'Columns shown by default that the person hid.' }),
  shown: ColumnIds.openapi({ description: 'Columns hidden by default that the person showed.' }),
}).openapi('ColumnsPreference');

const PreferenceSchema = z
  .object({
    key: z.string(),
    value: ColumnsPreferenceSchema.nullable().openapi({ description: 'Null until the person chooses: the screen shows its defaults.' }),
    updatedAt: z.string().nullable(),
  })
  .openapi('Preference');

const SavePreferenceBody = strictObject({ value: ColumnsPreferenceSchema }).openapi('SavePreference');

function present(key: string, stored: StoredPreference | undefined) {
  return { key, value: (stored?.value as ColumnsPreference | undefined) ?? null, updatedAt: stored?.updatedAt.toISOString() ?? null };
}

export const preferenceRoutes = createRouter()
  .openapi(
    createRoute({
      method: 'get',
      path: '/me/preferences/{key}',
      tags: ['Preferences'],
      summary: 'One of your screen preferences',
      description: 'Which columns a table shows for you (`<screen>.columns`). Kept on the server, so it follows you to any browser.',
      request: { params: KeyParams },
      responses: { 200: { description: 'The preference (value null when never chosen).', ...json(PreferenceSchema) }, 400: errors[400], 401: errors[401] },
    }),
    async (c) => {
      const { key } = c.req.valid('param');
      return c.json(present(key, await findPreference(c.get('deps').db, requireViewer(c).userId, key)), 200);
    },
  )
  .openapi(
    createRoute({
      method: 'put',
      path: '/me/preferences/{key}',
      tags: ['Preferences'],
      summary: 'Save one of your screen preferences',
      description: 'Replaces the value. `{ "value": { "hidden": [], "shown": [] } }` goes back to the screen\'s defaults.',
      request: { params: KeyParams, body: { required: true, ...json(SavePreferenceBody) } },
      responses: { 200: { description: 'Saved.', ...json(PreferenceSchema) }, 400: errors[400], 401: errors[401], 403: errors[403] },
    }),
    async (c) => {
      const { db, clock } = c.get('deps');
      const { key } = c.req.valid('param');
      const saved = await savePreference(db, requireViewer(c), key, c.req.valid('json').value, clock());
      return c.json(present(key, saved), 200);
    },
  );
