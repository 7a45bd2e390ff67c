import { AuthError, AuthErrorReason } from '../auth.errors.js';
import type { IssuerConfig } from '../config/resolved-options.js';
import type { KeySource } from '../verification/key-sources.js';
import type { IssuerVerifier } from '../verification/issuer-verifier.js';
import { IssuerRegistry, type IssuerFailureListener } from './issuer-registry.js';
import { labelled } from '../config/auth-config-error.js';
import type { ResolvedIssuers } from '../config/resolved-options.js';
import { unverifiedIssuer } from './unverified-issuer.js';

/**
 * Picks the issuer entry that may verify a token. A module with one issuer: that one, whatever the
 * token says. Several: by the token's `iss` (read unverified, exact match), first the entries of
 * `issuers`, then `resolveIssuer`; an `iss` the app does not trust is refused before any key is
 * looked up or fetched. Framework-free.
 */
export class IssuerSelector {
  private readonly byIssuer = new Map<string, IssuerVerifier>();
  /** The verifier of a module with one issuer. */
  private readonly only: IssuerVerifier | undefined;
  private readonly registry: IssuerRegistry | undefined;
  /** Hear of every key source, now and later (metrics); see {@link onKeySource}. */
  private readonly keySourceListeners: Array<(source: KeySource) => void> = [];

  constructor(settings: ResolvedIssuers, build: (options: IssuerConfig) => IssuerVerifier, clock: () => number, onFailure?: IssuerFailureListener) {
    if (settings.single) {
      this.only = build(settings.entries[0]);
      return;
    }
    settings.entries.forEach((entry, i) => {
      // A problem with the entry's key material names the entry.
      const verifier = labelled(`issuers[${i}]`, () => build(entry));
      // Stryker disable next-line ArrayDeclaration: every entry has an issuer (checked when the options were resolved).
      for (const issuer of entry.issuer ?? []) this.byIssuer.set(issuer, verifier);
    });
    const buildAndTell = (options: IssuerConfig): IssuerVerifier => {
      const verifier = build(options);
      for (const listener of this.keySourceListeners) listener(verifier.keySource);
      return verifier;
    };
    this.registry = settings.resolve ? new IssuerRegistry(settings, buildAndTell, clock, onFailure) : undefined;
  }

  /** The issuers known at boot (each once): the one of a module with one issuer, or the entries of `issuers`. */
  get fixed(): IssuerVerifier[] {
    return this.only ? [this.only] : [...new Set(this.byIssuer.values())];
  }

  /** Issuers `resolveIssuer` answered for that are held now. */
  get resolvedCount(): number {
    return this.registry?.size ?? 0;
  }

  /** The verifier for `token`; throws (or rejects with) {@link AuthError}. The token has the shape of a compact JWS. */
  select(token: string): IssuerVerifier | Promise<IssuerVerifier> {
    if (this.only) return this.only;
    return this.forIssuer(unverifiedIssuer(token));
  }

  /**
   * The verifier an `iss` selects (a module with one issuer: that one): an entry of `issuers`, else
   * what `resolveIssuer` answers, as for a new token. Throws (or rejects with) {@link AuthError}:
   * `token-invalid-issuer` when the app does not trust `iss`, `issuer-unavailable` when that cannot
   * be known now.
   */
  forIssuer(iss: string): IssuerVerifier | Promise<IssuerVerifier> {
    if (this.only) return this.only;
    const fixed = this.byIssuer.get(iss);
    if (fixed) return fixed;
    if (!this.registry) throw new AuthError(AuthErrorReason.TokenInvalidIssuer, 'the token iss names no configured issuer');
    return this.registry.get(iss);
  }

  /** The verifier already known for `iss`, without asking anyone; undefined when none. */
  peek(iss: unknown): IssuerVerifier | undefined {
    if (this.only) return this.only;
    if (typeof iss !== 'string') return undefined;
    return this.byIssuer.get(iss) ?? this.registry?.peek(iss);
  }

  /** `listener` hears of every key source: the fixed ones at once, the resolved ones when made. */
  onKeySource(listener: (source: KeySource) => void): void {
    for (const verifier of this.fixed) listener(verifier.keySource);
    this.keySourceListeners.push(listener);
  }

  /** Retires every resolved issuer (module shutdown). */
  close(): void {
    this.registry?.clear();
  }
}
