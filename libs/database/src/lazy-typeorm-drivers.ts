import Module, { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

/**
 * TypeORM's DriverFactory requires all eighteen drivers (SAP, Spanner, Oracle, SQL Server, Mongo,
 * the SQLite family…) when it loads, and V8 keeps every loaded module's source text for as long
 * as the process lives: about 1.5 MB of strings and their compiled top levels in a server that
 * only ever speaks PostgreSQL (docs/soak.md, session 9). This puts a factory of our own in
 * Node's module cache under DriverFactory's file name before TypeORM loads, so DataSource gets
 * it instead: PostgreSQL's driver is required when a data source is created, and any other type
 * is handed to TypeORM's own factory, loaded then, so every type behaves as before.
 *
 * Import it before anything that imports typeorm (each entry point's first imports). Without
 * effect when TypeORM is already loaded, or under a module registry other than Node's (Jest).
 */
const require = createRequire(import.meta.url);

interface DataSourceLike {
  options: { type: string };
}
type DriverFactoryModule = { DriverFactory: new () => { create(dataSource: DataSourceLike): unknown } };

export const typeormDriverFactoryPath = (): string => join(dirname(require.resolve('typeorm')), 'driver', 'DriverFactory.js');

export function installLazyTypeormDrivers(): boolean {
  const cache = require.cache;
  let factoryPath: string;
  try {
    factoryPath = typeormDriverFactoryPath();
    require.resolve(factoryPath);
  } catch {
    return false; // a TypeORM laid out differently: leave it alone
  }
  if (cache[factoryPath]) return false;

  let typeormFactory: DriverFactoryModule | undefined;
  const loadTypeormFactory = (): DriverFactoryModule => {
    if (typeormFactory) return typeormFactory;
    // Load the real file under its own name once, then put ours back for later requires.
    const ours = cache[factoryPath];
    delete cache[factoryPath];
    try {
      typeormFactory = require(factoryPath) as DriverFactoryModule;
    } finally {
      cache[factoryPath] = ours;
    }
    return typeormFactory;
  };

  class DriverFactory {
    create(dataSource: DataSourceLike): unknown {
      if (dataSource.options.type === 'postgres') {
        const { PostgresDriver } = require(join(dirname(factoryPath), 'postgres', 'PostgresDriver.js')) as { PostgresDriver: new (dataSource: DataSourceLike) => unknown };
        return new PostgresDriver(dataSource);
      }
      return new (loadTypeormFactory().DriverFactory)().create(dataSource);
    }
  }

  const lazy = new Module(factoryPath);
  lazy.filename = factoryPath;
  lazy.loaded = true;
  lazy.exports = { DriverFactory };
  cache[factoryPath] = lazy;
  return true;
}

installLazyTypeormDrivers();
