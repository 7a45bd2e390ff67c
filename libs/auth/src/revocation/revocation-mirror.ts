import type { JWTPayload } from 'jose';
import { parseRevocationKey, revocationKey, type RevocationField, type RevocationListener } from './revocation-store.js';

const FIELDS: readonly RevocationField[] = ['sid', 'sub', 'jti'];
/** The issuer slot of revocations that apply to every issuer (an `iss` is never empty). */
const EVERY_ISSUER = '';

/**
 * The in-memory deny-list: key (`sid:…`, `sub@<iss>:…`, `jti:…`) -> until (epoch seconds), held as
 * claim -> issuer ('' for every issuer) -> value, so a request's lookups allocate nothing. Entries
 * past their `until` are dropped when met and by a sweep once the mirror has doubled since the last
 * one, so it holds no more than about twice the live entries.
 */
export class RevocationMirror {
  private readonly byField: Record<RevocationField, Map<string, Map<string, number>>> = { sid: new Map(), sub: new Map(), jti: new Map() };
  private count = 0;
  private sweptAtSize = 64;
  private readonly listeners = new Set<RevocationListener>();

  /** `listener` hears each entry added or extended from now on; returns a function that stops it. */
  listen(listener: RevocationListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Records a revocation; a later `until` for the same key wins. Anything that is not a key is ignored. */
  add(key: string, until: number, nowMs: number): void {
    const parsed = parseRevocationKey(key);
    if (!parsed) return;
    const issuers = this.byField[parsed.field];
    let map = issuers.get(parsed.iss);
    if (!map) issuers.set(parsed.iss, (map = new Map<string, number>()));
    const known = map.get(parsed.value);
    if (known === undefined) this.count += 1;
    // Stryker disable next-line EqualityOperator: setting an until equal to the one held changes nothing
    if (known === undefined || until > known) {
      map.set(parsed.value, until);
      this.tell(parsed.field, parsed.iss, parsed.value);
    }
    if (this.count > this.sweptAtSize * 2) this.sweep(nowMs);
  }

  /** Whether `key` is held (in force or not yet swept). */
  holds(key: string): boolean {
    const parsed = parseRevocationKey(key);
    return parsed !== null && this.byField[parsed.field].get(parsed.iss)?.has(parsed.value) === true;
  }

  /**
   * Whether the claims' `sid`, `sub` or `jti` is revoked at `nowMs`, for every issuer or for the
   * claims' `iss`. Runs on every request.
   */
  matches(claims: JWTPayload, nowMs: number): boolean {
    // Stryker disable next-line ConditionalExpression: with no entries every map is empty and the lookups below answer false too; the early return only saves them
    if (this.count === 0) return false;
    // Stryker disable next-line ConditionalExpression: a non-string iss is no key of the issuer maps, so looking it up finds nothing either; the test keeps the types honest.
    const iss = typeof claims.iss === 'string' ? claims.iss : undefined;
    return (
      this.revoked(this.byField.sid, claims.sid, iss, nowMs) ||
      this.revoked(this.byField.sub, claims.sub, iss, nowMs) ||
      this.revoked(this.byField.jti, claims.jti, iss, nowMs)
    );
  }

  /** The entries still in force at `nowMs`: key, until. */
  entriesInForce(nowMs: number): Array<[string, number]> {
    const live: Array<[string, number]> = [];
    for (const field of FIELDS) {
      for (const [iss, map] of this.byField[field]) {
        for (const [value, until] of map) if (until * 1000 > nowMs) live.push([revocationKey(field, iss, value), until]);
      }
    }
    return live;
  }

  /** Drops expired entries (and issuers left without any). */
  sweep(nowMs: number): void {
    for (const field of FIELDS) {
      const issuers = this.byField[field];
      for (const [iss, map] of issuers) {
        for (const [value, until] of map) {
          if (until * 1000 > nowMs) continue;
          map.delete(value);
          this.count -= 1;
        }
        // Stryker disable next-line ConditionalExpression: an issuer left with an empty map answers every lookup like an absent one; deleting it only frees the map.
        if (map.size === 0) issuers.delete(iss);
      }
    }
    this.sweptAtSize = Math.max(64, this.count);
  }

  /** How many entries are held (live or not yet swept). */
  get size(): number {
    return this.count;
  }

  private tell(field: RevocationField, iss: string, value: string): void {
    for (const listener of this.listeners) {
      try {
        listener({ field, iss: iss === EVERY_ISSUER ? null : iss, value });
      } catch {
        // A listener's failure is its own; the revocation stands.
      }
    }
  }

  /** Whether one claim's value is revoked for every issuer or for `iss`. */
  private revoked(issuers: Map<string, Map<string, number>>, value: unknown, iss: string | undefined, nowMs: number): boolean {
    if (typeof value !== 'string') return false;
    return this.hit(issuers.get(EVERY_ISSUER), value, nowMs) || (iss !== undefined && this.hit(issuers.get(iss), value, nowMs));
  }

  private hit(map: Map<string, number> | undefined, value: string, nowMs: number): boolean {
    const until = map?.get(value);
    if (map === undefined || until === undefined) return false;
    if (until * 1000 > nowMs) return true;
    map.delete(value);
    this.count -= 1;
    return false;
  }
}
