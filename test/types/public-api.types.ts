// The public types as DESIGN.md promises them, checked by `tsc --noEmit`: in this repository by
// `npm run typecheck` (against the sources), and by test/package/ against the published .d.ts in a
// NestJS 12 ESM app and a NestJS 11 CommonJS app. Nothing here runs; a wrong type fails to compile.
// Imports only the package (no relative ones), so the file is copied as is into those apps.
import type { DynamicModule } from '@nestjs/common';
import {
  Auth,
  AuthModule,
  AuthService,
  RequireAuth,
  type AuthField,
  type AuthModuleOptions,
  type AuthObject,
  type AuthObjectFor,
  type MachineAuthObject,
  type SignedOutMachineAuthObject,
  type SignedInAuthObject,
  type SignedOutAuthObject,
} from 'nestjs-warden';
import { type AuthDebugInfo } from 'nestjs-warden/core';
import { createTestIssuer, type TestIssuer } from 'nestjs-warden/testing';
import type { IntrospectionOptions, OpaqueTokenType, VerifyOpaqueToken } from 'nestjs-warden/core';

type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
/** Compiles only when `T` is `true`. */
function assertType<T extends true>(): T | void {}

// AuthObject narrows on isAuthenticated.
export function narrowing(auth: AuthObject): void {
  if (auth.isAuthenticated) {
    assertType<Equal<typeof auth, SignedInAuthObject>>();
    assertType<Equal<typeof auth.userId, string>>();
    assertType<Equal<typeof auth.orgId, string | null>>();
    assertType<Equal<typeof auth.claims.sub, string | undefined>>();
  } else {
    assertType<Equal<typeof auth, SignedOutAuthObject>>();
    assertType<Equal<typeof auth.userId, null>>();
    assertType<Equal<typeof auth.sessionId, null>>();
    assertType<Equal<typeof auth.claims, null>>();
  }
  assertType<Equal<ReturnType<typeof auth.getToken>, Promise<string | null>>>();
  assertType<Equal<ReturnType<typeof auth.has>, boolean>>();
  // @ts-expect-error: userId may be null until narrowed
  const userId: string = auth.userId;
  void userId;
}

// A route's auth object narrows on tokenType, then on isAuthenticated.
export function classNarrowing(auth: AuthObjectFor<['session_token', 'm2m_token', 'oauth_token']>): void {
  if (auth.tokenType === 'm2m_token') assertType<Equal<typeof auth.machineId, string>>();
  if (auth.tokenType === 'oauth_token') assertType<Equal<[typeof auth.userId, typeof auth.clientId, typeof auth.scopes], [string, string, string[]]>>();
  if (auth.tokenType === 'session_token' && auth.isAuthenticated) assertType<Equal<typeof auth, SignedInAuthObject>>();
  // @ts-expect-error: only M2M objects have machineId
  void auth.machineId;
}
assertType<Equal<AuthObjectFor<'m2m_token'>, MachineAuthObject<'m2m_token'> | SignedOutMachineAuthObject<'m2m_token'>>>();
assertType<Equal<AuthObjectFor<'session_token'>, AuthObject>>();
export async function verifyByClass(service: AuthService, token: string): Promise<void> {
  const machine = await service.verifyToken(token, { acceptsToken: 'm2m_token' });
  assertType<Equal<typeof machine.machineId, string>>();
  void machine;
}

// @Auth(key) takes the keys of the auth objects (sessions and machines), nothing else.
assertType<keyof AuthObject extends AuthField ? true : false>();
assertType<'machineId' | 'clientId' | 'scopes' | 'subject' | 'tokenType' extends AuthField ? true : false>();
Auth('machineId');
assertType<'userId' extends AuthField ? true : false>();
assertType<'sessionId' | 'orgId' | 'claims' | 'getToken' | 'has' | 'isAuthenticated' extends AuthField ? true : false>();
assertType<Equal<ReturnType<typeof Auth>, ParameterDecorator>>();
Auth('userId');
Auth();
// @ts-expect-error: not a field of the auth object
Auth('email');

