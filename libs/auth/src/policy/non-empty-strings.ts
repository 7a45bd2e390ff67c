/** One non-empty string or a non-empty list of them, as a new list; null for anything else. */
export function nonEmptyStrings(value: unknown): string[] | null {
  const list = typeof value === 'string' ? [value] : value;
  if (!Array.isArray(list) || list.length === 0 || list.some((v) => typeof v !== 'string' || v === '')) return null;
  return [...(list as string[])];
}
