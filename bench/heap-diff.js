#!/usr/bin/env node
// Diffs two V8 heap snapshots of one process (taken with --heapsnapshot-signal, docs/soak.md, session 9):
//   node bench/heap-diff.js early.heapsnapshot late.heapsnapshot [top=25] [chains=3]
// 1. self size and count per constructor (objects by constructor name, the rest by node type), late
//    minus early, largest growth first;
// 2. the objects of the late snapshot whose id the early one does not have (V8 keeps an object's id
//    across the snapshots of one process; one moved by a compaction may count as new), grouped by their
//    nearest old ancestor on a shortest strong retainer path from the root (weak edges skipped): the
//    container that grew, with its own retainer chain;
// 3. for the top growing constructors, retainer chains of a few of their new objects.
// Reads each snapshot into typed arrays (the node and edge arrays are scanned as bytes, only the
// strings go through JSON.parse), so a snapshot of a few hundred MB needs about as much memory.
import { readFileSync } from 'node:fs';

const [earlyFile, lateFile, topArg = '25', chainsArg = '3'] = process.argv.slice(2);
if (!earlyFile || !lateFile) {
  console.error('usage: node bench/heap-diff.js early.heapsnapshot late.heapsnapshot [top] [chains]');
  process.exit(2);
}
const TOP = Number(topArg);
const CHAINS = Number(chainsArg);

function numbers(buf, key, count) {
  const start = buf.indexOf(`"${key}":[`);
  if (start < 0) throw new Error(`no ${key} array`);
  const out = new Float64Array(count);
  let n = 0;
  let value = 0;
  let digits = false;
  for (let i = start + key.length + 4; ; i++) {
    const c = buf[i];
    if (c >= 48 && c <= 57) {
      value = value * 10 + (c - 48);
      digits = true;
    } else if (c === 44 || c === 93) {
      if (digits) out[n++] = value;
      value = 0;
      digits = false;
      if (c === 93) break;
    }
  }
  if (n !== count) throw new Error(`${key}: ${n} numbers, expected ${count}`);
  return out;
}

function load(file) {
  const buf = readFileSync(file);
  const nodesAt = buf.indexOf('"nodes":[');
  const head = JSON.parse(`${buf.toString('utf8', 0, nodesAt).replace(/,\s*$/, '')}}`).snapshot;
  const meta = head.meta;
  const nf = meta.node_fields.length;
  const ef = meta.edge_fields.length;
  const nodes = numbers(buf, 'nodes', head.node_count * nf);
  const edges = numbers(buf, 'edges', head.edge_count * ef);
  const stringsAt = buf.indexOf('"strings":[');
  const strings = JSON.parse(buf.toString('utf8', stringsAt + 10, buf.lastIndexOf(']') + 1));
  const f = (name) => meta.node_fields.indexOf(name);
  const g = (name) => meta.edge_fields.indexOf(name);
  const s = {
    file,
    count: head.node_count,
    nodeTypes: meta.node_types[0],
    edgeTypes: meta.edge_types[0],
    strings,
    type: new Uint8Array(head.node_count),
    name: new Uint32Array(head.node_count),
    id: new Uint32Array(head.node_count),
    size: new Float64Array(head.node_count),
    firstEdge: new Uint32Array(head.node_count + 1),
    edgeType: new Uint8Array(head.edge_count),
    edgeName: new Uint32Array(head.edge_count),
    edgeTo: new Uint32Array(head.edge_count),
  };
  const [ft, fn, fi, fs, fe] = ['type', 'name', 'id', 'self_size', 'edge_count'].map(f);
  let e = 0;
  for (let i = 0; i < head.node_count; i++) {
    const o = i * nf;
    s.type[i] = nodes[o + ft];
    s.name[i] = nodes[o + fn];
    s.id[i] = nodes[o + fi];
    s.size[i] = nodes[o + fs];
    s.firstEdge[i] = e;
    e += nodes[o + fe];
  }
  s.firstEdge[head.node_count] = e;
  const [gt, gn, gto] = ['type', 'name_or_index', 'to_node'].map(g);
  for (let j = 0; j < head.edge_count; j++) {
    s.edgeType[j] = edges[j * ef + gt];
    s.edgeName[j] = edges[j * ef + gn];
    s.edgeTo[j] = edges[j * ef + gto] / nf;
  }
  return s;
}

const STRINGS = new Set(['string', 'concatenated string', 'sliced string']);
function key(s, i) {
  const type = s.nodeTypes[s.type[i]];
  const name = s.strings[s.name[i]];
  if (type === 'object' || type === 'native') return name.length > 60 ? `${name.slice(0, 57)}...` : name;
  if (STRINGS.has(type)) return '(string)';
  if (type === 'closure') return '(closure)';
  if (type === 'code') return '(code)';
  if (type === 'array' || type === 'hidden' || type === 'object shape') return `(${type}) ${name.slice(0, 40)}`;
  return `(${type})`;
}
function label(s, i) {
  const type = s.nodeTypes[s.type[i]];
  const name = s.strings[s.name[i]].replace(/\s+/g, ' ');
  const shown = name.length > 50 ? `${name.slice(0, 47)}...` : name;
  return `${type === 'object' ? shown : `(${type}) ${shown}`} @${s.id[i]}`;
}
function edgeLabel(s, j) {
  const type = s.edgeTypes[s.edgeType[j]];
  return type === 'element' || type === 'hidden' ? `[${s.edgeName[j]}]` : `${type === 'property' ? '.' : `${type}:`}${s.strings[s.edgeName[j]]}`;
}

