import { describe, expect, it } from '@jest/globals';
import { createHmac } from 'node:crypto';
import { DpopNonces, UseDpopNonceError } from './dpop-nonces.js';

const secret = new TextEncoder().encode('n'.repeat(32));
const nonces = new DpopNonces({ secret, rotationInMs: 60_000, clockSkewInMs: 5000 });
const T = 1_750_000_020_000; // 20 s into a period

describe('DpopNonces', () => {
  it('accepts its nonce in its period and the next, not after', () => {
    const nonce = nonces.current(T);
    expect(nonces.isValid(nonce, T)).toBe(true);
    expect(nonces.isValid(nonce, T + 60_000)).toBe(true);
    expect(nonces.isValid(nonce, T + 120_000)).toBe(false);
  });

  it('rotates: the next period hands out another nonce', () => {
    expect(nonces.current(T + 60_000)).not.toBe(nonces.current(T));
  });

  it('accepts a nonce of the next period only within the skew of its start (a replica slightly ahead)', () => {
    const start = Math.ceil(T / 60_000) * 60_000;
    const ahead = nonces.current(start);
    expect(nonces.isValid(ahead, start - 4000)).toBe(true);
    expect(nonces.isValid(ahead, start - 5000)).toBe(true);
    expect(nonces.isValid(ahead, start - 6000)).toBe(false);
  });

  it('is the same on every replica sharing the secret, and refused under another secret', () => {
    const replica = new DpopNonces({ secret: new Uint8Array(secret), rotationInMs: 60_000, clockSkewInMs: 5000 });
    const other = new DpopNonces({ secret: new TextEncoder().encode('m'.repeat(32)), rotationInMs: 60_000, clockSkewInMs: 5000 });
    expect(replica.isValid(nonces.current(T), T)).toBe(true);
    expect(other.isValid(nonces.current(T), T)).toBe(false);
  });

  it.each([undefined, '', 42, 'abc', 'zz.short', `${'1'.repeat(13)}.${'a'.repeat(22)}`])('refuses %p', (value) => {
    expect(nonces.isValid(value, T)).toBe(false);
  });

  it('is `<period in base 36>.<HMAC-SHA256 of the period under the secret, 22 base64url characters>`: what replicas of any version share', () => {
    const period = Math.floor(T / 60_000);
    const mac = createHmac('sha256', secret).update(`nestjs-warden dpop nonce ${period}`).digest('base64url').slice(0, 22);
    expect(nonces.current(T)).toBe(`${period.toString(36)}.${mac}`);
  });

  it('refuses its own nonce with anything before or after it', () => {
    const nonce = nonces.current(T);
    expect(nonces.isValid(`Z${nonce}`, T)).toBe(false);
    expect(nonces.isValid(`${nonce}Z`, T)).toBe(false);
  });

  it('asks for a nonce with its own reason and message, carrying the nonce to send', () => {
    const error = new UseDpopNonceError('abc.def');
    expect(error).toMatchObject({ reason: 'dpop-nonce-required', message: 'the DPoP proof needs a current nonce', nonce: 'abc.def' });
  });

  it('refuses a nonce whose MAC was altered', () => {
    const nonce = nonces.current(T);
    const altered = nonce.slice(0, -1) + (nonce.endsWith('A') ? 'B' : 'A');
    expect(nonces.isValid(altered, T)).toBe(false);
  });
});
