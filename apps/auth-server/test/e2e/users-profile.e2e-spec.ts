import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { startTestAuthServer, type RunningAuthServer } from '../support/auth-server-harness.js';
import { sql } from '../support/token-fixtures.js';

jest.setTimeout(60_000);

interface UserBody {
  id: string;
  profile: Record<string, unknown>;
  updatedAt: string;
}

interface FieldErrors {
  status: number;
  errors: { field: string; message: string }[];
}

/** The `profile` object of POST|PATCH /admin/v1/users (OpenID Connect standard claims): validation, merge, audit. */
describe('user profiles in the admin API', () => {
  let server: RunningAuthServer;
  let userId: string;

  async function admin(method: string, path: string, json?: unknown): Promise<{ status: number; body: unknown }> {
    const response = await server.request(path, { method, json, headers: { authorization: server.adminAuthorization } });
    return { status: response.status, body: await response.json().catch(() => undefined) };
  }

  const patchProfile = (profile: unknown) => admin('PATCH', `/admin/v1/users/${userId}`, { profile });

  beforeAll(async () => {
    server = await startTestAuthServer();
    const created = await admin('POST', '/admin/v1/users', { username: 'erin', password: 'erin-password-1' });
    expect(created.status).toBe(201);
    expect((created.body as UserBody).profile).toEqual({});
    userId = (created.body as UserBody).id;
  });
  afterAll(async () => {
    await server.close();
  });

  it('creates a user with a profile, updated_at stamped by the server in epoch seconds', async () => {
    const before = Math.floor(Date.now() / 1000);
    const profile = {
      name: 'Frank Grimes',
      website: 'https://frank.example/',
      birthdate: '1961-03-02',
      email: 'frank@example.com',
      email_verified: true,
      address: { formatted: '1 Main St\nSpringfield', country: 'US' },
    };
    const { status, body } = await admin('POST', '/admin/v1/users', { username: 'frank', password: 'frank-password-1', profile });
    expect(status).toBe(201);
    const stored = (body as UserBody).profile;
    expect(stored).toEqual({ ...profile, updated_at: expect.any(Number) });
    expect(stored.updated_at).toBeGreaterThanOrEqual(before);
    expect(stored.updated_at).toBeLessThanOrEqual(Math.ceil(Date.now() / 1000));
    expect((await admin('GET', `/admin/v1/users/${(body as UserBody).id}`)).body).toMatchObject({ profile: stored });
  });

  it('merges a PATCH: claims left out stay, null removes one, null for the whole profile removes all', async () => {
    expect((await patchProfile({ given_name: 'Erin', family_name: 'Hannon', locale: 'en-US' })).status).toBe(200);
    const { body } = await patchProfile({ family_name: null, zoneinfo: 'America/New_York', phone_number: '+15705550100' });
    expect((body as UserBody).profile).toEqual({
      given_name: 'Erin',
      locale: 'en-US',
      zoneinfo: 'America/New_York',
      phone_number: '+15705550100',
      phone_number_verified: false,
      updated_at: expect.any(Number),
    });
    expect(((await patchProfile(null)).body as UserBody).profile).toEqual({ updated_at: expect.any(Number) });
  });

  it('leaves updated_at alone when a PATCH changes nothing in the profile', async () => {
    const first = ((await patchProfile({ nickname: 'E' })).body as UserBody).profile;
    // Back-dated, so that an update within the same second would show.
    await sql(server, `UPDATE users SET profile = jsonb_set(profile, '{updated_at}', '1') WHERE id = $1`, [userId]);
    const again = ((await patchProfile({ nickname: 'E', middle_name: null })).body as UserBody).profile;
    expect(again).toEqual({ ...first, updated_at: 1 });
    expect(((await patchProfile({ nickname: 'Erin' })).body as UserBody).profile.updated_at).toBeGreaterThan(1);
  });

  it.each([
    ['an unknown claim', { shoe_size: 42 }, 'profile.shoe_size', 'property shoe_size should not exist'],
    ['updated_at (the server keeps it)', { updated_at: 1 }, 'profile.updated_at', 'property updated_at should not exist'],
    ['an unknown address part', { address: { planet: 'Earth' } }, 'profile.address.planet', 'property planet should not exist'],
    ['an empty name', { name: '' }, 'profile.name', 'name must be 1 to 255 characters long'],
    ['a name of 256 characters', { name: 'x'.repeat(256) }, 'profile.name', 'name must be 1 to 255 characters long'],
    ['a control character', { nickname: 'a\u0007b' }, 'profile.nickname', 'nickname must not contain control or invisible characters'],
    ['a number for a name', { name: 7 }, 'profile.name', 'name must be a string'],
    ['a bad email', { email: 'not-an-email' }, 'profile.email', 'email must be an email address'],
    ['a string for email_verified', { email_verified: 'yes' }, 'profile.email_verified', 'email_verified must be a boolean value'],
    ['a local phone number', { phone_number: '555-0100' }, 'profile.phone_number', 'phone_number must be E.164 (+ and up to 15 digits), optionally with ;ext='],
    ['a javascript: picture', { picture: 'javascript:alert(1)' }, 'profile.picture', 'picture must be an absolute http(s) URL'],
    ['a relative website', { website: '/home' }, 'profile.website', 'website must be an absolute http(s) URL'],
    ['an impossible birthdate', { birthdate: '1990-02-30' }, 'profile.birthdate', 'birthdate must be YYYY-MM-DD, 0000-MM-DD (year withheld) or YYYY'],
    ['an unknown time zone', { zoneinfo: 'Mars/Olympus' }, 'profile.zoneinfo', 'zoneinfo must be an IANA time zone such as Europe/Paris'],
    ['a POSIX locale', { locale: 'en_US' }, 'profile.locale', 'locale must be a BCP 47 language tag such as en-US'],
    ['an address that is a string', { address: '1 Main St' }, 'profile.address', 'address must be an object'],
  ])('refuses %s with a 400 naming the field, and changes nothing', async (_, profile, field, message) => {
    const before = await sql(server, 'SELECT profile, updated_at FROM users WHERE id = $1', [userId]);
    const { status, body } = await patchProfile(profile);
    expect(status).toBe(400);
    expect((body as FieldErrors).errors).toContainEqual({ field, message });
    expect(await sql(server, 'SELECT profile, updated_at FROM users WHERE id = $1', [userId])).toEqual(before);
  });

  it('refuses a profile that is not an object, at creation too', async () => {
    for (const profile of ['Jane', ['name'], 3]) {
      const { status, body } = await admin('POST', '/admin/v1/users', { username: 'grace', password: 'grace-password-1', profile });
      expect(status).toBe(400);
      expect((body as FieldErrors).errors).toContainEqual({ field: 'profile', message: 'profile must be an object' });
    }
    expect(await sql(server, `SELECT 1 FROM users WHERE username = 'grace'`)).toEqual([]);
  });

  it('audits a profile change with the profile before and after', async () => {
    await patchProfile({ nickname: 'Before' });
    await patchProfile({ nickname: 'After' });
    const { body } = await admin('GET', '/admin/v1/audit?action=user.updated&limit=1');
    const [event] = (body as { items: { targetId: string; details: { change: unknown; before: UserBody; after: UserBody } }[] }).items;
    expect(event.targetId).toBe(userId);
    expect(event.details.change).toEqual({ profile: { nickname: 'After' } });
    expect(event.details.before.profile).toMatchObject({ nickname: 'Before' });
    expect(event.details.after.profile).toMatchObject({ nickname: 'After' });
  });

  it('keeps the profile out of the events the resource servers read', async () => {
    await patchProfile({ email: 'erin@example.com' });
    const rows = await sql<{ payload: string }>(server, `SELECT payload::text AS payload FROM outbox_events`);
    expect(rows.filter((row) => row.payload.includes('erin@example.com'))).toEqual([]);
  });
});
