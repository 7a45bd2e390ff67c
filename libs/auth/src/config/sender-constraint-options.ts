import { BlockList, isIP } from 'node:net';
import { memoryReplayStore } from '../revocation/memory-replay-store.js';
import type { ReplayStore } from '../revocation/replay-store.js';
import { DPOP_ALGORITHMS } from '../verification/dpop/dpop-proof.js';
import { DpopNonces } from '../verification/dpop/dpop-nonces.js';
import { AuthConfigError } from './auth-config-error.js';
import { checkKeys } from './check-keys.js';

/**
 * Whether tokens bound to a client (DPoP, RFC 9449; mTLS, RFC 8705) are accepted:
 * - `'off'`: no; a token bound that way is refused (and `Authorization: DPoP` with it);
 * - `'allowed'` (default): bound tokens with their proof, and bearer tokens that are not bound;
 * - `'required'`: only tokens bound that way, with their proof.
 * A bound token is never accepted without its proof, whatever the mode.
 */
export type SenderConstraintMode = 'off' | 'allowed' | 'required';

/** How DPoP proofs are checked (module-wide; `dpop` sets the mode per module, issuer entry and route). */
export interface DpopProofOptions {
  /** `alg` values a proof may use. Default every asymmetric JWS algorithm (ES*, EdDSA/Ed25519, PS*, RS*); never `none` nor HMAC. */
  algorithms?: string[];
  /** How old a proof (its `iat`) may be. Default 300000 (5 min). */
  maxAgeInMs?: number;
  /** How far ahead a client's clock may run (a proof's `iat` in the future), and the slack on `maxAgeInMs`. Default 5000. */
  clockSkewInMs?: number;
  /**
   * Server-provided nonces (RFC 9449 section 8): every proof must carry a recent nonce of ours; a
   * proof without one gets 401 `use_dpop_nonce` with a `DPoP-Nonce` header. Nonces are derived from
   * `secret` and the time, so every replica sharing the secret accepts them; each is valid for its
   * `rotationInMs` period and the next. Off by default.
   */
  nonce?: { secret: string | Uint8Array; rotationInMs?: number };
  /**
   * Where used proofs (`jti` with the key) are remembered for their window, so each is accepted once.
   * Default a `memoryReplayStore()` of this module: right for one process; several replicas need a
   * shared one (`redisReplayStore()`), or a proof may be replayed to another replica.
   */
  replayStore?: ReplayStore;
  /**
   * The API's public origin as clients address it (`https://api.example.com`), for the proof's `htu`.
   * Default: the request's scheme and host as the framework reports them (Express and Fastify honour
   * their trusted-proxy settings). Set it behind a proxy or gateway that rewrites the host or scheme.
   */
  publicOrigin?: string;
}

/** Where a client certificate may come from besides the TLS connection itself (RFC 8705 behind a proxy). */
export interface ClientCertificateOptions {
  /**
   * The request header a TLS-terminating proxy puts the client certificate in: PEM (URL-encoded, as
   * nginx's `$ssl_client_escaped_cert` and AWS ALB send it, or plain) or base64 DER. Read only on
   * connections from `trustedProxies`; the proxy must overwrite it on every request.
   */
  header: string;
  /** Addresses (`10.0.0.7`) or CIDR ranges (`10.0.0.0/8`, `fd00::/8`) of the proxies trusted to set `header`. */
  trustedProxies: string[];
}

/** DPoP settings after validation. */
export interface ResolvedDpop {
  /** The module's mode: of requests whose token names no issuer entry (no token, a refused one). */
  mode: SenderConstraintMode;
  algorithms: readonly string[];
  maxAgeInMs: number;
  clockSkewInMs: number;
  nonces: DpopNonces | null;
  replayStore: ReplayStore;
  /** Without a trailing slash; undefined: from the request. */
  publicOrigin: string | undefined;
}

/** mTLS settings after validation. */
export interface ResolvedMtls {
  mode: SenderConstraintMode;
  /** Lower-case; undefined: the TLS connection only. */
  header: string | undefined;
  trustedProxies: BlockList | undefined;
}

const MODES: readonly string[] = ['off', 'allowed', 'required'] satisfies SenderConstraintMode[];

/** `dpop` / `mtls` of the module, an issuer entry or a route: a mode, or undefined when absent. Throws {@link AuthConfigError}. */
export function senderConstraintMode(value: unknown, option: string): SenderConstraintMode | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || !MODES.includes(value)) throw new AuthConfigError(option, "expected 'off', 'allowed' or 'required'");
  return value as SenderConstraintMode;
}