// @RequireAuth() checks take role / permission / feature / plan.
RequireAuth({ permission: 'org:invoices:read' });
RequireAuth({ role: 'org:admin', feature: 'reports', plan: 'u:pro' });
RequireAuth({ scope: 'invoices:read' });
RequireAuth({ scopes: ['invoices:read', 'invoices:write'], acceptsToken: ['m2m_token', 'oauth_token'] });
RequireAuth({ acceptsToken: 'any' });
// @ts-expect-error: not a check
RequireAuth({ scopez: 'read' });
// @ts-expect-error: not a token class
RequireAuth({ acceptsToken: 'id_token' });

// Typed custom claims through the type parameter; the registered claims stay.
interface MyClaims {
  email: string;
  tenant: { id: number };
}
export function customClaims(auth: AuthObject<MyClaims>, signedIn: SignedInAuthObject<MyClaims>): void {
  assertType<Equal<typeof signedIn.claims.email, string>>();
  assertType<Equal<typeof signedIn.claims.tenant.id, number>>();
  assertType<Equal<typeof signedIn.claims.exp, number | undefined>>();
  if (auth.isAuthenticated) assertType<Equal<typeof auth.claims.email, string>>();
  const plain: SignedInAuthObject = signedIn; // a typed object still is an auth object
  void plain;
}

// forRoot takes the options plus `global`, and returns a dynamic module.
assertType<Equal<ReturnType<typeof AuthModule.forRoot>, DynamicModule>>();
AuthModule.forRoot({ jwksUrl: 'https://issuer.example/.well-known/jwks.json', issuer: 'https://issuer.example', global: true });
AuthModule.forRootAsync({ useFactory: (): AuthModuleOptions => ({ secret: 'x'.repeat(32) }), global: true });
// @ts-expect-error: unknown option
AuthModule.forRoot({ jwksUri: 'https://issuer.example/.well-known/jwks.json' });

// AuthService.verifyToken resolves the signed-in object; the testing kit types its issuer.
assertType<Equal<ReturnType<AuthService['verifyToken']>, Promise<SignedInAuthObject>>>();
assertType<Equal<Awaited<ReturnType<typeof createTestIssuer>>, TestIssuer>>();

// Clerk's session fields and step-up: sessionClaims, debug(), a pending signed-out object,
// has({ reverification }), getToken options, @RequireAuth({ reverification | acr | maxAgeSeconds }) and has => ….
export function clerkFields(auth: AuthObject<MyClaims>): void {
  if (auth.isAuthenticated) assertType<Equal<typeof auth.sessionClaims.email, string>>();
  else {
    assertType<Equal<typeof auth.sessionClaims, null>>();
    assertType<Equal<typeof auth.sessionStatus, 'pending' | null>>();
  }
  assertType<Equal<ReturnType<typeof auth.debug>, AuthDebugInfo>>();
  auth.has({ reverification: 'strict' });
  auth.has({ reverification: { level: 'multi_factor', afterMinutes: 5 }, role: 'admin' });
  // @ts-expect-error: not one of Clerk's presets
  auth.has({ reverification: 'strictest' });
  void auth.getToken({ template: 'supabase', expiresInSeconds: 60 });
}
RequireAuth({ reverification: 'strict_mfa' });
RequireAuth({ acr: ['urn:example:mfa'], maxAgeSeconds: 300, acceptsToken: ['session_token', 'oauth_token'] });
RequireAuth((has) => has({ role: 'admin' }) || has({ permission: 'org:billing:manage' }));
// @ts-expect-error: a predicate answers with a boolean
RequireAuth(() => 'yes');

// Opaque tokens: introspection options, and a hook that gets the machine class and returns claims or null.
export const introspectionOptions: IntrospectionOptions = { clientId: 'api', clientSecret: 'secret' };
export const opaqueTokenOptions: AuthModuleOptions = {
  issuer: 'https://as.example.com',
  introspection: { ...introspectionOptions, url: 'https://as.example.com/introspect' },
  opaqueTokens: { timeoutInMs: 2000, cooldownInMs: 1000, maxConcurrent: 16 },
};
export const opaqueHook: VerifyOpaqueToken = async (token, tokenType) => {
  assertType<Equal<typeof tokenType, OpaqueTokenType>>();
  void tokenType;
  assertType<Equal<OpaqueTokenType, 'oauth_token' | 'm2m_token' | 'api_key'>>();
  return token.startsWith('ak_') ? { sub: 'user_1', exp: 1 } : null;
};
