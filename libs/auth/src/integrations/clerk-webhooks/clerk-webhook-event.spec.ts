import { describe, expect, it } from '@jest/globals';
import { isClerkWebhookEvent, revocationTargetOf, type ClerkWebhookEvent } from './clerk-webhook-event.js';
import { resolveAuthOptions } from '../../config/resolve-auth-options.js';
import { clerkTokenClass } from '../../verification/token-class.js';
import { resolveClerkWebhooksOptions, webhookIssuer } from './clerk-webhook-options.js';
import { signatureHeaders } from './webhook-signature.js';

const event = (type: string, data: Record<string, unknown>) => ({ type, object: 'event', data }) as ClerkWebhookEvent;

describe('Clerk webhook events', () => {
  it('session endings revoke the session, user.deleted the user, anything else nothing', () => {
    for (const type of ['session.revoked', 'session.ended', 'session.removed']) {
      expect(revocationTargetOf(event(type, { object: 'session', id: 'sess_1', user_id: 'user_1' }))).toStrictEqual({ sid: 'sess_1' });
    }
    // Without an issuer the target has no iss at all (every issuer), not an iss of undefined.
    expect(revocationTargetOf(event('user.deleted', { object: 'user', id: 'user_1', deleted: true }))).toStrictEqual({ sub: 'user_1' });
    for (const type of ['session.created', 'user.created', 'user.updated', 'organization.deleted']) {
      expect(revocationTargetOf(event(type, { id: 'x_1' }))).toBeNull();
    }
    expect(revocationTargetOf(event('session.revoked', { id: '' }))).toBeNull();
    expect(revocationTargetOf(event('user.deleted', { id: 42 }))).toBeNull();
  });

  it('with an issuer, the target is scoped to it', () => {
    const iss = 'https://clerk.example.com';
    expect(revocationTargetOf(event('session.ended', { id: 'sess_1' }), iss)).toEqual({ iss, sid: 'sess_1' });
    expect(revocationTargetOf(event('user.deleted', { id: 'user_1' }), iss)).toEqual({ iss, sub: 'user_1' });
    expect(revocationTargetOf(event('user.created', { id: 'user_1' }), iss)).toBeNull();
  });

  it("the webhook issuer: the module's, else the AuthModule's one issuer, else its one clerk() entry, else none", () => {
    const signingSecret = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
    const jwks = { keys: [] };
    const webhooks = resolveClerkWebhooksOptions({ signingSecret });
    const clerkEntry = { issuer: 'https://clerk.a.test', jwks, classifyToken: clerkTokenClass };
    expect(webhookIssuer(resolveClerkWebhooksOptions({ signingSecret, issuer: 'https://x.test' }), undefined)).toBe('https://x.test');
    expect(webhookIssuer(webhooks, undefined)).toBeUndefined();
    expect(webhookIssuer(webhooks, resolveAuthOptions({ jwks, issuer: 'https://one.test' }))).toBe('https://one.test');
    expect(webhookIssuer(webhooks, resolveAuthOptions({ jwks, issuer: ['https://one.test', 'https://two.test'] }))).toBeUndefined();
    expect(webhookIssuer(webhooks, resolveAuthOptions({ jwks }))).toBeUndefined();
    expect(webhookIssuer(webhooks, resolveAuthOptions({ issuers: [clerkEntry, { issuer: 'https://b.test', jwks }] }))).toBe('https://clerk.a.test');
    expect(webhookIssuer(webhooks, resolveAuthOptions({ issuers: [clerkEntry, { ...clerkEntry, issuer: 'https://clerk.b.test' }] }))).toBeUndefined();
    expect(webhookIssuer(webhooks, resolveAuthOptions({ issuers: [{ issuer: 'https://b.test', jwks }] }))).toBeUndefined();
    for (const issuer of ['', 42, 'x'.repeat(2049)]) {
      expect(() => resolveClerkWebhooksOptions({ signingSecret, issuer: issuer as string })).toThrow(/issuer/);
    }
  });

  it('only an envelope with a string type and an object data is an event', () => {
    expect(isClerkWebhookEvent({ type: 'user.created', data: {} })).toBe(true);
    // A function is no envelope either, whatever it carries (a type guard sees any value, not only parsed JSON).
    const callable = Object.assign(() => undefined, { type: 'user.created', data: {} });
    for (const value of [
      null,
      [],
      'x',
      callable,
      { type: 1, data: {} },
      { type: '', data: {} },
      { type: 'a', data: [] },
      { type: 'a', data: null },
      { type: 'a' },
    ]) {
      expect(isClerkWebhookEvent(value)).toBe(false);
    }
  });

  it('signature headers come from svix-* or webhook-*, all three or none', () => {
    expect(signatureHeaders({ 'svix-id': 'm', 'svix-timestamp': '1', 'svix-signature': 'v1,x' })).toEqual({
      'webhook-id': 'm',
      'webhook-timestamp': '1',
      'webhook-signature': 'v1,x',
    });
    expect(signatureHeaders({ 'webhook-id': 'm', 'webhook-timestamp': '1', 'webhook-signature': 'v1,x' })).not.toBeNull();
    expect(signatureHeaders({ 'svix-id': 'm', 'svix-timestamp': '1' })).toBeNull();
    expect(signatureHeaders({ 'svix-id': ['m', 'n'], 'svix-timestamp': '1', 'svix-signature': 'v1,x' })).toBeNull();
  });

  it('options: the tolerance is at most the library bound; revocation is a store or false', () => {
    const signingSecret = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
    expect(resolveClerkWebhooksOptions({ signingSecret }).toleranceInSeconds).toBe(300);
    expect(() => resolveClerkWebhooksOptions({ signingSecret, toleranceInSeconds: 0 })).toThrow(/toleranceInSeconds/);
    expect(() => resolveClerkWebhooksOptions({ signingSecret, revocation: {} as never })).toThrow(/revocation/);
    expect(resolveClerkWebhooksOptions({ signingSecret, revocation: false }).revocation).toBe(false);
  });
});
