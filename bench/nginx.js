// examples/nginx as a user deploys it (only its three addresses changed), for bench/edge.js: the
// Debian nginx binary, started in a temporary prefix of its own and stopped by its master's PID.
import { spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './lib.js';

export const NGINX = process.env.BENCH_NGINX ?? '/usr/sbin/nginx';
const EXAMPLE = new URL('../examples/nginx/nginx.conf', import.meta.url);
/** nginx's own output kept for an error message: its warnings under load are not bounded. */
const OUTPUT_KEPT = 16_384;

export const nginxAvailable = () => existsSync(NGINX);

/** nginx in front of `upstream` (host:port), asking `resourceServer` (host:port) at /auth/verify. */
export async function startNginx({ resourceServer, upstream }) {
  const prefix = mkdtempSync(join(tmpdir(), 'bench-nginx-'));
  const port = await freePort();
  const config = readFileSync(EXAMPLE, 'utf8')
    .replace('server 127.0.0.1:3001;', `server ${resourceServer};`)
    .replace('server 127.0.0.1:8081;', `server ${upstream};`)
    .replace('listen 127.0.0.1:8080;', `listen 127.0.0.1:${port};`);
  writeFileSync(join(prefix, 'nginx.conf'), config);
  mkdirSync(join(prefix, 'tmp'));
  // Run as root, nginx's workers switch to nobody: they must be able to use the temp paths.
  chmodSync(prefix, 0o755);
  chmodSync(join(prefix, 'tmp'), 0o777);
  const nginx = spawn(NGINX, ['-p', prefix, '-c', join(prefix, 'nginx.conf'), '-e', 'stderr', '-g', 'daemon off;'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const keep = (chunk) => (output = (output + chunk.toString()).slice(-OUTPUT_KEPT));
  nginx.stdout.on('data', keep);
  nginx.stderr.on('data', keep);
  const exited = new Promise((resolve) => nginx.once('exit', resolve));
  const url = `http://127.0.0.1:${port}`;
  return {
    url,
    output: () => output,
    exited: () => nginx.exitCode !== null || nginx.signalCode !== null,
    /** SIGQUIT to the master this started: it stops its workers, then exits. */
    async stop() {
      if (nginx.exitCode === null && nginx.signalCode === null) nginx.kill('SIGQUIT');
      await exited;
      rmSync(prefix, { recursive: true, force: true });
    },
  };
}
