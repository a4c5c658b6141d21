import { describe, expect, it } from '@jest/globals';
import type { RegistryChange } from './apply-rules.js';
import type { RegistryNotice } from '../config/registry-siblings.js';
import { noticeOf, revocationOf } from './registry-siblings.js';

/** What crosses the cluster channel is JSON: a notice must survive it. */
const overTheChannel = (notice: RegistryNotice) => JSON.parse(JSON.stringify(notice)) as RegistryNotice;

describe('registry notices between workers', () => {
  it('names the entity a change touched, so that a follower re-reads it', () => {
    const client = { clientId: 'app', name: 'App', version: '1', type: 'confidential' as const, active: true, entityVersion: 3 };
    expect(noticeOf({ kind: 'client.upsert', client, scopes: [] }, 7)).toEqual({ kind: 'client', id: 'app', seq: 7 });
    expect(noticeOf({ kind: 'client.delete', clientId: 'app' }, 8)).toEqual({ kind: 'client', id: 'app', seq: 8 });
    expect(noticeOf({ kind: 'client.scopes', clientId: 'app', scopes: ['a'], scopesVersion: 2 }, 9)).toEqual({ kind: 'client', id: 'app', seq: 9 });
    expect(noticeOf({ kind: 'scope.upsert', scope: { name: 'a', description: '', entityVersion: 1 } }, 10)).toEqual({ kind: 'scope', id: 'a', seq: 10 });
    expect(noticeOf({ kind: 'scope.delete', name: 'a' }, 11)).toEqual({ kind: 'scope', id: 'a', seq: 11 });
    expect(noticeOf(null, 12)).toEqual({ kind: 'seq', seq: 12 });
  });

  it('carries a revocation whole, its dates intact across the channel', () => {
    const change: RegistryChange = {
      kind: 'tokens.revoke',
      clientId: 'app',
      grantIds: ['g1', 'g2'],
      revokedBefore: new Date('2026-12-06T06:00:00.000Z'),
      expiresAt: new Date('2026-12-06T07:00:00.000Z'),
    };
    const notice = overTheChannel(noticeOf(change, 13));
    expect(notice).toMatchObject({ kind: 'revoked', seq: 13 });
    expect(revocationOf(notice as Extract<RegistryNotice, { kind: 'revoked' }>)).toEqual(change);
    const open = overTheChannel(noticeOf({ ...change, revokedBefore: null, expiresAt: null }, 14));
    expect(revocationOf(open as Extract<RegistryNotice, { kind: 'revoked' }>)).toEqual({ ...change, revokedBefore: null, expiresAt: null });
  });
});
