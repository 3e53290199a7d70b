/**
 * Turns a trade template into a schedule of values for one commitment: the areas expand the
 * per-area items, a seeded generator varies the weights and quantities, and subcontract sums are
 * spread over whole-dollar lines that add up exactly to the contract sum.
 */
import type { SovLineInput } from '../domain/commitment.ts';
import { allocate, formatCentsPlain, scale as scaleCents } from '../domain/money.ts';
import type { DemoCommitment, DemoProject } from './demo-data.ts';
import { createPrng, type Prng } from './prng.ts';
import {
  ELEVATIONS,
  GENERAL_CLOSING,
  GENERAL_OPENING,
  TRADES,
  type SupplyItem,
  type TradeTemplate,
  type WorkItem,
} from './sov-templates.ts';

export const MIN_SOV_LINES = 10;
export const MAX_SOV_LINES = 80;

type Entry = { code: string; description: string; weight: number; split: boolean; perArea: boolean };

function expandWork(template: Extract<TradeTemplate, { kind: 'work' }>, areas: string[]): Entry[] {
  const general = (item: Omit<WorkItem, 'code'>): Entry => ({
    code: template.primaryCode,
    description: item.description,
    weight: item.weight,
    split: false,
    perArea: false,
  });
  const once = template.items.filter((item) => !item.perArea);
  const perArea = template.items.filter((item) => item.perArea);
  return [
    ...GENERAL_OPENING.map(general),
    ...once.map((item) => ({ ...item, split: item.split ?? false, perArea: false })),
    ...areas.flatMap((area) =>
      perArea.map((item) => ({
        code: item.code,
        description: `${item.description} — ${area}`,
        weight: item.weight,
        split: item.split ?? false,
        perArea: true,
      })),
    ),
    ...GENERAL_CLOSING.map(general),
  ];
}

/** Labor/Material splits where they fit: all of them, else the building-wide ones only, else none. */
function chooseSplits(entries: Entry[]): (entry: Entry) => boolean {
  const onceSplits = entries.filter((e) => e.split && !e.perArea).length;
  const areaSplits = entries.filter((e) => e.split && e.perArea).length;
  if (entries.length + onceSplits + areaSplits <= MAX_SOV_LINES) return (e) => e.split;
  if (entries.length + onceSplits <= MAX_SOV_LINES) return (e) => e.split && !e.perArea;
  return () => false;
}

export function buildWorkSov(
  template: Extract<TradeTemplate, { kind: 'work' }>,
  areas: string[],
  contractCents: number,
  prng: Prng,
): SovLineInput[] {
  if (contractCents % 100 !== 0) throw new RangeError('A demo contract sum is in whole dollars.');
  const entries = expandWork(template, areas);
  const splits = chooseSplits(entries);
  const lines: { code: string; description: string; weight: number }[] = [];
  for (const entry of entries) {
    const weight = entry.weight * prng.between(0.8, 1.25);
    if (splits(entry)) {
      const laborShare = prng.between(0.35, 0.6);
      lines.push({ code: entry.code, description: `${entry.description} — Labor`, weight: weight * laborShare });
      lines.push({ code: entry.code, description: `${entry.description} — Material`, weight: weight * (1 - laborShare) });
    } else {
      lines.push({ code: entry.code, description: entry.description, weight });
    }
  }
  const dollars = allocate(
    contractCents / 100,
    lines.map((line) => Math.max(1, Math.round(line.weight * 1000))),
  );
  return checked(
    lines.map((line, index) => ({
      itemNumber: String(index + 1),
      costCode: line.code,
      description: line.description,
      scheduledValueCents: (dollars[index] ?? 0) * 100,
    })),
  );
}

const money = new Intl.NumberFormat('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 });
const count = new Intl.NumberFormat('en-US', { maximumFractionDigits: 1 });

function supplyLine(item: SupplyItem, area: string | null, prng: Prng): Omit<SovLineInput, 'itemNumber'> {
  const scale = item.decimals === 1 ? 10 : 1;
  const scaledQuantity = prng.int(item.quantity[0] * scale, item.quantity[1] * scale);
  const lumpSum = item.unit === 'lot';
  // Unit prices in nickels; lump sums in tens of dollars.
  const step = lumpSum ? 1000 : 5;
  const unitPriceCents = Math.round(prng.int(item.unitPriceCents[0], item.unitPriceCents[1]) / step) * step;
  const amountCents = scaleCents(unitPriceCents, scaledQuantity, scale);
  const where = area === null ? '' : ` — ${area}`;
  const terms = lumpSum
    ? ''
    : ` (${count.format(scaledQuantity / scale)} ${item.unit} @ $${money.format(Number(formatCentsPlain(unitPriceCents)))})`;
  return { costCode: item.code, description: `${item.description}${where}${terms}`, scheduledValueCents: amountCents };
}

export function buildSupplySov(
  template: Extract<TradeTemplate, { kind: 'supply' }>,
  areas: string[],
  prng: Prng,
): SovLineInput[] {
  const once = template.items.filter((item) => !item.perArea);
  const perArea = template.items.filter((item) => item.perArea);
  const lines = [
    ...once.map((item) => supplyLine(item, null, prng)),
    ...areas.flatMap((area) => perArea.map((item) => supplyLine(item, area, prng))),
  ];
  return checked(lines.map((line, index) => ({ itemNumber: String(index + 1), ...line })));
}

function checked(lines: SovLineInput[]): SovLineInput[] {
  if (lines.length < MIN_SOV_LINES || lines.length > MAX_SOV_LINES) {
    throw new RangeError(`A demo schedule of values has ${lines.length} lines; keep it between ${MIN_SOV_LINES} and ${MAX_SOV_LINES}.`);
  }
  return lines;
}

function areasFor(project: DemoProject, commitment: DemoCommitment): string[] {
  if (commitment.areas) return commitment.areas;
  switch (TRADES[commitment.trade].areaKind) {
    case 'floors':
      return project.floors;
    case 'elevations':
      return ELEVATIONS;
    case 'roofs':
      return project.roofAreas;
    case 'cars':
      return project.elevatorCars;
  }
}

/** The schedule of values of one catalogue commitment: the same lines on every run. */
export function demoSovLines(project: DemoProject, commitment: DemoCommitment): SovLineInput[] {
  const template: TradeTemplate = TRADES[commitment.trade];
  const prng = createPrng(`${project.number}/${commitment.number}`);
  const areas = areasFor(project, commitment);
  if (template.kind === 'supply') return buildSupplySov(template, areas, prng);
  if (commitment.contractDollars === undefined) {
    throw new Error(`Demo commitment ${project.number} ${commitment.number} needs a contract sum.`);
  }
  return buildWorkSov(template, areas, commitment.contractDollars * 100, prng);
}
