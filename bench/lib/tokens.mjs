// The bench's issuer: one RS256 key (JWKS served locally), tokens signed with node:crypto.
import { createHmac, createPublicKey, generateKeyPairSync, sign } from 'node:crypto';

const b64url = (value) => Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64url');

/** A fresh RS256 key pair, its public JWK set, and a signer of Clerk-like session tokens. */
export function createBenchIssuer({ issuer, audience }) {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const kid = 'bench-rs256';
  const jwk = { ...createPublicKey(privateKey).export({ format: 'jwk' }), kid, alg: 'RS256', use: 'sig' };
  const header = b64url({ alg: 'RS256', kid, typ: 'JWT' });
  const now = Math.floor(Date.now() / 1000);
  return {
    jwks: { keys: [jwk] },
    /** A valid session token for user `user_<n>`, valid for an hour; `extra` claims (e.g. `cnf`) added. */
    token(n, extra = {}) {
      const payload = b64url({
        azp: 'http://localhost:3000',
        aud: audience,
        exp: now + 3600,
        iat: now,
        iss: issuer,
        nbf: now,
        sid: `sess_${n}`,
        sub: `user_${n}`,
        ...extra,
      });
      const input = `${header}.${payload}`;
      return `${input}.${sign('sha256', Buffer.from(input), privateKey).toString('base64url')}`;
    },
  };
}

/** An HS256 signer for the memory test: a million RSA signatures would take a quarter of an hour. */
export function createHmacIssuer({ issuer, secret }) {
  const header = b64url({ alg: 'HS256', typ: 'JWT' });
  const now = Math.floor(Date.now() / 1000);
  return (n) => {
    const payload = b64url({ azp: 'http://localhost:3000', exp: now + 3600, iat: now, iss: issuer, nbf: now, sid: `sess_${n}`, sub: `user_${n}` });
    const input = `${header}.${payload}`;
    return `${input}.${createHmac('sha256', secret).update(input).digest('base64url')}`;
  };
}
