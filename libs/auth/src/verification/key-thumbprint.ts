import { calculateJwkThumbprint, exportJWK, type JWK } from 'jose';

/** Thumbprints of key objects a resolver handed out. Weak: a key set that is dropped takes its entries along. */
const thumbprints = new WeakMap<object, string>();

/**
 * Works out and remembers the RFC 7638 thumbprint of a key a resolver found, so {@link thumbprintOf}
 * can answer synchronously later (when a verified token is cached). A key that cannot be exported is
 * left without one: whatever it verified is then dropped on any key-set change.
 */
export async function rememberThumbprint(key: unknown): Promise<void> {
  if (key === null || typeof key !== 'object' || thumbprints.has(key)) return;
  try {
    thumbprints.set(key, await calculateJwkThumbprint(await exportJWK(key as Parameters<typeof exportJWK>[0])));
  } catch {
    // No thumbprint: treated as a key that is never in the set.
  }
}

/** The thumbprint remembered for a key object by {@link rememberThumbprint}, if any. */
export function thumbprintOf(key: unknown): string | undefined {
  return key !== null && typeof key === 'object' ? thumbprints.get(key) : undefined;
}

/**
 * The RFC 7638 thumbprints of a key set: what identifies each key whatever its `kid`. A key whose
 * thumbprint cannot be computed is left out (so nothing it verified is kept).
 *
 * @example
 * const current = await thumbprintsOf(jwks.keys); // Set { 'NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs' }
 */
export async function thumbprintsOf(keys: readonly JWK[]): Promise<Set<string>> {
  const all = await Promise.all(keys.map((jwk) => calculateJwkThumbprint(jwk).catch(() => undefined)));
  return new Set(all.filter((t): t is string => t !== undefined));
}
