#!/usr/bin/env node
/**
 * `npm run lint:deps`: dependency-cruiser with .dependency-cruiser.cjs, failing on any violation
 * that is not in .dependency-cruiser-known-violations.json (today's, recorded so that lint passes
 * while the restructure empties the file; docs/architecture.md).
 *
 * Why not just `depcruise --ignore-known`: dependency-cruiser 16 softens known violations of
 * modules and dependencies only, never folder-level ones (its soften-known-violations.mjs: "TODO:
 * folder level violations"), so the known folder cycles would fail every run. This runner applies
 * the same matching (rule name, from/to, or the set of folders of a cycle) to the folder ones.
 *
 *   node tools/lint-deps.mjs              check (exit 1 on a new violation)
 *   node tools/lint-deps.mjs --baseline   rewrite the known-violations file from today's code
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const CONFIG = '.dependency-cruiser.cjs';
const KNOWN = '.dependency-cruiser-known-violations.json';
const SOURCES = ['apps', 'libs', 'test'];
const depcruise = fileURLToPath(new URL('../node_modules/dependency-cruiser/bin/dependency-cruise.mjs', import.meta.url));

function run(args) {
  const result = spawnSync(process.execPath, [depcruise, ...SOURCES, '--config', CONFIG, ...args], { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
  if (result.error || (result.status !== 0 && !result.stdout)) {
    process.stderr.write(result.stderr || String(result.error));
    process.exit(2);
  }
  return result.stdout;
}

if (process.argv.includes('--baseline')) {
  run(['--output-type', 'baseline', '--output-to', KNOWN]);
  console.log(`wrote ${KNOWN}`);
  process.exit(0);
}

const known = JSON.parse(readFileSync(KNOWN, 'utf8'));
const result = JSON.parse(run(['--ignore-known', KNOWN, '--output-type', 'json']));

const names = (steps) =>
  steps
    .map((step) => step.name)
    .sort()
    .join('\n');
function isKnown(violation) {
  return known.some((entry) => {
    if (entry.rule.name !== violation.rule.name) return false;
    if (entry.cycle && violation.cycle) return names(entry.cycle) === names(violation.cycle);
    return entry.from === violation.from && entry.to === violation.to;
  });
}

const fresh = result.summary.violations.filter((violation) => violation.rule.severity === 'error' && !isKnown(violation));
for (const violation of fresh) {
  const path = violation.cycle ? [violation.from, ...violation.cycle.map((step) => step.name)] : [violation.from, violation.to];
  console.log(`  error ${violation.rule.name}: ${path.join(' → ')}`);
}
const ignored = result.summary.violations.length - fresh.length;
console.log(
  `${fresh.length === 0 ? '✔ no new dependency violations' : `✘ ${fresh.length} new dependency violation(s)`}; ${ignored} known ones ignored (${KNOWN}). ${result.summary.totalCruised} modules, ${result.summary.totalDependenciesCruised} dependencies cruised.`,
);
process.exit(fresh.length === 0 ? 0 : 1);
