import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { isIP, type LookupFunction } from 'node:net';
import { isPublicAddress } from './address-policy.js';

/** CONTRACT "Precisions": a document is at most 64 KB and fetched within 5 s. */
export const MAX_DOCUMENT_BYTES = 64 * 1024;
export const FETCH_TIMEOUT_MS = 5000;

export interface FetchLimits {
  maxBytes: number;
  timeoutMs: number;
}

export interface FetchedDocument {
  body: string;
  headers: IncomingHttpHeaders;
}

/** Why a fetch was refused, in words fit for the audit trail and the error page. */
export class DocumentFetchRefused extends Error {}

/**
 * One GET of a metadata document, with the SSRF defences of docs/client-metadata-documents.md:
 * the host is resolved by our own lookup, every address it resolves to must be public (unless the
 * origin is allow-listed), and the socket connects to the address that was checked: no second DNS
 * query between the check and the connection (DNS rebinding). An IP literal is checked before the
 * request (net.connect skips the lookup for it). No redirects are followed (a 3xx is a refusal),
 * the body is counted as it streams (Content-Length is not trusted), and one timer bounds
 * everything from the lookup to the last byte. No proxy, no cookies, no credentials.
 */
export async function fetchDocument(url: URL, allowPrivate: boolean, limits: FetchLimits): Promise<FetchedDocument> {
  const host = url.hostname.replace(/^\[|\]$/g, '');
  if (isIP(host) && !allowPrivate && !isPublicAddress(host)) throw new DocumentFetchRefused(`the client_id URL's host ${host} is not a public address`);
  const request = url.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise<FetchedDocument>((resolve, reject) => {
    const fail = (error: Error): void => {
      clearTimeout(timer);
      req.destroy();
      reject(error instanceof DocumentFetchRefused ? error : new DocumentFetchRefused(`the metadata document could not be fetched: ${error.message}`));
    };
    const req = request(url, {
      method: 'GET',
      headers: { accept: 'application/json', 'user-agent': 'Portcullis client-metadata-document fetcher' },
      lookup: checkedLookup(allowPrivate),
      agent: false,
    });
    const timer = setTimeout(() => fail(new DocumentFetchRefused(`the metadata document took longer than ${limits.timeoutMs} ms`)), limits.timeoutMs);
    req.on('error', fail);
    req.on('response', (response) => {
      const status = response.statusCode ?? 0;
      if (status >= 300 && status < 400) return fail(new DocumentFetchRefused(`the metadata document URL answered a redirect (${status}); redirects are not followed`));
      if (status !== 200) return fail(new DocumentFetchRefused(`the metadata document URL answered ${status}`));
      const declared = Number(response.headers['content-length']);
      if (Number.isFinite(declared) && declared > limits.maxBytes) return fail(new DocumentFetchRefused(`the metadata document is larger than ${limits.maxBytes} bytes`));
      const chunks: Buffer[] = [];
      let size = 0;
      response.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > limits.maxBytes) return fail(new DocumentFetchRefused(`the metadata document is larger than ${limits.maxBytes} bytes`));
        chunks.push(chunk);
      });
      response.on('error', fail);
      response.on('end', () => {
        clearTimeout(timer);
        if (size <= limits.maxBytes) resolve({ body: Buffer.concat(chunks).toString('utf8'), headers: response.headers });
      });
    });
    req.end();
  });
}

/** dns.lookup, then the address check on every answer: the socket gets only a checked address. */
function checkedLookup(allowPrivate: boolean): LookupFunction {
  return (hostname, options, callback) => {
    dnsLookup(hostname, { all: true, family: options.family ?? 0, hints: options.hints }, (error, addresses: LookupAddress[]) => {
      if (error) return callback(error, '', 0);
      const refused = allowPrivate ? undefined : addresses.find((entry) => !isPublicAddress(entry.address));
      if (refused) return callback(new DocumentFetchRefused(`the client_id URL's host ${hostname} resolves to ${refused.address}, which is not a public address`), '', 0);
      if (addresses.length === 0) return callback(new DocumentFetchRefused(`the client_id URL's host ${hostname} has no address`), '', 0);
      if (options.all) return callback(null, addresses as unknown as string, 0);
      callback(null, addresses[0].address, addresses[0].family);
    });
  };
}
