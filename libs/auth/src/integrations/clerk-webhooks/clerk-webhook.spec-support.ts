import { Webhook } from 'standardwebhooks';

/** A signing secret in the dashboard's format, shared by the specs that sign deliveries. */
export const SECRET = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';

/** A request as Express and Fastify hand it over with `rawBody: true`. */
export interface Delivery {
  rawBody?: unknown;
  headers: Record<string, string | string[] | undefined>;
}

/** A delivery of `body`, signed with {@link SECRET} at `sentAt` (seconds), with the Svix header names Clerk sends. */
export function signedDelivery(body: unknown, sentAt: number, id: string): Delivery {
  const text = JSON.stringify(body);
  return {
    rawBody: Buffer.from(text),
    headers: { 'svix-id': id, 'svix-timestamp': String(sentAt), 'svix-signature': new Webhook(SECRET).sign(id, new Date(sentAt * 1000), text) },
  };
}
