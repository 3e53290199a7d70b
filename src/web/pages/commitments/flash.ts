/** A message carried to the next page (e.g. warnings from creating a commitment, shown on it). */
let pending: { path: string; messages: string[] } | null = null;

export function flashTo(path: string, messages: string[]): void {
  pending = messages.length > 0 ? { path, messages } : null;
}

/** The messages left for this page, once. */
export function takeFlash(path: string): string[] {
  if (!pending || pending.path !== path) return [];
  const { messages } = pending;
  pending = null;
  return messages;
}
