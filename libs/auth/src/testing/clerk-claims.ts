import type { JWTPayload } from 'jose';

/** Inputs of {@link clerkSessionClaims}. */
export interface ClerkSessionInput {
  userId?: string;
  sessionId?: string;
  /** `azp`: the origin the session belongs to. */
  azp?: string;
  /** Org membership, written in the claim format of `version`. */
  org?: { id: string; slug?: string; role?: string; permissions?: string[] };
  /** Scoped features (`o:reports`, `u:beta`): claim `fea` (v2 only). */
  features?: string[];
  /** Scoped plans (`u:free`, `o:pro`): claim `pla` (v2 only). */
  plans?: string[];
  status?: 'active' | 'pending';
  actor?: { sub: string; [claim: string]: unknown };
  factorVerificationAge?: [number, number];
  /** Clerk session token version. Default 2. */
  version?: 1 | 2;
}

/**
 * The claims of a Clerk session token (without `iss`/`iat`/`nbf`/`exp`, which the issuer adds), in
 * Clerk's v1 or v2 format. v2 permissions are bit-mapped onto the org features of `features`:
 * `org:<feature>:<permission>` needs `o:<feature>` in `features`.
 *
 * @example
 * issuer.sign(clerkSessionClaims({ org: { id: 'org_1', role: 'admin', permissions: ['org:invoices:read'] }, features: ['o:invoices'] }))
 */
export function clerkSessionClaims(input: ClerkSessionInput = {}): JWTPayload & Record<string, unknown> {
  const claims: Record<string, unknown> = {
    azp: input.azp ?? 'http://localhost:3000',
    sid: input.sessionId ?? 'sess_test',
    sub: input.userId ?? 'user_test',
  };
  if (input.status) claims.sts = input.status;
  if (input.actor) claims.act = input.actor;
  if (input.factorVerificationAge) claims.fva = input.factorVerificationAge;
  if ((input.version ?? 2) === 1) {
    if (input.org) {
      claims.org_id = input.org.id;
      if (input.org.slug) claims.org_slug = input.org.slug;
      if (input.org.role) claims.org_role = input.org.role.startsWith('org:') ? input.org.role : `org:${input.org.role}`;
      claims.org_permissions = input.org.permissions ?? [];
    }
    return claims;
  }
  claims.v = 2;
  const features = [...(input.features ?? [])];
  if (input.org) {
    const orgFeatures = features.filter((f) => /^(o|ou|uo):/.test(f)).map((f) => f.slice(f.indexOf(':') + 1));
    const names: string[] = [];
    const masks = orgFeatures.map(() => 0n);
    for (const permission of input.org.permissions ?? []) {
      const [, feature, name] = /^org:([^:]+):(.+)$/.exec(permission) ?? [];
      const index = orgFeatures.indexOf(feature);
      if (!name || index < 0) throw new Error(`clerkSessionClaims: permission ${permission} needs feature o:${feature ?? '?'}`);
      if (!names.includes(name)) names.push(name);
      masks[index] |= 1n << BigInt(names.indexOf(name));
    }
    claims.o = {
      id: input.org.id,
      ...(input.org.slug ? { slg: input.org.slug } : {}),
      ...(input.org.role ? { rol: input.org.role.replace(/^org:/, '') } : {}),
      ...(names.length ? { per: names.join(','), fpm: masks.map(String).join(',') } : {}),
    };
  }
  if (features.length) claims.fea = features.join(',');
  if (input.plans?.length) claims.pla = input.plans.join(',');
  return claims;
}