function aggregate(s) {
  const by = new Map();
  for (let i = 0; i < s.count; i++) {
    const k = key(s, i);
    const a = by.get(k) ?? by.set(k, { size: 0, count: 0 }).get(k);
    a.size += s.size[i];
    a.count++;
  }
  return by;
}

/** A shortest strong path from the root: parent node and the edge used, breadth first, weak edges skipped. */
function retainerTree(s) {
  const weak = s.edgeTypes.indexOf('weak');
  const parent = new Int32Array(s.count).fill(-1);
  const via = new Int32Array(s.count).fill(-1);
  const queue = new Uint32Array(s.count);
  let head = 0;
  let tail = 0;
  parent[0] = 0;
  queue[tail++] = 0;
  while (head < tail) {
    const i = queue[head++];
    for (let j = s.firstEdge[i]; j < s.firstEdge[i + 1]; j++) {
      if (s.edgeType[j] === weak) continue;
      const t = s.edgeTo[j];
      if (parent[t] !== -1) continue;
      parent[t] = i;
      via[t] = j;
      queue[tail++] = t;
    }
  }
  return { parent, via };
}

function chain(s, tree, i, max = 14) {
  const steps = [];
  for (let n = i; n !== 0 && steps.length < max; n = tree.parent[n]) {
    if (tree.parent[n] === -1) return `${label(s, i)} (unreachable from the root by strong edges)`;
    steps.push(`${edgeLabel(s, tree.via[n])} -> ${label(s, n)}`);
  }
  return steps.reverse().join('\n      ');
}

const mb = (b) => (b / 1048576).toFixed(2);
const early = load(earlyFile);
const late = load(lateFile);
console.log(`early ${earlyFile}: ${early.count} nodes, ${mb(early.size.reduce((a, b) => a + b, 0))} MB`);
console.log(`late  ${lateFile}: ${late.count} nodes, ${mb(late.size.reduce((a, b) => a + b, 0))} MB`);

// 1. by constructor
const a = aggregate(early);
const b = aggregate(late);
const rows = [...new Set([...a.keys(), ...b.keys()])].map((k) => {
  const x = a.get(k) ?? { size: 0, count: 0 };
  const y = b.get(k) ?? { size: 0, count: 0 };
  return { k, size: y.size - x.size, count: y.count - x.count, early: x, late: y };
});
rows.sort((p, q) => q.size - p.size);
console.log(`\n1. self size by constructor, late - early (top ${TOP} growers)`);
console.log(
  `${'constructor'.padEnd(62)} ${'Δ MB'.padStart(8)} ${'Δ count'.padStart(9)} ${'early MB'.padStart(9)} ${'late MB'.padStart(9)} ${'late count'.padStart(10)}`,
);
for (const r of rows.slice(0, TOP)) {
  console.log(
    `${r.k.padEnd(62)} ${mb(r.size).padStart(8)} ${String(r.count).padStart(9)} ${mb(r.early.size).padStart(9)} ${mb(r.late.size).padStart(9)} ${String(r.late.count).padStart(10)}`,
  );
}
console.log('(largest shrinkers)');
for (const r of rows.slice(-5).reverse()) console.log(`${r.k.padEnd(62)} ${mb(r.size).padStart(8)} ${String(r.count).padStart(9)}`);

// 2. new objects by their nearest old ancestor
const earlyIds = new Set(early.id);
const tree = retainerTree(late);
const isNew = (i) => !earlyIds.has(late.id[i]);
const holderOf = new Int32Array(late.count).fill(-2);
const holders = new Map();
let newSize = 0;
let newCount = 0;
for (let i = 0; i < late.count; i++) {
  if (!isNew(i) || tree.parent[i] === -1) continue;
  newSize += late.size[i];
  newCount++;
  const path = [];
  let n = i;
  while (n !== 0 && isNew(n) && holderOf[n] === -2) {
    path.push(n);
    n = tree.parent[n];
  }
  const h = n !== 0 && isNew(n) ? holderOf[n] : n;
  for (const p of path) holderOf[p] = h;
  const agg = holders.get(h) ?? holders.set(h, { size: 0, count: 0, byKey: new Map(), sample: i }).get(h);
  agg.size += late.size[i];
  agg.count++;
  const k = key(late, i);
  agg.byKey.set(k, (agg.byKey.get(k) ?? 0) + late.size[i]);
}
console.log(`\n2. objects new since the early snapshot and still alive: ${newCount}, ${mb(newSize)} MB; by the old object holding them (top ${TOP})`);
for (const [h, agg] of [...holders].sort((p, q) => q[1].size - p[1].size).slice(0, TOP)) {
  const kinds = [...agg.byKey]
    .sort((p, q) => q[1] - p[1])
    .slice(0, 4)
    .map(([k, v]) => `${k} ${mb(v)}`)
    .join(', ');
  console.log(`\n  ${mb(agg.size)} MB in ${agg.count} new objects (${kinds}) under ${label(late, h)}`);
  console.log(`      ${chain(late, tree, h)}`);
}

// 3. chains of sample new objects of the top growing constructors
console.log(`\n3. retainer chains of new objects of the top growing constructors`);
for (const r of rows.slice(0, Math.min(TOP, 10))) {
  if (r.size <= 0) break;
  const samples = [];
  for (let i = late.count - 1; i >= 0 && samples.length < CHAINS; i--) {
    if (isNew(i) && tree.parent[i] !== -1 && key(late, i) === r.k) samples.push(i);
  }
  console.log(`\n  ${r.k} (+${mb(r.size)} MB, +${r.count})`);
  for (const i of samples) console.log(`    ${chain(late, tree, i)}\n`);
}
