import { describe, expect, it } from '@jest/globals';
import { signedInAuthObject, signedOutAuthObject } from '../../auth-object/auth-object.js';
import { readSessionFields } from '../../auth-object/claims.js';
import { machineAuthObject } from '../../auth-object/machine-auth-object.js';
import { SetMetadata } from '@nestjs/common';
import { AUTH_POLICY_METADATA } from '../../auth.constants.js';
import { httpContext, Orders, wsContext } from '../../guard-context.spec-support.js';
import { attachVerification, getAuthCarrier, type AuthCarrier } from '../../request-context.js';
import { asVerification, type Verification } from '../../verification/verification.js';
import { callerOf, countedVerification, keepCountedVerification, trackerOf } from './caller.js';

const iss = 'https://clerk.example.com';
const session = (claims: Record<string, unknown>) => signedInAuthObject({ iss, ...claims }, readSessionFields({ iss, ...claims }), 't');

describe('trackerOf', () => {
  it('one bucket per user, organization (when asked), machine, API key and OAuth caller, per issuer', () => {
    expect(trackerOf(session({ sub: 'user_1', sid: 's' }), '10.0.0.1')).toBe(`user:${iss}:user_1`);
    expect(trackerOf(session({ sub: 'user_1', sid: 's', org_id: 'org_1' }), '10.0.0.1', { per: 'organization' })).toBe(`org:${iss}:org_1`);
    expect(trackerOf(session({ sub: 'user_1', sid: 's' }), '10.0.0.1', { per: 'organization' })).toBe(`user:${iss}:user_1`);
    expect(trackerOf(machineAuthObject('m2m_token', { iss, sub: 'mch_1' }, 't'), '10.0.0.1')).toBe(`machine:${iss}:mch_1`);
    expect(trackerOf(machineAuthObject('api_key', { iss, sub: 'user_1', jti: 'ak_1' }, 't'), '10.0.0.1')).toBe(`api-key:${iss}:ak_1`);
    expect(trackerOf(machineAuthObject('api_key', { iss, sub: 'user_1' }, 't'), '10.0.0.1')).toBe(`api-key:${iss}:user_1`);
    expect(trackerOf(machineAuthObject('oauth_token', { iss, sub: 'user_2', client_id: 'c' }, 't'), '10.0.0.1')).toBe(`oauth:${iss}:user_2`);
  });

  it('sessions in an organization count per user unless asked; an auth object without an issuer has an empty one', () => {
    expect(trackerOf(session({ sub: 'user_1', sid: 's', org_id: 'org_1' }), '10.0.0.1')).toBe(`user:${iss}:user_1`);
    const noIssuer = signedInAuthObject({ sub: 'user_1' }, readSessionFields({ sub: 'user_1' }), 't');
    expect(trackerOf(noIssuer, '10.0.0.1')).toBe('user::user_1');
  });

  it('a signed-out caller counts by address', () => {
    expect(trackerOf(signedOutAuthObject(null, false), '10.0.0.1')).toBe('ip:10.0.0.1');
  });

  it('the same id under two issuers is two buckets', () => {
    const other = signedInAuthObject({ iss: 'https://b.test', sub: 'user_1' }, readSessionFields({ iss: 'https://b.test', sub: 'user_1' }), 't');
    expect(trackerOf(other, 'x')).not.toBe(trackerOf(session({ sub: 'user_1' }), 'x'));
  });
});

/** A verification of `auth` from the token header. */
const verified = (auth: Parameters<typeof asVerification>[0]['auth']): Verification => asVerification({ auth, error: null, tokenPresent: true }, 't', 'header');

describe('countedVerification and callerOf', () => {
  const user = verified(session({ sub: 'user_1', sid: 's' }));
  const machine = verified(machineAuthObject('m2m_token', { iss, sub: 'mch_1' }, 't'));

  it('no carrier, or a carrier nobody verified: signed out, with no token', () => {
    expect(countedVerification(undefined)).toMatchObject({ tokenPresent: false, error: null, auth: { isAuthenticated: false } });
    expect(countedVerification({ headers: {} }).auth.isAuthenticated).toBe(false);
    expect(callerOf(httpContext({ headers: {} })).isAuthenticated).toBe(false);
  });

  it("what AuthGuard stored wins over the throttler guard's own", () => {
    const carrier = { headers: {} };
    keepCountedVerification(carrier, machine);
    expect(countedVerification(carrier)).toBe(machine);
    attachVerification(carrier, user, user.auth);
    expect(countedVerification(carrier)).toBe(user);
  });

  it("the throttler guard's verification is kept out of sight (not enumerable) and can be replaced", () => {
    const carrier = { headers: {} };
    keepCountedVerification(carrier, machine);
    keepCountedVerification(carrier, user);
    expect(countedVerification(carrier)).toBe(user);
    expect(Object.keys(carrier)).toEqual(['headers']);
    expect(JSON.stringify(carrier)).toBe('{"headers":{}}');
    expect(Object.getOwnPropertySymbols({ ...carrier })).toEqual([]);
    // Under a key two copies of the library share.
    expect((carrier as Record<symbol, unknown>)[Symbol.for('nestjs-warden:throttler-verification')]).toBe(user);
  });

  it('one inherited from a prototype is not counted', () => {
    const parent = { headers: {} };
    keepCountedVerification(parent, user);
    expect(countedVerification(Object.create(parent) as AuthCarrier).auth.isAuthenticated).toBe(false);
  });

  it('callerOf sees the caller as the route does: a class the route does not accept is signed out', () => {
    const request = { headers: {} };
    keepCountedVerification(request, machine);
    // The default route accepts session tokens only.
    expect(callerOf(httpContext(request)).isAuthenticated).toBe(false);
    class Machines {
      list(): void {}
    }
    SetMetadata(AUTH_POLICY_METADATA, { acceptsToken: 'm2m_token' })(Machines);
    expect(callerOf(httpContext(request, {}, { type: Machines, handler: Machines.prototype.list }))).toMatchObject({
      isAuthenticated: true,
      machineId: 'mch_1',
    });
    // A WebSocket message: counted on the carrier the guards make for the client's handshake.
    const ws = wsContext({ handshake: { headers: {} } }, {}, { type: Orders });
    keepCountedVerification(getAuthCarrier(ws) as AuthCarrier, user);
    expect(callerOf(ws)).toMatchObject({ isAuthenticated: true, userId: 'user_1' });
  });

  it("the handler's policy overrides the class's, and a route for another issuer signs the caller out", () => {
    const request = { headers: {} };
    keepCountedVerification(request, user);
    class Mixed {
      sessions(): void {}
      machines(): void {}
    }
    SetMetadata(AUTH_POLICY_METADATA, { acceptsToken: 'm2m_token' })(Mixed);
    SetMetadata(AUTH_POLICY_METADATA, { acceptsToken: 'session_token' })(
      Mixed.prototype,
      'sessions',
      Object.getOwnPropertyDescriptor(Mixed.prototype, 'sessions') as PropertyDescriptor,
    );
    expect(callerOf(httpContext(request, {}, { type: Mixed, handler: Mixed.prototype.sessions })).isAuthenticated).toBe(true);
    expect(callerOf(httpContext(request, {}, { type: Mixed, handler: Mixed.prototype.machines })).isAuthenticated).toBe(false);
    class Elsewhere {
      list(): void {}
    }
    SetMetadata(AUTH_POLICY_METADATA, { issuer: ['https://other.example.com'] })(Elsewhere);
    expect(callerOf(httpContext(request, {}, { type: Elsewhere, handler: Elsewhere.prototype.list })).isAuthenticated).toBe(false);
  });
});
