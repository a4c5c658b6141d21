import { describe, expect, it } from '@jest/globals';
import { ConflictProblem } from '#errors';
import { assertAnAdminRemains } from './last-admin.js';

const admin = { active: true, permissions: ['access_control' as const] };

describe(assertAnAdminRemains.name, () => {
  it('refuses to delete the last active admin', () => {
    expect(() => assertAnAdminRemains('a', null, ['a'])).toThrow(ConflictProblem);
  });

  it('refuses to deactivate or strip the permission of the last active admin', () => {
    expect(() => assertAnAdminRemains('a', { active: false, permissions: admin.permissions }, ['a'])).toThrow(ConflictProblem);
    expect(() => assertAnAdminRemains('a', { active: true, permissions: [] }, ['a'])).toThrow(ConflictProblem);
  });

  it('allows removing an admin while another active admin remains', () => {
    expect(() => assertAnAdminRemains('a', null, ['a', 'b'])).not.toThrow();
  });

  it('allows any change that keeps the user an active admin', () => {
    expect(() => assertAnAdminRemains('a', admin, ['a'])).not.toThrow();
  });

  it('allows deleting a user who is not an admin, whatever the admin count', () => {
    expect(() => assertAnAdminRemains('x', null, ['a'])).not.toThrow();
  });
});
