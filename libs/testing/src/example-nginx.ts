import { spawn } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './free-port.js';

/** Debian's nginx (apt-get install nginx-light). */
export const NGINX_BINARY = '/usr/sbin/nginx';
/** nginx's own output kept for an error message: its warnings under load are not bounded. */
const OUTPUT_KEPT = 16_384;

export interface ExampleNginx {
  /** Where callers reach the API through nginx. */
  url: string;
  output(): string;
  exited(): boolean;
  /** SIGQUIT to the master this started (by its PID): it stops its workers, then exits. */
  stop(): Promise<void>;
}

export interface ExampleNginxOptions {
  /** host:port of the resource server asked at /auth/verify. */
  resourceServer: string;
  /** host:port of the API behind nginx. */
  upstream: string;
  /** examples/nginx/nginx.conf of the repository (from the working directory by default). */
  config?: string;
}

/**
 * examples/nginx as a user deploys it, only its three addresses changed (the listening one to a
 * spare loopback port), in a temporary prefix of its own: the nginx e2e suite and bench/edge.js.
 */
export async function startExampleNginx(options: ExampleNginxOptions): Promise<ExampleNginx> {
  const prefix = mkdtempSync(join(tmpdir(), 'example-nginx-'));
  const port = await freePort();
  const config = readFileSync(options.config ?? join(process.cwd(), 'examples', 'nginx', 'nginx.conf'), 'utf8')
    .replace('server 127.0.0.1:3001;', `server ${options.resourceServer};`)
    .replace('server 127.0.0.1:8081;', `server ${options.upstream};`)
    .replace('listen 127.0.0.1:8080;', `listen 127.0.0.1:${port};`);
  writeFileSync(join(prefix, 'nginx.conf'), config);
  mkdirSync(join(prefix, 'tmp'));
  // Run as root, nginx's workers switch to nobody: they must be able to use the temp paths.
  chmodSync(prefix, 0o755);
  chmodSync(join(prefix, 'tmp'), 0o777);
  const nginx = spawn(NGINX_BINARY, ['-p', prefix, '-c', join(prefix, 'nginx.conf'), '-e', 'stderr', '-g', 'daemon off;'], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const keep = (chunk: Buffer) => (output = (output + chunk.toString()).slice(-OUTPUT_KEPT));
  nginx.stdout.on('data', keep);
  nginx.stderr.on('data', keep);
  const exited = new Promise((resolve) => nginx.once('exit', resolve));
  const running = () => nginx.exitCode === null && nginx.signalCode === null;
  return {
    url: `http://127.0.0.1:${port}`,
    output: () => output,
    exited: () => !running(),
    async stop() {
      if (running()) nginx.kill('SIGQUIT');
      await exited;
      rmSync(prefix, { recursive: true, force: true });
    },
  };
}
