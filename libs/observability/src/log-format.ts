import { createRequire } from 'node:module';
import { pino, type DestinationStream } from 'pino';

/** JSON lines for machines (pipes, files, containers); readable lines for a developer's terminal. */
export type LogFormat = 'json' | 'pretty';

/** Pretty only when the output is a terminal: anything a program reads gets one JSON object per line. */
export function logFormatFor(output: { isTTY?: boolean }): LogFormat {
  return output.isTTY === true ? 'pretty' : 'json';
}

/**
 * Formats each JSON line as `[12:00:00.123] INFO: [auth-server] Context: message {fields}` and
 * writes it to `output`. pino-pretty's formatter, not its transport: no worker thread, and the
 * line reaches the terminal in order with everything else the process prints.
 */
export function prettyDestination(output: { write(text: string): unknown }, options: { colorize?: boolean } = {}): DestinationStream {
  // Required here: a server logging JSON would otherwise keep pino-pretty and its dependencies in memory (0.8 MB of heap).
  const pinoPretty = createRequire(import.meta.url)('pino-pretty') as typeof import('pino-pretty');
  const format = pinoPretty.prettyFactory({
    colorize: options.colorize ?? pinoPretty.isColorSupported,
    translateTime: 'SYS:HH:MM:ss.l',
    ignore: 'pid,hostname,app,context',
    messageFormat: '{if app}[{app}] {end}{if context}{context}: {end}{msg}',
    singleLine: true,
  });
  return { write: (line: string) => output.write(format(line)) };
}

let stdoutDestination: DestinationStream | undefined;
/**
 * One stdout writer per process (the launcher runs both apps in one). JSON goes through an
 * asynchronous writer: no blocking write per line on the hot path.
 */
export function stdout(): DestinationStream {
  stdoutDestination ??= logFormatFor(process.stdout) === 'pretty' ? prettyDestination(process.stdout) : pino.destination({ dest: 1, sync: false });
  return stdoutDestination;
}
