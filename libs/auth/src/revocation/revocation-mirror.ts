import type { JWTPayload } from 'jose';
import { claimKeys } from './revocation-store.js';

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

  /** Whether any key of the claims is revoked at `nowMs`. */
  matches(claims: JWTPayload, nowMs: number): boolean {
    if (this.entries.size === 0) return false;
    for (const key of claimKeys(claims)) {
      const until = this.entries.get(key);
      if (until === undefined) continue;
      if (until * 1000 > nowMs) return true;
      this.entries.delete(key);
    }
    return false;
  }

  /** The entries still in force at `nowMs`: key, until. */
  live(nowMs: number): Array<[string, number]> {
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
