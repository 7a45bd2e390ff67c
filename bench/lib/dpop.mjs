// The bench's DPoP client: one ES256 key, a token bound to it (cnf.jkt), and a fresh proof per
// request made in the load process with node:crypto (never the same jti twice, also across rounds).
import { createHash, createPrivateKey, generateKeyPairSync, randomBytes, sign } from 'node:crypto';

const b64url = (value) => Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64url');

/** The origin the proofs name; the DPoP servers are told it is their public origin. */
export const DPOP_ORIGIN = 'http://bench.local';

/** A client key pair: its private JWK (for the load process) and its RFC 7638 thumbprint (for cnf.jkt). */
export function createDpopClient() {
  const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const jwk = privateKey.export({ format: 'jwk' });
  const publicJwk = { crv: jwk.crv, kty: jwk.kty, x: jwk.x, y: jwk.y };
  const jkt = createHash('sha256').update(JSON.stringify(publicJwk)).digest('base64url');
  return { privateJwk: jwk, jkt };
}

/** A maker of proofs for `GET <DPOP_ORIGIN><path>` with `token`, for the load process: `next()` gives a new proof. */
export function proofMaker({ privateJwk, token, path }) {
  const key = createPrivateKey({ key: privateJwk, format: 'jwk' });
  const header = b64url({ alg: 'ES256', typ: 'dpop+jwt', jwk: { crv: privateJwk.crv, kty: privateJwk.kty, x: privateJwk.x, y: privateJwk.y } });
  const ath = createHash('sha256').update(token).digest('base64url');
  const prefix = randomBytes(8).toString('hex');
  let n = 0;
  return () => {
    n += 1;
    const payload = b64url({ jti: `${prefix}-${n}`, htm: 'GET', htu: `${DPOP_ORIGIN}${path}`, iat: Math.floor(Date.now() / 1000), ath });
    const input = `${header}.${payload}`;
    return `${input}.${sign('sha256', Buffer.from(input), { key, dsaEncoding: 'ieee-p1363' }).toString('base64url')}`;
  };
}
