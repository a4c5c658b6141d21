import { createServer } from 'node:http';

/**
 * The authorization code, from the one redirect the user agent brings back to `redirectUrl` (a
 * loopback URL, RFC 8252 §7.3): listens until then, then closes. An error redirect rejects.
 */
export function codeFromCallback(redirectUrl: string): Promise<string> {
  const expected = new URL(redirectUrl);
  return new Promise((resolve, reject) => {
    const server = createServer((request, response) => {
      const url = new URL(request.url ?? '/', expected.origin);
      if (url.pathname !== expected.pathname) {
        response.writeHead(404).end();
        return;
      }
      const code = url.searchParams.get('code');
      response.writeHead(200, { 'content-type': 'text/plain' }).end(code ? 'Signed in: you can close this window.' : 'Authorization refused.');
      server.close();
      if (code) resolve(code);
      else reject(new Error(`authorization refused: ${url.searchParams.get('error')} ${url.searchParams.get('error_description') ?? ''}`));
    });
    server.once('error', reject);
    server.listen(Number(expected.port), expected.hostname);
  });
}
