/**
 * Whether two answers of `resolveIssuer` for one `iss` are the same options: the same keys, each
 * value the same (`===`, or equal JSON for plain data such as a JWKS or a list). Functions compare
 * by identity, so an app that builds a new `checkClaims` closure per call gets a new issuer entry
 * (and a key fetch) each time its answer is asked for again; one that returns the same function does not.
 */
export function sameAnswer(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (!isRecord(a) || !isRecord(b)) return false;
  const keys = Object.keys(a);
  if (keys.length !== Object.keys(b).length) return false;
  return keys.every((key) => Object.hasOwn(b, key) && sameValue(a[key], b[key]));
}

function sameValue(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  // Unequal primitives differ, and functions compare by identity (JSON would call any two the same).
  if (typeof a !== 'object' || typeof b !== 'object') return false;
  try {
    return JSON.stringify(a) === JSON.stringify(b);
  } catch {
    return false;
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
