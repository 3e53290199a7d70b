/**
 * Screen preferences a person keeps on the server, so they follow them from browser to browser.
 * One kind so far: which columns of a table are shown (`<screen>.columns`, e.g.
 * `billing-board.columns`). A choice is stored as the person's deviations from the screen's
 * defaults, so a column added later appears (or not) as its screen decides, and a column removed
 * later is simply ignored.
 */

/** `billing-board.columns`, `invoice-grid.columns`: a screen name, then `.columns`. */
export const COLUMNS_PREFERENCE_KEY = /^[a-z][a-z0-9-]{0,55}\.columns$/;
export const COLUMN_ID = /^[A-Za-z0-9_-]{1,64}$/;
export const MAX_COLUMN_IDS = 64;

export type ColumnsPreference = {
  /** Columns shown by default that the person hid. */
  hidden: string[];
  /** Columns hidden by default that the person showed. */
  shown: string[];
};

export type ColumnSpec = {
  id: string;
  /** False: hidden until the person shows it. Default true. */
  defaultVisible?: boolean;
  /** Always shown (the row's name, its checkbox): the chooser does not offer it. */
  required?: boolean;
};

const isDefaultVisible = (c: ColumnSpec) => c.required === true || c.defaultVisible !== false;

/** The ids of the columns shown, in the screen's order. */
export function visibleColumnIds(columns: readonly ColumnSpec[], preference: ColumnsPreference | null): string[] {
  const hidden = new Set(preference?.hidden ?? []);
  const shown = new Set(preference?.shown ?? []);
  return columns.filter((c) => c.required === true || (isDefaultVisible(c) ? !hidden.has(c.id) : shown.has(c.id))).map((c) => c.id);
}

/** The preference after showing or hiding one column: only deviations from the defaults are kept. */
export function withColumnVisible(columns: readonly ColumnSpec[], preference: ColumnsPreference | null, id: string, visible: boolean): ColumnsPreference {
  const wanted = new Set(visibleColumnIds(columns, preference));
  if (visible) wanted.add(id);
  else wanted.delete(id);
  const known = new Set(columns.map((c) => c.id));
  const hidden = columns.filter((c) => c.required !== true && isDefaultVisible(c) && !wanted.has(c.id)).map((c) => c.id);
  const shown = columns.filter((c) => !isDefaultVisible(c) && wanted.has(c.id)).map((c) => c.id);
  // Choices about columns this screen does not know (another version of the app) are kept as they were.
  const keep = (ids: string[] | undefined) => (ids ?? []).filter((x) => !known.has(x));
  return { hidden: [...hidden, ...keep(preference?.hidden)], shown: [...shown, ...keep(preference?.shown)] };
}
