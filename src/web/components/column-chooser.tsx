/**
 * Show or hide a table's columns, remembered per person on the server (`<screen>.columns`
 * preferences), so the choice follows them to any browser. Reusable by any table:
 *
 *   const chooser = useColumnChooser('billing-board.columns', COLUMNS);
 *   <ColumnChooser chooser={chooser} />
 *   {chooser.visible.has('company') ? <td>…</td> : null}
 *
 * Columns marked `required` are always shown and not offered; `defaultVisible: false` columns
 * start hidden. Until the stored choice is read, `ready` is false (render the table after it, so
 * a hidden column does not flash in).
 */
import { useEffect, useId, useMemo, useRef } from 'react';
import type { ApiError } from '../api/client.ts';
import { visibleColumnIds, withColumnVisible, type ColumnSpec } from '../../domain/preferences.ts';
import { useColumnsPreference } from '../lib/preferences.ts';
import './column-chooser.css';

export type ChooserColumn = ColumnSpec & { label: string };

export type ColumnChooserState = {
  columns: readonly ChooserColumn[];
  /** Ids of the columns shown. */
  visible: ReadonlySet<string>;
  ready: boolean;
  error: ApiError | null;
  isDefault: boolean;
  setVisible: (id: string, visible: boolean) => void;
  reset: () => void;
};

/** `columns` must be stable (a module constant or memoised). */
export function useColumnChooser(preferenceKey: string, columns: readonly ChooserColumn[]): ColumnChooserState {
  const preference = useColumnsPreference(preferenceKey);
  const { value, save } = preference;
  const visible = useMemo(() => new Set(visibleColumnIds(columns, value)), [columns, value]);
  const isDefault = useMemo(() => visibleColumnIds(columns, null).join() === [...visible].join(), [columns, visible]);
  return {
    columns,
    visible,
    ready: preference.ready,
    error: preference.error,
    isDefault,
    setVisible: (id, on) => void save(withColumnVisible(columns, value, id, on)),
    reset: () => void save({ hidden: [], shown: [] }),
  };
}

export function ColumnChooser({ chooser, tableName }: { chooser: ColumnChooserState; tableName: string }) {
  const ref = useRef<HTMLDetailsElement>(null);
  const hintId = useId();
  const choosable = chooser.columns.filter((c) => !c.required);
  const shown = choosable.filter((c) => chooser.visible.has(c.id)).length;
  // Closes like a menu: Escape (focus back on the toggle) or a click elsewhere.
  useEffect(() => {
    const onDoc = (e: MouseEvent) => {
      if (ref.current?.open && !ref.current.contains(e.target as Node)) ref.current.open = false;
    };
    document.addEventListener('click', onDoc);
    return () => document.removeEventListener('click', onDoc);
  }, []);
  return (
    <details
      ref={ref}
      className="column-chooser"
      onKeyDown={(e) => {
        if (e.key === 'Escape' && ref.current?.open) {
          e.preventDefault();
          ref.current.open = false;
          ref.current.querySelector('summary')?.focus();
        }
      }}
    >
      <summary className="btn btn-secondary">
        Columns{' '}
        <span className="column-chooser-count">
          {shown} of {choosable.length}
        </span>
      </summary>
      <div className="column-chooser-panel">
        <fieldset aria-describedby={hintId}>
          <legend>Columns of the {tableName}</legend>
          {choosable.map((c) => (
            <label key={c.id} className="column-chooser-option">
              <input type="checkbox" checked={chooser.visible.has(c.id)} onChange={(e) => chooser.setVisible(c.id, e.target.checked)} />
              {c.label}
            </label>
          ))}
        </fieldset>
        <p className="hint" id={hintId}>
          Remembered for you on any browser.
        </p>
        {chooser.error ? (
          <p className="error-text" role="alert">
            Could not save your columns: {chooser.error.message}
          </p>
        ) : null}
        <button type="button" className="btn btn-link" disabled={chooser.isDefault} onClick={chooser.reset}>
          Show the default columns
        </button>
      </div>
    </details>
  );
}
