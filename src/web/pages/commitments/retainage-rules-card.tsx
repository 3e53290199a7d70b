/**
 * Sliding-scale retention on a commitment: up to five rules applied in order ("hold 10% until 5%
 * of the original commitment value is held", "… until 50,000.00 is held", "10% until the line is
 * 50% complete"…) and the rate after the last. Invoice administrators edit them; everyone who sees
 * the commitment reads them. Without rules, the flat retainage rates of the lines apply.
 */
import { useState } from 'react';
import { api, call, type ApiError, type Schemas } from '../../api/client.ts';
import { Button, Card, ErrorBanner, Loading, Notice, SelectInput, TextInput } from '../../components/ui.tsx';
import { useLoad } from '../../lib/hooks.ts';
import { bpToInput, centsToInput, parseMoneyInput, parsePercentToBp, toApiError, useFlash } from './form-kit.tsx';

type Rules = Schemas['RetainageRules'];
type Rule = Schemas['RetainageRule'];
type Kind = Rule['kind'];

const KINDS: { value: Kind; label: string; limit: string }[] = [
  { value: 'until_percent_of_original', label: 'until a % of the original commitment value is held', limit: '% of original value' },
  { value: 'until_percent_of_revised', label: 'until a % of the revised commitment value is held', limit: '% of revised value' },
  { value: 'until_amount', label: 'until an amount is held', limit: 'Amount held' },
  { value: 'by_line_percent_complete', label: 'until the line is % complete', limit: 'Line % complete' },
  { value: 'by_commitment_percent_complete', label: 'until the commitment is % complete', limit: 'Commitment % complete' },
];

type Row = { kind: Kind; rate: string; limit: string };

function rowOf(rule: Rule): Row {
  switch (rule.kind) {
    case 'until_amount':
      return { kind: rule.kind, rate: bpToInput(rule.rateBp), limit: centsToInput(rule.capCents) };
    case 'until_percent_of_original':
    case 'until_percent_of_revised':
      return { kind: rule.kind, rate: bpToInput(rule.rateBp), limit: bpToInput(rule.thresholdBp) };
    default:
      return { kind: rule.kind, rate: bpToInput(rule.rateBp), limit: bpToInput(rule.untilCompleteBp) };
  }
}

function ruleOf(row: Row, index: number, errors: Record<string, string>): Rule | null {
  const rate = parsePercentToBp(row.rate);
  if (!rate.ok) errors[`rules.${index}.rateBp`] = rate.error;
  if (row.kind === 'until_amount') {
    const cap = parseMoneyInput(row.limit);
    if (!cap.ok) errors[`rules.${index}.capCents`] = cap.error;
    return rate.ok && cap.ok ? { kind: row.kind, rateBp: rate.value, capCents: cap.value } : null;
  }
  const limit = parsePercentToBp(row.limit);
  const field = row.kind === 'until_percent_of_original' || row.kind === 'until_percent_of_revised' ? 'thresholdBp' : 'untilCompleteBp';
  if (!limit.ok) errors[`rules.${index}.${field}`] = limit.error;
  if (!rate.ok || !limit.ok) return null;
  if (row.kind === 'until_percent_of_original' || row.kind === 'until_percent_of_revised') return { kind: row.kind, rateBp: rate.value, thresholdBp: limit.value };
  return { kind: row.kind, rateBp: rate.value, untilCompleteBp: limit.value };
}

