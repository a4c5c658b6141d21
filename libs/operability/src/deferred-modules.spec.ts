import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import ts from 'typescript';

// Jest's `createRequire` hands out its own registry's require, where the stand-ins do nothing:
// the module is checked in a plain Node child, transpiled next to a link to the real node_modules.
const dir = mkdtempSync(join(tmpdir(), 'deferred-modules-'));
beforeAll(() => {
  const source = readFileSync(new URL('./deferred-modules.ts', import.meta.url), 'utf8');
  const { outputText } = ts.transpileModule(source, { compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 } });
  writeFileSync(join(dir, 'deferred-modules.mjs'), outputText);
  symlinkSync(join(process.cwd(), 'node_modules'), join(dir, 'node_modules'));
  writeFileSync(join(dir, 'counted.cjs'), "require('node:fs').appendFileSync(__dirname + '/loads', 'x'); exports.answer = 42; exports.twice = (n) => 2 * n;");
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function inChild(body: string): unknown {
  const script = `import { createRequire } from 'node:module'; import { existsSync, readFileSync } from 'node:fs';
import { deferModule } from './deferred-modules.mjs';
const require = createRequire(import.meta.url); const here = ${JSON.stringify(dir)};
const loads = () => (existsSync(here + '/loads') ? readFileSync(here + '/loads', 'utf8').length : 0);
const out = {}; ${body}; console.log(JSON.stringify(out));`;
  writeFileSync(join(dir, 'check.mjs'), script);
  return JSON.parse(execFileSync(process.execPath, [join(dir, 'check.mjs')], { encoding: 'utf8' })) as unknown;
}

describe('deferred modules', () => {
  it('loads a deferred module at the first look at its exports, once; a loaded one is left alone', () => {
    expect(
      inChild(`const file = here + '/counted.cjs';
        out.deferred = deferModule(file); const stand = require(file); out.before = loads();
        out.answer = stand.answer; out.twice = stand.twice(4); out.keys = Object.keys(stand).sort(); out.has = 'twice' in stand;
        out.same = require(file) === stand; out.after = loads(); out.again = deferModule(file)`),
    ).toEqual({ deferred: true, before: 0, answer: 42, twice: 8, keys: ['answer', 'twice'], has: true, same: true, after: 1, again: false });
  });

  it("gives TypeORM's DataSource the PostgreSQL driver without loading the others, and any other type TypeORM's own answer", () => {
    expect(
      inChild(`const others = () => Object.keys(require.cache).filter((f) => /typeorm[\\/\\\\]driver[\\/\\\\](sap|mysql|oracle|sqlserver[\\/\\\\]SqlServerDriver)/.test(f)).length;
        const { DataSource } = require('typeorm');
        out.driver = new DataSource({ type: 'postgres', url: 'postgres://nobody@127.0.0.1:1/none' }).driver.constructor.name; out.before = others();
        try { new DataSource({ type: 'bogus' }); } catch (error) { out.error = error.message.slice(0, 48); }
        out.after = others() > 0; out.phoneNumbers = Object.keys(require.cache).filter((f) => f.includes('libphonenumber-js')).length;
        require('class-validator'); out.phoneNumbersAfterClassValidator = Object.keys(require.cache).filter((f) => f.includes('libphonenumber-js')).length;
        out.isPhoneNumber = require('class-validator').isPhoneNumber('+44 20 7183 8750')`),
    ).toEqual({
      driver: 'PostgresDriver',
      before: 0,
      error: 'Wrong driver: "bogus" given. Supported drivers a',
      after: true,
      phoneNumbers: 1,
      phoneNumbersAfterClassValidator: 1,
      isPhoneNumber: true,
    });
  });
});
