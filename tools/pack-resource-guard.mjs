#!/usr/bin/env node
/**
 * `npm run pack:resource-guard`: builds @portcullis/nest-resource-guard, the npm package of
 * libs/resource-guard, into dist/npm/nest-resource-guard (then `npm pack` there makes the tarball).
 *
 * Inside this repository the lib is '#resource-guard' and reaches the other libs through the root
 * package.json "imports" (docs/architecture.md "Reaching libs"). The package carries the compiled
 * lib together with the libs it imports, at the same relative paths, and its own "imports" map
 * (libs/resource-guard/npm/package.json) sends each "#<lib>" to its compiled copy: the same code,
 * no bundler. Its dependencies are every package the compiled files import, at the root's versions;
 * the Nest packages (and what Nest apps share with them) are peers, so an app has one copy.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const MANIFEST = join(ROOT, 'libs/resource-guard/npm/package.json');
const OUT = join(ROOT, 'dist/npm/nest-resource-guard');

rmSync(OUT, { recursive: true, force: true });
const tsc = spawnSync(process.execPath, [join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', join(ROOT, 'libs/resource-guard/npm/tsconfig.json')], {
  cwd: ROOT,
  stdio: 'inherit',
});
if (tsc.status !== 0) process.exit(tsc.status ?? 1);

const root = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
const versions = { ...root.devDependencies, ...root.dependencies };
const manifest = JSON.parse(readFileSync(MANIFEST, 'utf8'));
const peers = Object.keys(manifest.peerDependencies);
const missing = [];
// The manifest names what no file imports (pg: TypeORM loads the driver itself).
const dependencies = Object.fromEntries(Object.keys(manifest.dependencies).map((name) => [name, versions[name]]));
for (const name of importedPackages(OUT)) {
  if (!versions[name]) missing.push(name);
  else if (!peers.includes(name)) dependencies[name] = versions[name];
}
if (missing.length > 0) {
  console.error(`the package imports ${missing.join(', ')}, which the root package.json does not list`);
  process.exit(1);
}
manifest.peerDependencies = Object.fromEntries(peers.map((name) => [name, versions[name]]));
manifest.dependencies = Object.fromEntries(Object.entries(dependencies).sort(([a], [b]) => a.localeCompare(b)));
writeFileSync(join(OUT, 'package.json'), `${JSON.stringify(manifest, null, 2)}\n`);
cpSync(join(ROOT, 'libs/resource-guard/README.md'), join(OUT, 'README.md'));
console.log(`${manifest.name}@${manifest.version} built in ${OUT}`);

/** Package names of every bare import of the compiled JavaScript (node: builtins left out). */
function importedPackages(dir) {
  const names = new Set();
  for (const file of filesUnder(dir).filter((path) => path.endsWith('.js'))) {
    for (const [, specifier] of readFileSync(file, 'utf8').matchAll(/(?:from|import)\s*\(?\s*'([^'.#/][^']*)'/g)) {
      if (specifier.startsWith('node:') || builtinModules.includes(specifier)) continue;
      const parts = specifier.split('/');
      names.add(specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0]);
    }
  }
  return [...names].sort();
}

function filesUnder(dir) {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}
