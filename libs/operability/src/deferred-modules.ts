import Module, { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

/**
 * V8 keeps every loaded module's source text, and what its top level built, for as long as the
 * process lives. Two dependencies load much that these servers never run (docs/soak.md, session 9):
 *
 * - TypeORM's DriverFactory requires all eighteen drivers (SAP, Spanner, Oracle, SQL Server,
 *   Mongo, the SQLite family…): about 1.2 MB of sources, where only PostgreSQL's is used.
 * - class-validator's `IsPhoneNumber` requires libphonenumber-js with its full metadata (2.3 MB
 *   of heap), which no DTO here uses.
 *
 * Importing this module first (each entry point's first imports, before anything that imports
 * typeorm or class-validator) puts stand-ins into Node's module cache under those files' names, so
 * that they load when first used instead: every use behaves as before, only later. Without effect
 * when the module is already loaded, laid out differently, or under a module registry other than
 * Node's (Jest).
 */
const require = createRequire(import.meta.url);
const cache = require.cache;

function resolveFrom(fromPackage: string, request: string): string | undefined {
  try {
    return require.resolve(request, { paths: [dirname(require.resolve(fromPackage))] });
  } catch {
    return undefined;
  }
}

function putInCache(filename: string, exports: unknown): void {
  const stand = new Module(filename);
  stand.filename = filename;
  stand.loaded = true;
  stand.exports = exports;
  cache[filename] = stand;
}

/** Loads the real file under its own name once, then puts the stand-in back for later requires. */
function loaderOf<T>(filename: string): () => T {
  let real: T | undefined;
  return () => {
    if (real === undefined) {
      const stand = cache[filename];
      delete cache[filename];
      try {
        real = require(filename) as T;
      } finally {
        cache[filename] = stand;
      }
    }
    return real;
  };
}

/** A CommonJS module whose exports load the real file at the first look at them. */
export function deferModule(filename: string): boolean {
  if (cache[filename]) return false;
  const load = loaderOf<Record<PropertyKey, unknown>>(filename);
  putInCache(
    filename,
    new Proxy(
      {},
      {
        get: (_, key) => load()[key],
        has: (_, key) => key in load(),
        ownKeys: () => Reflect.ownKeys(load()),
        getOwnPropertyDescriptor: (_, key) => {
          const descriptor = Object.getOwnPropertyDescriptor(load(), key);
          return descriptor && { ...descriptor, configurable: true };
        },
      },
    ),
  );
  return true;
}

interface DataSourceLike {
  options: { type: string };
}
type DriverFactoryModule = { DriverFactory: new () => { create(dataSource: DataSourceLike): unknown } };

/** TypeORM's DataSource builds its driver with `new DriverFactory().create(this)`: PostgreSQL's is required then, any other type goes to TypeORM's own factory. */
export function deferTypeormDrivers(): boolean {
  const typeormIndex = resolveFrom('typeorm', 'typeorm');
  if (!typeormIndex) return false;
  const factoryPath = join(dirname(typeormIndex), 'driver', 'DriverFactory.js');
  const postgresPath = join(dirname(factoryPath), 'postgres', 'PostgresDriver.js');
  try {
    require.resolve(factoryPath);
    require.resolve(postgresPath);
  } catch {
    return false;
  }
  if (cache[factoryPath]) return false;
  const typeormFactory = loaderOf<DriverFactoryModule>(factoryPath);
  class DriverFactory {
    create(dataSource: DataSourceLike): unknown {
      if (dataSource.options.type !== 'postgres') return new (typeormFactory().DriverFactory)().create(dataSource);
      const { PostgresDriver } = require(postgresPath) as { PostgresDriver: new (dataSource: DataSourceLike) => unknown };
      return new PostgresDriver(dataSource);
    }
  }
  putInCache(factoryPath, { DriverFactory });
  return true;
}

deferTypeormDrivers();
const phoneNumbers = resolveFrom('class-validator', 'libphonenumber-js/max');
if (phoneNumbers) deferModule(phoneNumbers);
