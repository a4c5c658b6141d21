// Sets CPU profiles side by side by where the time goes, per request: the resource server's (from
// BENCH_RS_NODE_FLAGS='… --cpu-prof --cpu-prof-dir=…') against the bare proxy's
// (BENCH_PROXY_NODE_FLAGS), or two runs of one build. Each profile is cut to its longest stretch of
// seconds busy above BUSY (the load, without boot and shutdown) and split into categories: the
// socket writes, time the profiler counts idle (epoll and the reads libuv makes before any
// JavaScript runs), GC, undici, Fastify, this repository's code (dist/), and Node's modules.
// Given each profile's CPU µs per request (bench/edge.js prints it), the shares become µs per request.
// Usage: node bench/profile-compare.js a.cpuprofile[=µs] [b.cpuprofile[=µs] …]
// Why not a tool: Chrome's DevTools and speedscope show one profile at a time, by function, and the
// question here is which categories of work one process spends more on than another per request.
import { readFileSync } from 'node:fs';

const BUSY = 0.6;
const ROWS = 30;
const WRITES = new Set(['writev', 'writeLatin1String', 'writeUtf8String', 'writeBuffer']);

function categoryOf({ functionName, url }) {
  if (WRITES.has(functionName)) return 'socket writes';
  if (functionName === '(idle)') return 'idle (epoll, reads)';
  if (functionName === '(garbage collector)') return 'GC';
  if (functionName === '(program)') return '(program)';
  if (url.includes('/node_modules/')) {
    const name = url.split('/node_modules/').pop().split('/')[0];
    return name.startsWith('@') ? url.split('/node_modules/').pop().split('/').slice(0, 2).join('/') : name;
  }
  if (url.includes('/dist/')) return 'ours (dist/)';
  if (url.startsWith('node:')) return url.split('/').slice(0, url.startsWith('node:internal/') ? 2 : 1).join('/');
  return url === '' ? `native: ${functionName}` : url.split('/').pop();
}

/** Shares of the load's window by category, and the window in seconds from the profile's start. */
function summarize(path) {
  const profile = JSON.parse(readFileSync(path, 'utf8'));
  const nodes = new Map(profile.nodes.map((node) => [node.id, node]));
  const samples = [];
  const seconds = [];
  let at = profile.startTime;
  profile.samples.forEach((id, i) => {
    const delta = profile.timeDeltas[i] ?? 0;
    at += delta;
    const second = Math.floor((at - profile.startTime) / 1e6);
    const frame = nodes.get(id).callFrame;
    seconds[second] ??= { busy: 0, all: 0 };
    seconds[second].all += delta;
    if (frame.functionName !== '(idle)') seconds[second].busy += delta;
    samples.push({ second, delta, frame });
  });
  let best = [0, -1];
  let start = null;
  seconds.forEach((s, second) => {
    const busy = s !== undefined && s.busy / s.all > BUSY;
    if (busy && start === null) start = second;
    if (busy && second - start > best[1] - best[0]) best = [start, second];
    if (!busy) start = null;
  });
  // The first and last second of the stretch are partly outside the load.
  const [from, to] = [best[0] + 1, best[1] - 1];
  const shares = new Map();
  let total = 0;
  for (const { second, delta, frame } of samples) {
    if (second < from || second > to) continue;
    total += delta;
    const category = categoryOf(frame);
    shares.set(category, (shares.get(category) ?? 0) + delta);
  }
  for (const [category, time] of shares) shares.set(category, time / total);
  return { shares, window: [from, to] };
}

const inputs = process.argv.slice(2).map((arg) => {
  const [path, perRequest] = arg.split('=');
  return { path, perRequest: perRequest === undefined ? null : Number(perRequest), ...summarize(path) };
});
if (inputs.length === 0) {
  console.error('usage: node bench/profile-compare.js a.cpuprofile[=µs per request] [b.cpuprofile[=µs] …]');
  process.exit(2);
}
const scaled = (input, share) => (input.perRequest === null ? `${(share * 100).toFixed(1)}%` : `${(share * input.perRequest).toFixed(1)} µs`);
const categories = [...new Set(inputs.flatMap((input) => [...input.shares.keys()]))].sort(
  (a, b) => Math.max(...inputs.map((input) => input.shares.get(b) ?? 0)) - Math.max(...inputs.map((input) => input.shares.get(a) ?? 0)),
);
inputs.forEach((input, i) => console.log(`[${i + 1}] ${input.path}: load from second ${input.window[0]} to ${input.window[1]}`));
console.log(['category'.padEnd(40), ...inputs.map((_, i) => `[${i + 1}]`.padStart(10))].join(''));
for (const category of categories.slice(0, ROWS)) console.log([category.padEnd(40), ...inputs.map((input) => scaled(input, input.shares.get(category) ?? 0).padStart(10))].join(''));
