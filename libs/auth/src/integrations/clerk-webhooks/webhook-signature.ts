import { AuthConfigError } from '../../config/auth-config-error.js';

/** Checks one delivery; returns the parsed JSON body or throws. */
export type WebhookSignatureCheck = (rawBody: Buffer, headers: Record<string, string>) => unknown;

interface StandardWebhook {
  verify(payload: string | Buffer, headers: Record<string, string>): unknown;
}

/**
 * Builds the Svix / Standard Webhooks check with the `standardwebhooks` package (an optional peer,
 * imported only now). Clerk sends `svix-id`, `svix-timestamp` and `svix-signature`; the Standard
 * Webhooks names (`webhook-*`) are accepted too. Throws AuthConfigError at boot when the package is
 * missing or the secret is not one.
 */
export async function createSignatureCheck(signingSecret: string): Promise<WebhookSignatureCheck> {
  let Webhook: new (secret: string) => StandardWebhook;
  try {
    const loaded = (await import('standardwebhooks')) as unknown as { Webhook?: typeof Webhook; default?: { Webhook: typeof Webhook } };
    Webhook = (loaded.Webhook ?? loaded.default?.Webhook) as typeof Webhook;
  } catch {
    throw new AuthConfigError('ClerkWebhooksModule', 'needs the optional peer dependency "standardwebhooks": npm install standardwebhooks');
  }
  let webhook: StandardWebhook;
  try {
    webhook = new Webhook(signingSecret);
  } catch {
    throw new AuthConfigError('signingSecret', 'is not a valid signing secret (whsec_ followed by base64)');
  }
  return (rawBody, headers) => webhook.verify(rawBody, headers);
}

/** The three signature headers under their Standard Webhooks names, from `svix-*` or `webhook-*`. */
export function signatureHeaders(headers: Record<string, string | string[] | undefined>): Record<string, string> | null {
  const pick = (name: string) => {
    const value = headers[`svix-${name}`] ?? headers[`webhook-${name}`];
    // An empty value passes here and is refused below with the missing ones.
    return typeof value === 'string' && value.length <= 4096 ? value : undefined;
  };
  const [id, timestamp, signature] = [pick('id'), pick('timestamp'), pick('signature')];
  if (!id || !timestamp || !signature) return null;
  return { 'webhook-id': id, 'webhook-timestamp': timestamp, 'webhook-signature': signature };
}
