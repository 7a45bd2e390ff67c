import { randomBytes, randomUUID } from 'node:crypto';
import { Webhook } from 'standardwebhooks';

/** A fresh Svix-style signing secret, as the Clerk dashboard shows it. */
export function newSigningSecret(): string {
  return `whsec_${randomBytes(24).toString('base64')}`;
}

/**
 * Signs a delivery the way Clerk (through Svix) does, with the `standardwebhooks` library:
 * the body as sent, and the `svix-*` headers.
 */
export function signDelivery(secret: string, event: object, at = new Date()): { body: string; headers: Record<string, string> } {
  const body = JSON.stringify(event);
  const id = `msg_${randomUUID()}`;
  const signature = new Webhook(secret).sign(id, at, body);
  return {
    body,
    headers: {
      'content-type': 'application/json',
      'svix-id': id,
      'svix-timestamp': String(Math.floor(at.getTime() / 1000)),
      'svix-signature': signature,
    },
  };
}

/** A Clerk event envelope. */
export function clerkEvent(type: string, data: Record<string, unknown>): object {
  return { type, object: 'event', data, timestamp: Date.now(), instance_id: 'ins_test' };
}

/** A session event's data. */
export function sessionData(sid: string, sub: string): Record<string, unknown> {
  return { object: 'session', id: sid, user_id: sub, status: 'revoked' };
}
