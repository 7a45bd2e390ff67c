import { describe, it } from '@jest/globals';
import { expectConfigRefusal } from './config-error.spec-support.js';
import { resolveDpop, resolveMtls, type ClientCertificateOptions, type DpopProofOptions } from './sender-constraint-options.js';

// Spelled out rather than built from DPOP_ALGORITHMS, so the message's list and separator are pinned.
const ALGORITHMS = 'expected a non-empty list of ES256, ES384, ES512, EdDSA, Ed25519, PS256, PS384, PS512, RS256, RS384, RS512';
const SECRET = 'expected a secret of at least 32 bytes, the same on every replica';
const STORE = 'expected a replay store ({ useOnce() }), e.g. redisReplayStore({ client })';
const ORIGIN = 'expected an origin such as "https://api.example.com" (scheme, host, optional port; no path)';
const PROXY_LIST = 'expected the addresses or CIDR ranges of the proxies that set the header; a header anyone can send proves nothing';
const PROXY = 'expected IP addresses or CIDR ranges, e.g. "10.0.0.0/8"';
const S32 = 's'.repeat(32);

// Each kind trips a different part of the object test: null, Array.isArray, typeof (a string would
// otherwise fail on its index keys, a number would pass as an empty object).
const NOT_OBJECTS: [string, unknown][] = [
  ['null', null],
  ['a list', []],
  ['a string', 'x'],
  ['a number', 5],
];

function dpopRefused(options: unknown, option: string, problem: string): void {
  expectConfigRefusal(() => resolveDpop(options as DpopProofOptions, 'allowed'), option, problem);
}

function mtlsRefused(options: unknown, option: string, problem: string): void {
  expectConfigRefusal(() => resolveMtls(options as ClientCertificateOptions, 'allowed'), option, problem);
}

describe('resolveDpop refusals', () => {
  it.each(NOT_OBJECTS)('refuses dpopProof given as %s', (_, options) => dpopRefused(options, 'dpopProof', 'expected an object'));

  it('names an unknown key under dpopProof., with the closest known one', () => {
    dpopRefused({ clockSkewMs: 0 }, 'dpopProof.clockSkewMs', 'unknown option "dpopProof.clockSkewMs" (did you mean "dpopProof.clockSkewInMs"?)');
  });

  it.each<[string, unknown]>([
    ['a single name', 'ES256'],
    ['an empty list', []],
    ['HMAC', ['HS256']],
    ['none', ['none']],
    ['a non-string', [256]],
    ['one bad name among good ones', ['ES256', 'HS256']],
  ])('refuses algorithms given as %s', (_, algorithms) => dpopRefused({ algorithms }, 'dpopProof.algorithms', ALGORITHMS));

  it.each<[string, DpopProofOptions | Record<string, unknown>, string, number]>([
    ['maxAgeInMs just below its minimum', { maxAgeInMs: 999 }, 'dpopProof.maxAgeInMs', 1000],
    ['maxAgeInMs infinite', { maxAgeInMs: Infinity }, 'dpopProof.maxAgeInMs', 1000],
    ['clockSkewInMs negative', { clockSkewInMs: -1 }, 'dpopProof.clockSkewInMs', 0],
    ['clockSkewInMs a hair below zero', { clockSkewInMs: -0.001 }, 'dpopProof.clockSkewInMs', 0],
    ['clockSkewInMs NaN', { clockSkewInMs: NaN }, 'dpopProof.clockSkewInMs', 0],
    ['clockSkewInMs infinite', { clockSkewInMs: Infinity }, 'dpopProof.clockSkewInMs', 0],
    ['clockSkewInMs a numeric string', { clockSkewInMs: '5000' }, 'dpopProof.clockSkewInMs', 0],
    ['rotationInMs just below its minimum', { nonce: { secret: S32, rotationInMs: 999 } }, 'dpopProof.nonce.rotationInMs', 1000],
    ['rotationInMs a string', { nonce: { secret: S32, rotationInMs: '1000' } }, 'dpopProof.nonce.rotationInMs', 1000],
  ])('refuses %s', (_, options, option, min) => dpopRefused(options, option, `expected a finite number >= ${min}`));

  it.each<[string, unknown]>([
    ['null', null],
    ['an object without useOnce', {}],
    ['useOnce that is not a function', { useOnce: true }],
    ['a connection string', 'redis://cache:6379'],
  ])('refuses replayStore given as %s', (_, replayStore) => dpopRefused({ replayStore }, 'dpopProof.replayStore', STORE));

  it.each(NOT_OBJECTS)('refuses nonce given as %s', (_, nonce) => dpopRefused({ nonce }, 'dpopProof.nonce', 'expected { secret, rotationInMs? }'));

  it('names an unknown key under dpopProof.nonce., with the closest known one', () => {
    dpopRefused(
      { nonce: { secret: S32, rotationInMS: 1000 } },
      'dpopProof.nonce.rotationInMS',
      'unknown option "dpopProof.nonce.rotationInMS" (did you mean "dpopProof.nonce.rotationInMs"?)',
    );
  });

  it.each<[string, unknown]>([
    ['missing', undefined],
    ['31 characters', 's'.repeat(31)],
    ['31 bytes', new Uint8Array(31)],
    // 15 two-byte characters: the bytes are counted, not the characters.
    ['30 bytes of UTF-8', 'é'.repeat(15)],
    ['a number', 42],
    ['an ArrayBuffer', new ArrayBuffer(32)],
  ])('refuses a nonce secret given as %s', (_, secret) => dpopRefused({ nonce: { secret } }, 'dpopProof.nonce.secret', SECRET));

  it.each<[string, unknown]>([
    ['unparseable', 'api.example.com'],
    ['empty', ''],
    ['not a string', 443],
    ['another scheme', 'ftp://api.example.com'],
    ['a WebSocket scheme', 'wss://api.example.com'],
    ['with a path', 'https://api.example.com/v1'],
    ['with a query', 'https://api.example.com/?a=1'],
    ['with a fragment', 'https://api.example.com/#top'],
    ['with a user name', 'https://user@api.example.com'],
    ['with a password', 'https://:pw@api.example.com'],
  ])('refuses a publicOrigin %s', (_, publicOrigin) => dpopRefused({ publicOrigin }, 'dpopProof.publicOrigin', ORIGIN));
});

