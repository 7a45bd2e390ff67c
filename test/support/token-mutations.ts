import fc from 'fast-check';

/** Characters a mutation may inject: printable ASCII, so every result can travel in an HTTP header. */
const PRINTABLE = fc.integer({ min: 0x21, max: 0x7e }).map((c) => String.fromCharCode(c));
const BASE64URL_CHARS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
const BASE64URL = fc.constantFrom(...BASE64URL_CHARS.split(''));
const HEADER_NAMES = ['alg', 'kid', 'typ', 'cty', 'crit', 'b64', 'jku', 'x5u', 'x5c', 'jwk', 'zip', 'enc', '__proto__', 'constructor'];
const CLAIM_NAMES = ['sub', 'sid', 'exp', 'nbf', 'iat', 'iss', 'aud', 'azp', 'org_id', 'org_permissions', 'v', 'o', 'sts', 'act', '__proto__'];
const ALGS = ['none', 'None', 'HS256', 'HS384', 'RS256', 'RS384', 'PS256', 'ES256', 'EdDSA', 'RSA-OAEP', 'dir', ''];

/** One way of changing a token; applied to the original string. */
export type Mutation = (token: string) => string;

const segments = (token: string): string[] => token.split('.');
/** Applies `change` to segment `n` (modulo the count, since earlier mutations may change it). */
const onSegment = (t: string, n: number, change: (segment: string) => string): string => {
  const s = segments(t);
  const i = n % s.length;
  s[i] = change(s[i]);
  return s.join('.');
};
const decodeJson = (segment: string): Record<string, unknown> | null => {
  try {
    const value: unknown = JSON.parse(Buffer.from(segment, 'base64url').toString('utf8'));
    return value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : null;
  } catch {
    return null;
  }
};
const encodeJson = (value: unknown): string => Buffer.from(JSON.stringify(value) ?? 'null').toString('base64url');

/** A small JSON value, hostile-leaning: wrong types, empty values, near misses. */
const jsonValue = fc.oneof(
  fc.jsonValue({ maxDepth: 2 }),
  fc.constantFrom<unknown>(null, '', 0, -1, 1e308, true, false, [], {}, 'admin', 'https://issuer.test/', '../../etc/passwd', { $ne: null }),
  fc.constantFrom(...ALGS),
);

