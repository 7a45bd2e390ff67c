import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A user as the fake Backend API knows it. */
export interface FakeClerkUser {
  id: string;
  firstName: string;
  lastName: string;
  email: string;
}

/**
 * A local stand-in for Clerk's Backend API (`GET /v1/users/:id` only), on 127.0.0.1, for
 * `@clerk/backend`'s client (`createClerkClient({ apiUrl })`): the user as Clerk serialises it, 404
 * with Clerk's error body for an unknown id, 500 while `failing`. Counts requests and checks the
 * secret key it is called with.
 */
export class FakeClerkBackendApi {
  readonly users = new Map<string, FakeClerkUser>();
  requests = 0;
  failing = false;
  private server: Server | undefined;

  constructor(private readonly secretKey: string) {}

  /** Starts it; resolves the `apiUrl` to give the client. */
  async start(): Promise<string> {
    this.server = createServer((req, res) => this.answer(req, res));
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async close(): Promise<void> {
    await new Promise((resolve) => this.server?.close(resolve));
  }

  private answer(req: IncomingMessage, res: ServerResponse): void {
    this.requests += 1;
    const json = (status: number, body: unknown): void => {
      res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    };
    if (req.headers.authorization !== `Bearer ${this.secretKey}`) return json(401, { errors: [{ code: 'authentication_invalid', message: 'bad key' }] });
    if (this.failing) return json(500, { errors: [{ code: 'internal_clerk_error', message: 'down' }] });
    const match = /^\/v1\/users\/([\w-]+)$/.exec(req.url ?? '');
    const user = match && req.method === 'GET' ? this.users.get(match[1]) : undefined;
    if (!user) return json(404, { errors: [{ code: 'resource_not_found', message: 'not found', long_message: 'User not found' }] });
    const email = { id: 'idn_1', object: 'email_address', email_address: user.email, verification: null, linked_to: [] };
    json(200, {
      object: 'user',
      id: user.id,
      first_name: user.firstName,
      last_name: user.lastName,
      primary_email_address_id: 'idn_1',
      email_addresses: [email],
    });
  }
}