describe('resolveMtls refusals', () => {
  const header = 'x-client-cert';

  it.each(NOT_OBJECTS)('refuses clientCertificate given as %s', (_, options) =>
    mtlsRefused(options, 'clientCertificate', 'expected { header, trustedProxies }'),
  );

  it('names an unknown key under clientCertificate., with the closest known one', () => {
    mtlsRefused(
      { header, trustedProxy: '10.0.0.1' },
      'clientCertificate.trustedProxy',
      'unknown option "clientCertificate.trustedProxy" (did you mean "clientCertificate.trustedProxies"?)',
    );
  });

  // 'x-cert!' and '!x-cert' pin each anchor of the pattern; '' pins the `+`.
  it.each<[string, unknown]>([
    ['missing', undefined],
    ['a number', 123],
    ['empty', ''],
    ['with a space', 'a b'],
    ['with a trailing symbol', 'x-cert!'],
    ['with a leading symbol', '!x-cert'],
    ['with an underscore', 'x_cert'],
  ])('refuses a header %s', (_, name) => mtlsRefused({ header: name, trustedProxies: ['10.0.0.1'] }, 'clientCertificate.header', 'expected a header name'));

  it.each<[string, unknown]>([
    ['missing', undefined],
    ['null', null],
    ['an empty list', []],
    ['a single address, not a list', '10.0.0.1'],
  ])('refuses trustedProxies %s', (_, trustedProxies) => mtlsRefused({ header, trustedProxies }, 'clientCertificate.trustedProxies', PROXY_LIST));

  it.each<[string, unknown]>([
    ['a number', 10],
    ['null', null],
    ['a host name', 'proxy.internal'],
    ['empty', ''],
    ['a prefix without an address', '/8'],
    ['an extra part', '10.0.0.0/8/1'],
    ['an empty prefix', '10.0.0.0/'],
    ['a negative prefix', '10.0.0.0/-1'],
    ['a fractional prefix', '10.0.0.0/1.5'],
    ['a prefix that is not a number', '10.0.0.0/x'],
    // Number() would read these as 0 (every address), 8 or 10.
    ['a blank prefix', '10.0.0.0/ '],
    ['a tab for a prefix', '10.0.0.0/\t'],
    ['a prefix with a space before it', '10.0.0.0/ 8'],
    ['a hexadecimal prefix', '10.0.0.0/0x8'],
    ['a prefix in exponent notation', '10.0.0.0/1e1'],
    ['a prefix with a plus sign', '10.0.0.0/+8'],
    ['a prefix of four digits', '10.0.0.0/0008'],
    ['an IPv4 prefix above 32', '10.0.0.0/33'],
    ['an IPv6 prefix above 128', 'fd00::/129'],
  ])('refuses a trusted proxy given as %s', (_, entry) =>
    mtlsRefused({ header, trustedProxies: ['10.0.0.1', entry] }, 'clientCertificate.trustedProxies', PROXY),
  );
});
