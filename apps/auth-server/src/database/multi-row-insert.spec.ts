import { describe, expect, it } from '@jest/globals';
import { multiRowInsert } from './multi-row-insert.js';

describe('multiRowInsert', () => {
  const statementFor = multiRowInsert('audit_events', ['a', 'details', 'b'], { details: 'jsonb' });

  it('numbers the parameters row by row, with the casts given', () => {
    expect(statementFor(2)).toEqual({
      name: 'portcullis_audit_events_insert_2',
      text: 'INSERT INTO audit_events (a, details, b) VALUES ($1, $2::jsonb, $3), ($4, $5::jsonb, $6)',
    });
  });

  it('builds each row count once: the same statement (and prepared name) every time', () => {
    expect(statementFor(3)).toBe(statementFor(3));
    expect(statementFor(1).name).not.toBe(statementFor(3).name);
  });
});
