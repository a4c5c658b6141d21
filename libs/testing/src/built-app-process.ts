import { spawn, type ChildProcess } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';

/**
 * An app run as production runs it (node dist/…/main.js) in a child process, for what only a real
 * process shows: signals, exit codes. Compiled into a directory of the tests' own, because dist/
 * may be in use; the build is incremental, so the second spec that needs it pays little. A copy of
 * package.json sits above that build, so its "#<lib>" imports resolve to its own dist/libs.
 */
const ROOT = process.cwd();
const BUILD_ROOT = join(ROOT, 'dist', 'process-e2e');
const OUT_DIR = join(BUILD_ROOT, 'dist');

export type BuiltApp = 'auth-server' | 'resource-server' | 'launcher';

export interface BuiltAppProcess {
  child: ChildProcess;
  /** Resolves when the process is gone, with when it happened. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null; at: number }>;
  /** Everything it wrote to stdout and stderr so far. */
  output(): string;
  /** SIGKILL, only to this child and only if it still runs (test cleanup). */
  kill(): void;
}

/** Compiles the apps as `npm run build` does. Type errors elsewhere still emit; a missing entry point fails. */
export async function buildApps(): Promise<void> {
  const tsc = join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
  mkdirSync(BUILD_ROOT, { recursive: true });
  copyFileSync(join(ROOT, 'package.json'), join(BUILD_ROOT, 'package.json'));
  const compiler = spawn(process.execPath, [tsc, '-p', 'tsconfig.build.json', '--outDir', OUT_DIR, '--tsBuildInfoFile', join(OUT_DIR, '.tsbuildinfo')], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const messages: string[] = [];
  compiler.stdout.on('data', (chunk: Buffer) => messages.push(chunk.toString()));
  const code = await new Promise<number | null>((resolve) => compiler.once('exit', resolve));
  for (const app of ['auth-server', 'resource-server'] as const) {
    if (!existsSync(entryOf(app))) throw new Error(`build failed (exit ${code}): ${messages.join('')}`);
  }
}

/** Starts the built app with exactly `env` (plus PATH): no NODE_OPTIONS or secrets of the test runner leak in. */
export function startBuiltApp(app: BuiltApp, env: Record<string, string>): BuiltAppProcess {
  return startNodeProcess(entryOf(app), env);
}

/** `node <entry>` with exactly `env` (plus PATH), its output kept: any built program (an example app too). */
export function startNodeProcess(entry: string, env: Record<string, string>): BuiltAppProcess {
  const child = spawn(process.execPath, [entry], { env: { PATH: process.env.PATH ?? '', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  const chunks: string[] = [];
  for (const stream of [child.stdout!, child.stderr!]) stream.on('data', (chunk: Buffer) => chunks.push(chunk.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; at: number }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal, at: Date.now() })),
  );
  return {
    child,
    exited,
    output: () => chunks.join(''),
    kill: () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    },
  };
}

/** Polls `url` until it answers 200; fails with the process output when it never does. */
export async function untilOk(url: string, process: BuiltAppProcess, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (process.child.exitCode !== null) break;
    const status = await fetch(url).then(
      (response) => response.status,
      () => 0,
    );
    if (status === 200) return;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`${url} never answered 200: ${process.output()}`);
}

function entryOf(app: BuiltApp): string {
  return join(OUT_DIR, 'apps', app, 'src', 'main.js');
}
