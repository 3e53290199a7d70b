/**
 * Text the database cannot keep is refused at the edge, for every string an operation accepts:
 * a NUL character (PostgreSQL text cannot hold one: "invalid byte sequence for encoding UTF8:
 * 0x00", a 500) and a UTF-16 surrogate without its pair (not Unicode text: the driver would store
 * U+FFFD instead, or a JSON column would refuse it). The router's validation hook runs this over
 * the raw input of each part it validated — body, query, path, headers — so no schema has to
 * remember to (docs/decisions/020-hostile-input.md).
 */
import { DomainError } from '../domain/errors.ts';

/** With the `u` flag, \p{Cs} matches only a surrogate that is not half of a pair. */
const UNSTORABLE = /[\u0000\p{Cs}]/u;

export type UnstorableText = { path: (string | number)[]; kind: 'nul' | 'surrogate' };

/** The first string (value or key) in `value` that holds a NUL or an unpaired surrogate. */
export function findUnstorableText(value: unknown): UnstorableText | undefined {
  const stack: { value: unknown; path: (string | number)[] }[] = [{ value, path: [] }];
  while (stack.length > 0) {
    const { value: current, path } = stack.pop() as { value: unknown; path: (string | number)[] };
    if (typeof current === 'string') {
      const match = UNSTORABLE.exec(current);
      if (match) return { path, kind: match[0] === '\u0000' ? 'nul' : 'surrogate' };
    } else if (Array.isArray(current)) {
      for (let i = current.length - 1; i >= 0; i--) stack.push({ value: current[i], path: [...path, i] });
    } else if (current !== null && typeof current === 'object' && Object.getPrototypeOf(current) === Object.prototype) {
      const entries = Object.entries(current);
      for (let i = entries.length - 1; i >= 0; i--) {
        const [key, inner] = entries[i] as [string, unknown];
        if (UNSTORABLE.test(key)) return { path: [...path, key], kind: UNSTORABLE.exec(key)?.[0] === '\u0000' ? 'nul' : 'surrogate' };
        stack.push({ value: inner, path: [...path, key] });
      }
    }
  }
  return undefined;
}

const WHAT: Record<UnstorableText['kind'], string> = {
  nul: 'a NUL character (\\u0000), which text cannot contain',
  surrogate: 'half of a UTF-16 surrogate pair (an unpaired surrogate), which is not valid Unicode text',
};

/** The 400 for such text: `field` is its path in the request, as for any other invalid field. */
export function unstorableTextError(found: UnstorableText, fallback: string): DomainError {
  const field = found.path.length > 0 ? found.path.map(String).join('.') : fallback;
  const message = `Check ${field}: it contains ${WHAT[found.kind]}.`;
  return new DomainError('validation_failed', message, { field, details: [{ path: field, message, code: 'invalid_text' }] });
}
