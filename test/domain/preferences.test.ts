import assert from 'node:assert/strict';
import { test } from 'node:test';
import { visibleColumnIds, withColumnVisible, type ColumnSpec } from '../../src/domain/preferences.ts';

const COLUMNS: ColumnSpec[] = [{ id: 'name', required: true }, { id: 'company' }, { id: 'status' }, { id: 'due', defaultVisible: false }];

test('without a preference the defaults show; a required column always shows', () => {
  assert.deepEqual(visibleColumnIds(COLUMNS, null), ['name', 'company', 'status']);
  assert.deepEqual(visibleColumnIds(COLUMNS, { hidden: ['name', 'company'], shown: [] }), ['name', 'status']);
});

test('hiding a default column and showing a non-default one are stored as deviations only', () => {
  const hid = withColumnVisible(COLUMNS, null, 'company', false);
  assert.deepEqual(hid, { hidden: ['company'], shown: [] });
  const showed = withColumnVisible(COLUMNS, hid, 'due', true);
  assert.deepEqual(showed, { hidden: ['company'], shown: ['due'] });
  assert.deepEqual(visibleColumnIds(COLUMNS, showed), ['name', 'status', 'due']);
  assert.deepEqual(withColumnVisible(COLUMNS, withColumnVisible(COLUMNS, showed, 'company', true), 'due', false), { hidden: [], shown: [] }, 'back to the defaults');
});

test('a column added later follows its default; choices about unknown columns survive', () => {
  const stored = { hidden: ['company', 'gone'], shown: ['elsewhere'] };
  const later: ColumnSpec[] = [...COLUMNS, { id: 'overbilled' }];
  assert.deepEqual(visibleColumnIds(later, stored), ['name', 'status', 'overbilled']);
  assert.deepEqual(withColumnVisible(later, stored, 'status', false), { hidden: ['company', 'status', 'gone'], shown: ['elsewhere'] });
});
