import type { JWTPayload } from 'jose';

type Field = 'sid' | 'sub' | 'jti';
const FIELDS: readonly Field[] = ['sid', 'sub', 'jti'];

/**
 * The in-memory deny-list: key (`sid:…`, `sub:…`, `jti:…`) -> until (epoch seconds), one map per
 * claim so a request's lookups allocate nothing. Entries past their `until` are dropped when met and
 * by a sweep once the mirror has doubled since the last one, so it holds no more than about twice
 * the live entries.
 */
export class RevocationMirror {
  private readonly byField: Record<Field, Map<string, number>> = { sid: new Map(), sub: new Map(), jti: new Map() };
  private count = 0;
  private sweptAtSize = 64;

  /** Records a revocation; a later `until` for the same key wins. Keys of another kind are ignored. */
  add(key: string, until: number, nowMs: number): void {
    const colon = key.indexOf(':');
    const field = key.slice(0, colon) as Field;
    // Stryker disable next-line EqualityOperator: a colon at 0 leaves an empty field name, which names no map either
    const map = colon > 0 ? this.byField[field] : undefined;
    if (!map || !FIELDS.includes(field)) return;
    const value = key.slice(colon + 1);
    const known = map.get(value);
    if (known === undefined) this.count += 1;
    // Stryker disable next-line EqualityOperator: setting an until equal to the one held changes nothing
    if (known === undefined || until > known) map.set(value, until);
    if (this.count > this.sweptAtSize * 2) this.sweep(nowMs);
  }

  /** Whether the claims' `sid`, `sub` or `jti` is revoked at `nowMs`. Runs on every request. */
  matches(claims: JWTPayload, nowMs: number): boolean {
    // Stryker disable next-line ConditionalExpression: with no entries every map is empty and the lookups below answer false too; the early return only saves them
    if (this.count === 0) return false;
    return this.hit(this.byField.sid, claims.sid, nowMs) || this.hit(this.byField.sub, claims.sub, nowMs) || this.hit(this.byField.jti, claims.jti, nowMs);
  }

  /** The entries still in force at `nowMs`: key, until. */
  entriesInForce(nowMs: number): Array<[string, number]> {
    const live: Array<[string, number]> = [];
    for (const field of FIELDS) {
      for (const [value, until] of this.byField[field]) if (until * 1000 > nowMs) live.push([`${field}:${value}`, until]);
    }
    return live;
  }

  /** Drops expired entries. */
  sweep(nowMs: number): void {
    for (const field of FIELDS) {
      const map = this.byField[field];
      for (const [value, until] of map) {
        if (until * 1000 > nowMs) continue;
        map.delete(value);
        this.count -= 1;
      }
    }
    this.sweptAtSize = Math.max(64, this.count);
  }

  /** How many entries are held (live or not yet swept). */
  get size(): number {
    return this.count;
  }

  private hit(map: Map<string, number>, value: unknown, nowMs: number): boolean {
    if (typeof value !== 'string') return false;
    const until = map.get(value);
    if (until === undefined) return false;
    if (until * 1000 > nowMs) return true;
    map.delete(value);
    this.count -= 1;
    return false;
  }
}
