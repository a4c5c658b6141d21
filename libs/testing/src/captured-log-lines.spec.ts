import { describe, expect, it } from '@jest/globals';
import { CapturedLogLines } from './captured-log-lines.js';

describe('CapturedLogLines', () => {
  it('keeps each line as written and parsed, across chunks, and picks the error-level ones', () => {
    const logs = new CapturedLogLines();
    logs.write('{"level":30,"msg":"request completed"}\n{"level":50,"msg":"relay blocked"}\n');
    logs.write('{"level":60,"msg":"fatal"}\n\n');
    expect(logs.lines).toEqual(['{"level":30,"msg":"request completed"}', '{"level":50,"msg":"relay blocked"}', '{"level":60,"msg":"fatal"}']);
    expect(logs.entries.map((entry) => entry.msg)).toEqual(['request completed', 'relay blocked', 'fatal']);
    expect(logs.errorLines()).toEqual(['{"level":50,"msg":"relay blocked"}', '{"level":60,"msg":"fatal"}']);
  });

  it('keeps a line that is not JSON as unparsed instead of throwing into the logger', () => {
    const logs = new CapturedLogLines();
    logs.write('not json\n');
    expect(logs.entries).toEqual([{ unparsed: 'not json' }]);
  });
});
