import { describe, expect, it, jest } from '@jest/globals';

// standardwebhooks is an optional peer: without it the module stops at boot, naming itself and the package to install.
describe('createSignatureCheck without standardwebhooks', () => {
  it('throws an AuthConfigError naming ClerkWebhooksModule and the package', async () => {
    jest.unstable_mockModule('standardwebhooks', () => {
      throw new Error("Cannot find package 'standardwebhooks'");
    });
    const { createSignatureCheck } = await import('./webhook-signature.js');
    const { AuthConfigError } = await import('../../config/auth-config-error.js');
    const refused = await createSignatureCheck('whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw').then(
      () => null,
      (error: unknown) => error,
    );
    expect(refused).toBeInstanceOf(AuthConfigError);
    expect((refused as InstanceType<typeof AuthConfigError>).option).toBe('ClerkWebhooksModule');
    expect((refused as Error).message).toContain('needs the optional peer dependency "standardwebhooks": npm install standardwebhooks');
  });
});