export function RetainageRulesCard({ projectId, commitmentId, canEdit }: { projectId: string; commitmentId: string; canEdit: boolean }) {
  const params = { params: { path: { projectId, commitmentId } } };
  const loaded = useLoad(() => call(api.GET('/api/v1/projects/{projectId}/commitments/{commitmentId}/retainage-rules', params)), [projectId, commitmentId]);
  const [editing, setEditing] = useState<{ rows: Row[]; after: string } | null>(null);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [failure, setFailure] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);
  const [flash, setFlash] = useFlash();
  const data = loaded.data;

  const save = async (current: Rules, scale: { rows: Row[]; after: string } | null) => {
    const problems: Record<string, string> = {};
    let body: Schemas['SaveRetainageRules'] = { version: current.version, rules: null };
    if (scale) {
      const rules = scale.rows.map((r, i) => ruleOf(r, i, problems));
      const after = parsePercentToBp(scale.after);
      if (!after.ok) problems.afterRateBp = after.error;
      if (scale.rows.length === 0) problems.rules = 'Add at least one rule, or remove the sliding scale.';
      body = { version: current.version, rules: rules.filter((r): r is Rule => r !== null), afterRateBp: after.ok ? after.value : 0 };
    }
    setErrors(problems);
    if (Object.keys(problems).length > 0) return;
    setBusy(true);
    setFailure(null);
    try {
      const fresh = await call(api.PUT('/api/v1/projects/{projectId}/commitments/{commitmentId}/retainage-rules', { ...params, body }));
      loaded.setData(fresh);
      setEditing(null);
      setFlash(fresh.enabled ? 'Retention rules saved. Invoices not yet approved follow them.' : 'Sliding scale removed: the flat retainage rates apply.');
    } catch (err) {
      const e = toApiError(err);
      if (e.field) setErrors(e.fieldErrors);
      setFailure(e);
    } finally {
      setBusy(false);
    }
  };

  if (loaded.error) return <Card title="Retention rules"><ErrorBanner error={loaded.error} onRetry={loaded.reload} /></Card>;
  if (!data) return <Card title="Retention rules"><Loading /></Card>;

  if (!editing) {
    return (
      <Card
        title="Retention rules"
        actions={
          canEdit ? (
            <Button onClick={() => setEditing(data.enabled ? { rows: data.rules.map(rowOf), after: bpToInput(data.afterRateBp) } : { rows: [{ kind: 'until_percent_of_original', rate: '10', limit: '5' }], after: '0' })}>
              {data.enabled ? 'Edit rules' : 'Add sliding scale'}
            </Button>
          ) : null
        }
      >
        {flash ? <Notice tone="success">{flash}</Notice> : null}
        {data.enabled ? (
          <>
            <ol className="retainage-rules" data-testid="retainage-rules">
              {data.rules.map((r) => (
                <li key={r.description}>{r.description.replace(/^Rule \d+: /, '')}</li>
              ))}
            </ol>
            <p className="hint">Then {bpToInput(data.afterRateBp)}% on further work. Each invoice line shows the rule that set its retainage.</p>
          </>
        ) : (
          <p className="muted">No sliding scale: the retainage rates on each line apply.</p>
        )}
      </Card>
    );
  }

  const set = (i: number, patch: Partial<Row>) => setEditing({ ...editing, rows: editing.rows.map((r, n) => (n === i ? { ...r, ...patch } : r)) });
  return (
    <Card title="Retention rules">
      <form
        onSubmit={(e) => {
          e.preventDefault();
          void save(data, editing);
        }}
        noValidate
      >
        <p className="hint">Applied in order: each rule holds its rate until its limit is reached, then the next applies. At most five.</p>
        <ErrorBanner error={failure} />
        {errors.rules ? <p className="error-text" role="alert">{errors.rules}</p> : null}
        {editing.rows.map((row, i) => {
          const kind = KINDS.find((k) => k.value === row.kind);
          return (
            <fieldset key={i} className="retainage-rule">
              <legend>Rule {i + 1}</legend>
              <TextInput label="Hold %" inputMode="decimal" value={row.rate} onChange={(e) => set(i, { rate: e.target.value })} error={errors[`rules.${i}.rateBp`]} />
              <SelectInput label="Until" value={row.kind} onChange={(e) => set(i, { kind: e.target.value as Kind })} error={errors[`rules.${i}.kind`]}>
                {KINDS.map((k) => (
                  <option key={k.value} value={k.value}>
                    {k.label}
                  </option>
                ))}
              </SelectInput>
              <TextInput
                label={kind?.limit ?? 'Limit'}
                inputMode="decimal"
                value={row.limit}
                onChange={(e) => set(i, { limit: e.target.value })}
                error={errors[`rules.${i}.capCents`] ?? errors[`rules.${i}.thresholdBp`] ?? errors[`rules.${i}.untilCompleteBp`]}
              />
              <Button tone="link" onClick={() => setEditing({ ...editing, rows: editing.rows.filter((_, n) => n !== i) })} aria-label={`Remove rule ${i + 1}`}>
                Remove
              </Button>
            </fieldset>
          );
        })}
        {editing.rows.length < 5 ? (
          <Button onClick={() => setEditing({ ...editing, rows: [...editing.rows, { kind: 'until_amount', rate: '5', limit: '' }] })}>Add rule</Button>
        ) : null}
        <TextInput label="Then hold % on further work" inputMode="decimal" value={editing.after} onChange={(e) => setEditing({ ...editing, after: e.target.value })} error={errors.afterRateBp} />
        <div className="form-actions">
          <Button tone="primary" type="submit" busy={busy}>
            Save rules
          </Button>
          <Button onClick={() => setEditing(null)} disabled={busy}>
            Cancel
          </Button>
          {data.enabled ? (
            <Button tone="danger" onClick={() => void save(data, null)} disabled={busy}>
              Remove sliding scale
            </Button>
          ) : null}
        </div>
      </form>
    </Card>
  );
}