/** Mutations of bytes, segments, headers, claims and encodings (fast-check arbitrary). */
export const mutationArb: fc.Arbitrary<Mutation> = fc.oneof(
  // bytes: replace, insert, delete one character
  fc.tuple(fc.nat(), fc.oneof(BASE64URL, PRINTABLE)).map(([at, ch]): Mutation => (t) => {
    const i = at % t.length;
    return t.slice(0, i) + ch + t.slice(i + 1);
  }),
  fc.tuple(fc.nat(), fc.oneof(BASE64URL, PRINTABLE)).map(([at, ch]): Mutation => (t) => {
    const i = at % (t.length + 1);
    return t.slice(0, i) + ch + t.slice(i);
  }),
  fc.nat().map((at): Mutation => (t) => {
    const i = at % t.length;
    return t.slice(0, i) + t.slice(i + 1);
  }),
  // truncation and garbage appended
  fc.nat().map(
    (at): Mutation =>
      (t) =>
        t.slice(0, at % t.length),
  ),
  fc.string({ unit: fc.oneof(BASE64URL, PRINTABLE), maxLength: 40 }).map(
    (junk): Mutation =>
      (t) =>
        t + junk,
  ),
  // segments: drop, duplicate, swap, empty, extra
  fc.tuple(fc.integer({ min: 0, max: 2 }), fc.constantFrom('drop', 'dup', 'empty', 'swap')).map(([at, op]): Mutation => (t) => {
    const s = segments(t);
    const n = at % s.length;
    const m = (n + 1) % s.length;
    if (op === 'drop') s.splice(n, 1);
    else if (op === 'dup') s.splice(n, 0, s[n]);
    else if (op === 'empty') s[n] = '';
    else [s[n], s[m]] = [s[m], s[n]];
    return s.join('.');
  }),
  // header parameter set or removed, signature kept
  fc.tuple(fc.constantFrom(...HEADER_NAMES), fc.option(jsonValue, { nil: undefined })).map(([name, value]): Mutation => (t) => {
    const [h = '', p = '', s = ''] = segments(t);
    const header = decodeJson(h) ?? {};
    const next = { ...header };
    if (value === undefined) delete next[name];
    else Object.defineProperty(next, name, { value, enumerable: true, configurable: true, writable: true });
    return `${encodeJson(next)}.${p}.${s}`;
  }),
  // claim set or removed, signature kept
  fc.tuple(fc.constantFrom(...CLAIM_NAMES), fc.option(jsonValue, { nil: undefined })).map(([name, value]): Mutation => (t) => {
    const [h = '', p = '', s = ''] = segments(t);
    const claims = decodeJson(p) ?? {};
    const next = { ...claims };
    if (value === undefined) delete next[name];
    else Object.defineProperty(next, name, { value, enumerable: true, configurable: true, writable: true });
    return `${h}.${encodeJson(next)}.${s}`;
  }),
  // encodings: standard base64, padding, re-encoded JSON spacing, trailing bits of the last character
  fc.integer({ min: 0, max: 2 }).map(
    (n): Mutation =>
      (t) =>
        onSegment(t, n, (x) => Buffer.from(x, 'base64url').toString('base64')),
  ),
  fc.integer({ min: 0, max: 2 }).map(
    (n): Mutation =>
      (t) =>
        onSegment(t, n, (x) => `${x}=`),
  ),
  fc.integer({ min: 0, max: 1 }).map(
    (n): Mutation =>
      (t) =>
        onSegment(t, n, (x) => {
          const json = decodeJson(x);
          return json ? Buffer.from(JSON.stringify(json, null, 1)).toString('base64url') : x;
        }),
  ),
  fc.tuple(fc.integer({ min: 0, max: 2 }), fc.integer({ min: 1, max: 63 })).map(
    ([n, bits]): Mutation =>
      (t) =>
        onSegment(t, n, (x) => {
          const last = x.at(-1);
          return last === undefined ? x : x.slice(0, -1) + BASE64URL_CHARS[(BASE64URL_CHARS.indexOf(last) ^ bits) & 63];
        }),
  ),
);

/** Garbage that is not derived from a token: random strings shaped more or less like one. */
export const garbageArb: fc.Arbitrary<string> = fc.oneof(
  fc.string({ unit: PRINTABLE, minLength: 1, maxLength: 300 }),
  fc.array(fc.string({ unit: BASE64URL, maxLength: 80 }), { minLength: 1, maxLength: 6 }).map((parts) => parts.join('.')),
  fc.tuple(jsonValue, jsonValue, fc.string({ unit: BASE64URL, maxLength: 80 })).map(([h, p, s]) => `${encodeJson(h)}.${encodeJson(p)}.${s}`),
);

/** Strict base64url (RFC 7515 section 2: no padding, no other alphabet); null when not. */
function strictDecode(segment: string): Buffer | null {
  return /^[A-Za-z0-9_-]*$/.test(segment) && segment.length % 4 !== 1 ? Buffer.from(segment, 'base64url') : null;
}

/**
 * True when `candidate` has three strict base64url segments that decode to the same bytes as
 * `original`'s: the only way a changed token may still verify (catalogue token #35).
 */
export function sameDecodedBytes(candidate: string, original: string): boolean {
  const a = segments(candidate);
  const b = segments(original);
  return (
    a.length === 3 &&
    b.length === 3 &&
    a.every((segment, i) => {
      const bytes = strictDecode(segment);
      return bytes !== null && bytes.equals(Buffer.from(b[i], 'base64url'));
    })
  );
}
