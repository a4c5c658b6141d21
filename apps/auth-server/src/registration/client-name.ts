import { randomBytes } from 'node:crypto';

/** The characters CONTRACT.md forbids in a client's name and version (clients/dto/client-fields.ts NAME_PATTERN). */
const FORBIDDEN = /[&()\\;,/":'<>\x00-\x1f\x7f]+/g;

export const UNNAMED_CLIENT = 'Dynamic client';

/**
 * The registry name of a registered client_name: a name an agent picked ("Claude Code (MCP)")
 * must not fail the registration for a character the admin API refuses, so those become spaces;
 * the client_name itself is answered back as given.
 */
export function registryNameOf(clientName: string | undefined): string {
  const name = (clientName ?? '').replace(FORBIDDEN, ' ').replace(/\s+/g, ' ').trim().slice(0, 255).trim();
  return name === '' ? UNNAMED_CLIENT : name;
}

/**
 * The version after the highest numeric one taken ("1" for a new name); after `attempt` lost
 * races with concurrent registrations of the same name, a random suffix makes another clash unlikely.
 */
export function freeVersion(highestTaken: number | null, attempt: number): string {
  const next = (highestTaken ?? 0) + 1;
  return attempt < 3 ? String(next) : `${next}-${randomBytes(4).toString('hex')}`;
}
