import type { JWTPayload } from 'jose';

/**
 * The in-memory deny-list: key (`sid:…`) -> until (epoch seconds). Entries past their `until` are
 * dropped when met and by a sweep once the map has doubled since the last one, so it holds no more
 * than about twice the live entries.
 */
export class RevocationMirror {
  private readonly entries = new Map<string, number>();
  private sweptAtSize = 64;

  /** Records a revocation; a later `until` for the same key wins. */
  add(key: string, until: number, nowMs: number): void {
    const known = this.entries.get(key);
    if (known === undefined || until > known) this.entries.set(key, until);
    if (this.entries.size > this.sweptAtSize * 2) this.sweep(nowMs);
  }

  /** Whether any key of the claims (`sid`, `sub`, `jti`) is revoked at `nowMs`. Runs on every request: no allocation beyond the keys. */
  matches(claims: JWTPayload, nowMs: number): boolean {
    if (this.entries.size === 0) return false;
    return this.live('sid', claims.sid, nowMs) || this.live('sub', claims.sub, nowMs) || this.live('jti', claims.jti, nowMs);
  }

  private live(field: string, value: unknown, nowMs: number): boolean {
    if (typeof value !== 'string' || value === '') return false;
    const key = `${field}:${value}`;
    const until = this.entries.get(key);
    if (until === undefined) return false;
    if (until * 1000 > nowMs) return true;
    this.entries.delete(key);
    return false;
  }

  /** The entries still in force at `nowMs`: key, until. */
  entriesInForce(nowMs: number): Array<[string, number]> {
    const live: Array<[string, number]> = [];
    for (const [key, until] of this.entries) if (until * 1000 > nowMs) live.push([key, until]);
    return live;
  }

  /** Drops expired entries. */
  sweep(nowMs: number): void {
    for (const [key, until] of this.entries) if (until * 1000 <= nowMs) this.entries.delete(key);
    this.sweptAtSize = Math.max(64, this.entries.size);
  }

  /** How many entries are held (live or not yet swept). */
  get size(): number {
    return this.entries.size;
  }
}
