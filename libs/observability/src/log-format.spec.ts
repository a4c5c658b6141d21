import { describe, expect, it } from '@jest/globals';
import { createAppLogger } from './logger.js';
import { logFormatFor, prettyDestination } from './log-format.js';
import { NestPinoLogger } from './nest-pino-logger.js';

class Captured {
  readonly chunks: string[] = [];
  write(chunk: string): void {
    this.chunks.push(chunk);
  }
  get lines(): string[] {
    return this.chunks.join('').split('\n').filter(Boolean);
  }
}

describe('log format', () => {
  it('is pretty only for a terminal', () => {
    expect(logFormatFor({ isTTY: true })).toBe('pretty');
    expect(logFormatFor({ isTTY: false })).toBe('json');
    expect(logFormatFor({})).toBe('json');
  });

  it('pretty lines are readable text with the app, level, context and message, not JSON', () => {
    const out = new Captured();
    const logger = createAppLogger({ app: 'auth-server', level: 'log', destination: prettyDestination(out, { colorize: false }) });
    new NestPinoLogger(logger).log('keys rotated', 'KeysService');
    expect(out.lines).toHaveLength(1);
    expect(out.lines[0]).toMatch(/^\[\d\d:\d\d:\d\d\.\d{3}\] INFO: \[auth-server\] KeysService: keys rotated$/);
  });

  it('pretty lines keep their extra fields on the same line, redacted as in JSON', () => {
    const out = new Captured();
    const logger = createAppLogger({ app: 'auth-server', level: 'log', destination: prettyDestination(out, { colorize: false }) });
    logger.info({ clientId: 'c1', client_secret: 's3cr3t' }, 'client created');
    expect(out.lines).toHaveLength(1);
    expect(out.lines[0]).toContain('client created');
    expect(out.lines[0]).toContain('"clientId":"c1"');
    expect(out.lines[0]).not.toContain('s3cr3t');
  });
});

describe("Nest's start-up chatter", () => {
  const mapped = ['Mapped {/oauth/token, POST} route', 'RouterExplorer'] as const;
  const resolved = ['TokenController {/oauth/token}:', 'RoutesResolver'] as const;
  const loaded = ['TokenModule dependencies initialized', 'InstanceLoader'] as const;

  it('is not written at the default level', () => {
    const out = new Captured();
    const logger = new NestPinoLogger(createAppLogger({ app: 'auth-server', level: 'log', destination: out }));
    for (const [message, context] of [mapped, resolved, loaded]) logger.log(message, context);
    logger.log('Nest application successfully started', 'NestApplication');
    expect(out.lines.map((line) => (JSON.parse(line) as { msg: string }).msg)).toEqual(['Nest application successfully started']);
  });

  it('is written at debug', () => {
    const out = new Captured();
    const logger = new NestPinoLogger(createAppLogger({ app: 'auth-server', level: 'debug', destination: out }));
    for (const [message, context] of [mapped, resolved, loaded]) logger.log(message, context);
    const lines = out.lines.map((line) => JSON.parse(line) as { level: number; context: string; msg: string });
    expect(lines.map((line) => [line.level, line.context, line.msg])).toEqual([
      [20, 'RouterExplorer', mapped[0]],
      [20, 'RoutesResolver', resolved[0]],
      [20, 'InstanceLoader', loaded[0]],
    ]);
  });
});
