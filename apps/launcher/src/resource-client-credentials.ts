import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface ResourceClientCredentials {
  clientId: string;
  clientSecret: string;
}

/**
 * The embedded default provisions the resource server's client itself (CONTRACT.md): the
 * credentials are generated once and kept beside the embedded databases (mode 0600), so that
 * restarts reuse them. The auth server stores only the secret's hash.
 */
export function embeddedResourceClientCredentials(dataDir: string): ResourceClientCredentials {
  const file = join(dataDir, 'resource-client.json');
  if (existsSync(file)) return JSON.parse(readFileSync(file, 'utf8')) as ResourceClientCredentials;
  mkdirSync(dataDir, { recursive: true });
  const credentials = { clientId: 'resource-server', clientSecret: randomBytes(32).toString('base64url') };
  writeFileSync(file, JSON.stringify(credentials), { mode: 0o600 });
  return credentials;
}
