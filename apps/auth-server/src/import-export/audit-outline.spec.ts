import { auditOutline } from './audit-outline.js';

describe('auditOutline', () => {
  it('counts the rows of each section and keeps nothing of their contents', () => {
    const file = { format: 'portcullis-registry', version: 1, clients: [{ clientId: 'a', secret: 's3cret' }], users: [{}, {}], settings: {} };
    expect(auditOutline(file, 'true')).toEqual({
      dryRun: true,
      format: 'portcullis-registry',
      version: 1,
      rows: { scopes: 0, clients: 1, users: 2, resources: 0 },
      settings: true,
    });
    expect(JSON.stringify(auditOutline(file, undefined))).not.toContain('s3cret');
  });

  it('keeps a format or version only when short: the body is taken before validation', () => {
    const outline = auditOutline({ format: 'x'.repeat(10_000), version: { nested: 'secret' } }, 'false');
    expect(outline.format).toBeUndefined();
    expect(outline.version).toBeUndefined();
  });

  it('answers for a body that is not an object', () => {
    for (const body of [null, 'text', [1, 2], 42, undefined]) expect(auditOutline(body, undefined)).toEqual({ dryRun: false });
  });

  it('records dryRun as it was asked: true, false, or the refused word (short only)', () => {
    const asked = [undefined, 'false', 'true', 'maybe', ['true', 'true'], 'y'.repeat(100)];
    expect(asked.map((query) => auditOutline({}, query).dryRun)).toEqual([false, false, true, 'maybe', undefined, undefined]);
  });
});