/** Validates `dpopProof` and applies defaults; `mode` is the module's `dpop`. */
export function resolveDpop(options: DpopProofOptions | undefined, mode: SenderConstraintMode): ResolvedDpop {
  if (options !== undefined && (options === null || typeof options !== 'object' || Array.isArray(options)))
    throw new AuthConfigError('dpopProof', 'expected an object');
  const given = options ?? {};
  checkKeys(given, ['algorithms', 'maxAgeInMs', 'clockSkewInMs', 'nonce', 'replayStore', 'publicOrigin'], 'dpopProof.');
  const algorithms = given.algorithms ?? DPOP_ALGORITHMS;
  if (
    !Array.isArray(algorithms) ||
    algorithms.length === 0 ||
    (algorithms as readonly unknown[]).some((alg) => typeof alg !== 'string' || !DPOP_ALGORITHMS.includes(alg))
  ) {
    throw new AuthConfigError('dpopProof.algorithms', `expected a non-empty list of ${DPOP_ALGORITHMS.join(', ')}`);
  }
  const maxAgeInMs = positive(given.maxAgeInMs, 300_000, 'dpopProof.maxAgeInMs', 1000);
  const clockSkewInMs = positive(given.clockSkewInMs, 5000, 'dpopProof.clockSkewInMs', 0);
  const store = given.replayStore;
  if (store !== undefined && (store === null || typeof (store as Partial<ReplayStore>).useOnce !== 'function')) {
    throw new AuthConfigError('dpopProof.replayStore', 'expected a replay store ({ useOnce() }), e.g. redisReplayStore({ client })');
  }
  return {
    mode,
    algorithms: [...new Set(algorithms)],
    maxAgeInMs,
    clockSkewInMs,
    nonces: given.nonce === undefined ? null : nonces(given.nonce, clockSkewInMs),
    replayStore: store ?? memoryReplayStore(),
    publicOrigin: given.publicOrigin === undefined ? undefined : publicOrigin(given.publicOrigin),
  };
}

/** Validates `clientCertificate`; `mode` is the module's `mtls`. */
export function resolveMtls(options: ClientCertificateOptions | undefined, mode: SenderConstraintMode): ResolvedMtls {
  if (options === undefined) return { mode, header: undefined, trustedProxies: undefined };
  if (options === null || typeof options !== 'object' || Array.isArray(options))
    throw new AuthConfigError('clientCertificate', 'expected { header, trustedProxies }');
  checkKeys(options, ['header', 'trustedProxies'], 'clientCertificate.');
  if (typeof options.header !== 'string' || !/^[A-Za-z0-9-]+$/.test(options.header))
    throw new AuthConfigError('clientCertificate.header', 'expected a header name');
  const proxies = options.trustedProxies;
  if (!Array.isArray(proxies) || proxies.length === 0) {
    throw new AuthConfigError(
      'clientCertificate.trustedProxies',
      'expected the addresses or CIDR ranges of the proxies that set the header; a header anyone can send proves nothing',
    );
  }
  const list = new BlockList();
  for (const entry of proxies) {
    // Stryker disable next-line ArrayDeclaration: (`[]`) any other text in its place is no IP address either, refused alike
    const [address, bits, extra] = typeof entry === 'string' ? entry.split('/') : [];
    // Stryker disable next-line ConditionalExpression: (`false`) isIP(undefined) is 0 as well; the swept `true`, which refuses every entry, is killed
    const family = address === undefined ? 0 : isIP(address);
    // Digits only: Number() reads ' ' as 0, a range holding every address, and '0x8' or '1e1' as numbers.
    const prefix = bits === undefined ? undefined : /^\d{1,3}$/.test(bits) ? Number(bits) : -1;
    const max = family === 4 ? 32 : 128;
    if (family === 0 || extra !== undefined || (prefix !== undefined && (prefix < 0 || prefix > max))) {
      throw new AuthConfigError('clientCertificate.trustedProxies', 'expected IP addresses or CIDR ranges, e.g. "10.0.0.0/8"');
    }
    const type = family === 4 ? 'ipv4' : 'ipv6';
    if (prefix === undefined) list.addAddress(address, type);
    else list.addSubnet(address, prefix, type);
  }
  return { mode, header: options.header.toLowerCase(), trustedProxies: list };
}

function positive(value: unknown, fallback: number, option: string, min: number): number {
  const resolved = value ?? fallback;
  if (typeof resolved !== 'number' || !Number.isFinite(resolved) || resolved < min) throw new AuthConfigError(option, `expected a finite number >= ${min}`);
  return resolved;
}

function nonces(value: unknown, clockSkewInMs: number): DpopNonces {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw new AuthConfigError('dpopProof.nonce', 'expected { secret, rotationInMs? }');
  checkKeys(value, ['secret', 'rotationInMs'], 'dpopProof.nonce.');
  const { secret, rotationInMs } = value as { secret?: unknown; rotationInMs?: unknown };
  const bytes = typeof secret === 'string' ? new TextEncoder().encode(secret) : secret instanceof Uint8Array ? new Uint8Array(secret) : undefined;
  if (!bytes || bytes.length < 32) throw new AuthConfigError('dpopProof.nonce.secret', 'expected a secret of at least 32 bytes, the same on every replica');
  return new DpopNonces({ secret: bytes, rotationInMs: positive(rotationInMs, 300_000, 'dpopProof.nonce.rotationInMs', 1000), clockSkewInMs });
}

function publicOrigin(value: unknown): string {
  let url: URL | undefined;
  try {
    // Stryker disable BlockStatement: (the catch block) url is still undefined when new URL() throws, so the empty catch leaves it the same
    url = typeof value === 'string' ? new URL(value) : undefined;
  } catch {
    url = undefined;
  }
  // Stryker restore BlockStatement
  if (!url || (url.protocol !== 'https:' && url.protocol !== 'http:') || url.pathname !== '/' || url.search || url.hash || url.username || url.password) {
    throw new AuthConfigError('dpopProof.publicOrigin', 'expected an origin such as "https://api.example.com" (scheme, host, optional port; no path)');
  }
  return url.origin;
}
