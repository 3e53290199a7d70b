/**
 * An amount typed into a form, in the project's locale: shown with its thousands separators
 * ("12,345.67" in en-US) and read back exactly, with or without them. Integer cents throughout:
 * the whole part is grouped by Intl from a BigInt, never from a float.
 */
import { formatCentsPlain, parseDecimalToCents } from '../../../domain/money.ts';

type Marks = { group: string; decimal: string; grouping: Intl.NumberFormat };
const marksByLocale = new Map<string, Marks>();

/** The locale's grouping and decimal marks, and its formatter of whole numbers. */
function marksOf(locale: string): Marks {
  let marks = marksByLocale.get(locale);
  if (!marks) {
    const parts = new Intl.NumberFormat(locale).formatToParts(1234567.5);
    marks = {
      group: parts.find((p) => p.type === 'group')?.value ?? ',',
      decimal: parts.find((p) => p.type === 'decimal')?.value ?? '.',
      grouping: new Intl.NumberFormat(locale, { maximumFractionDigits: 0 }),
    };
    marksByLocale.set(locale, marks);
  }
  return marks;
}

/** Cents as the text of an amount input: 1234567 → "12,345.67" (en-US). */
export function amountInputText(cents: number, locale: string): string {
  const { decimal, grouping } = marksOf(locale);
  const plain = formatCentsPlain(cents);
  const negative = plain.startsWith('-');
  const [whole = '0', frac = '00'] = (negative ? plain.slice(1) : plain).split('.');
  return `${negative ? '-' : ''}${grouping.format(BigInt(whole))}${decimal}${frac}`;
}

export class AmountInputError extends Error {}

/**
 * What a person typed as an amount, in cents: "12,345.67", "12345.67", "12345", "$12,345.6".
 * Thousands separators are optional, but where they are typed they must sit where the locale
 * puts them: "2000,50" is refused rather than read as 200,050.00.
 */
export function parseAmountInput(text: string, locale: string): number {
  const { group, decimal, grouping } = marksOf(locale);
  // A currency sign and spaces around or inside (some locales group with a space) carry no value.
  const t = text
    .trim()
    .replace(/^(-?)\s*(?:US|CA|C)?\$/i, '$1')
    .replace(/\s/g, '');
  const groupMark = /\s/.test(group) ? '' : group;
  const negative = t.startsWith('-');
  const body = negative ? t.slice(1) : t;
  const [typedWhole = '', frac, extra] = body.split(decimal);
  const whole = typedWhole === '' && frac !== undefined ? '0' : typedWhole; // ".5"
  if (extra !== undefined || whole === '' || (frac !== undefined && !/^\d{1,2}$/.test(frac))) throw new AmountInputError(example(locale));
  const digits = groupMark ? whole.split(groupMark).join('') : whole;
  if (!/^\d+$/.test(digits)) throw new AmountInputError(example(locale));
  if (groupMark && whole.includes(groupMark) && grouping.format(BigInt(digits)) !== whole) throw new AmountInputError(example(locale));
  try {
    return parseDecimalToCents(`${negative ? '-' : ''}${digits}.${(frac ?? '').padEnd(2, '0')}`);
  } catch {
    throw new AmountInputError('That amount is too large.');
  }
}

function example(locale: string): string {
  return `Enter an amount like ${amountInputText(123456, locale)}.`;
}
