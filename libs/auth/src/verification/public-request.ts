import { lookup as dnsLookup, type LookupAddress, type LookupOptions } from 'node:dns';
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { isIP } from 'node:net';
import { Readable } from 'node:stream';
import { types } from 'node:util';
import { isPublicAddress } from './public-address.js';

/** The host of a URL names (or resolves to) an address that is not on the public internet. */
export class AddressNotPublicError extends Error {
  override readonly name = 'AddressNotPublicError';
  readonly code = 'EADDRNOTPUBLIC';

  constructor() {
    super('nestjs-warden: the host is not a public address');
  }
}

type LookupCallback = (error: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void;

/** `dns.lookup` as {@link requestPublicOnly} calls it: every address of the name at once. */
export type LookupAll = (
  hostname: string,
  options: LookupOptions & { all: true },
  callback: (error: NodeJS.ErrnoException | null, addresses: LookupAddress[]) => void,
) => void;

/**
 * The DNS step of every connection this module makes: resolves the host, refuses it unless every
 * address it resolves to is allowed (so a name that also resolves to 127.0.0.1 is refused, not
 * tried), and hands the socket the addresses it checked: the connection goes to a checked address,
 * never to a second answer of the resolver (DNS rebinding).
 */
function checkedLookup(isAllowed: (address: string) => boolean, lookupAll: LookupAll) {
  return (hostname: string, options: LookupOptions, callback: LookupCallback): void => {
    lookupAll(hostname, { ...options, all: true }, (error, addresses) => {
      // Stryker disable next-line StringLiteral: the address is not read when the lookup failed
      if (error) return callback(error, '');
      // Stryker disable next-line StringLiteral: as above
      if (addresses.length === 0 || addresses.some((entry) => !isAllowed(entry.address))) return callback(new AddressNotPublicError(), '');
      // Stryker disable next-line ConditionalExpression: Node 20's net.connect asks with all: true (autoSelectFamily), so only the first arm runs; the second is for a caller that turns it off
      if (options.all) return callback(null, addresses);
      return callback(null, addresses[0].address, addresses[0].family);
    });
  };
}

/** What {@link requestPublicOnly} sends: a GET, or a form POST, with these headers. */
export interface PublicRequest {
  method: 'GET' | 'POST';
  headers: Record<string, string>;
  body?: URLSearchParams;
}

const NULL_BODY_STATUSES = new Set([101, 204, 205, 304]);

/**
 * One HTTP(S) exchange with a host on the public internet only, answered as a WHATWG `Response` (so
 * the caller reads it exactly as a `fetch` answer): an IP literal is checked as it is, a host name
 * when it is resolved, before the socket connects, and the socket connects to the address checked.
 * No redirect is followed (node:http never does), no connection is reused. Rejects with
 * {@link AddressNotPublicError}, or the socket's own error. `isAllowed` and `lookupAll` are for tests
 * only (a loopback server standing for a public host; a name with answers the test chooses).
 */
export function requestPublicOnly(
  url: URL,
  init: PublicRequest,
  signal: AbortSignal,
  isAllowed: (address: string) => boolean = isPublicAddress,
  lookupAll: LookupAll = dnsLookup,
): Promise<Response> {
  return new Promise<Response>((resolve, reject) => {
    // Stryker disable next-line Regex: url.hostname holds brackets only around an IPv6 literal, one at each end
    const literal = url.hostname.replace(/^\[|\]$/g, '');
    if (isIP(literal) !== 0 && !isAllowed(literal)) {
      reject(new AddressNotPublicError());
      return;
    }
    const body = init.body?.toString();
    const headers = body === undefined ? init.headers : { ...init.headers, 'content-length': String(Buffer.byteLength(body)) };
    const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
    const onResponse = (res: IncomingMessage) => {
      try {
        const status = res.statusCode ?? 0;
        const answered = new Headers();
        // Stryker disable next-line EqualityOperator: rawHeaders has an even length, so i + 1 never equals it
        for (let i = 0; i + 1 < res.rawHeaders.length; i += 2) answered.append(res.rawHeaders[i], res.rawHeaders[i + 1]);
        // Stryker disable next-line ConditionalExpression: with agent: false the request asks Connection: close, so the server ends the socket whether or not a bodiless answer is drained; resuming one with a body before Readable.toWeb, in the same tick, loses no data
        if (NULL_BODY_STATUSES.has(status)) res.resume();
        const stream = NULL_BODY_STATUSES.has(status) ? null : (Readable.toWeb(res) as unknown as ReadableStream<Uint8Array>);
        resolve(new Response(stream, { status, headers: answered }));
      } catch (error) {
        res.destroy();
        // isNativeError: the Response's RangeError may come from another realm (a VM context).
        reject(types.isNativeError(error) ? error : new Error(String(error)));
      }
    };
    const req = send(url, { method: init.method, headers, lookup: checkedLookup(isAllowed, lookupAll), signal, agent: false }, onResponse);
    req.on('error', reject);
    req.end(body);
  });
}
