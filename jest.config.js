import { readdirSync } from 'node:fs';

const LIBS = readdirSync(new URL('./libs', import.meta.url)).join('|');

const shared = {
  extensionsToTreatAsEsm: ['.ts'],
  // ts-jest, not a native transformer: npm ci must work from this registry, which carries no
  // prebuilt binaries for other platforms (so @swc/core and jest 30's unrs-resolver are out).
  transform: { '^.+\\.ts$': ['ts-jest', { useESM: true, tsconfig: '<rootDir>/tsconfig.jest.json', diagnostics: false }] },
  moduleNameMapper: {
    // Libs are reached by name through package.json "imports" (#errors, #sync/events, …); jest maps
    // them to the TypeScript sources, as tsc does through the "source" condition. Only our libs'
    // names: packages in node_modules have "#" imports of their own.
    [`^#(${LIBS})/fuzz$`]: '<rootDir>/libs/$1/src/fuzz/index.ts',
    [`^#(${LIBS})$`]: '<rootDir>/libs/$1/src/index.ts',
    [`^#(${LIBS})/(.*)$`]: '<rootDir>/libs/$1/src/$2.ts',
    // The example apps import the guard by its package name, as users do (tsconfig.json "paths").
    '^@portcullis/nest-resource-guard$': '<rootDir>/libs/resource-guard/src/index.ts',
    // Sources import siblings with the ".js" suffix NodeNext requires; jest resolves the .ts file.
    '^(\\.{1,2}/.*)\\.js$': '$1',
  },
  testEnvironment: 'node',
  // dist/ holds compiled copies (and the built-app tests' own package.json): never modules of the tests.
  modulePathIgnorePatterns: ['<rootDir>/dist/'],
};

/**
 * The slow set (`npm run test:full`, run by .ci/run after `npm test`): suites that stop, pause or
 * restart Redis and PostgreSQL, or spawn built apps. `npm test` runs everything else.
 */
const slowSuites = [
  'apps/auth-server/test/e2e/redis-outage',
  'apps/auth-server/test/e2e/postgres-outage',
  'apps/auth-server/test/e2e/sync-redis-restart',
  'apps/auth-server/test/e2e/graceful-shutdown',
  // Spawns the built auth server as a pool of AUTH_WORKERS=2 and kills and signals its processes.
  'apps/auth-server/test/e2e/auth-workers',
  'test/e2e/scale-out',
  'test/e2e/stack-faults',
  'test/e2e/resource-server-graceful-shutdown',
  // A six-node Redis Cluster, then a Sentinel group, each failing over the master holding the stream.
  'test/e2e/stack-redis-ha',
  // Builds the apps and starts the built launcher, like the graceful-shutdown suites.
  'apps/launcher/test/e2e/start-logs',
  // Packs @portcullis/nest-resource-guard and compiles the example app against it, then starts it.
  'examples/nest-app/test/built-package',
  // Starts PgBouncers of its own (session and transaction pooling) in front of TEST_DATABASE_URL.
  'test/e2e/pgbouncer',
  // Real PostgreSQL: ONLINE_MIGRATION_GRANTS grants (default 500,000; 5 million documented in docs/retention.md),
  // then the index migrations run while tokens are issued.
  'apps/auth-server/test/e2e/online-migration',
];

/** One app's suites in its own test folder; suites that boot both apps (the stack) in test/e2e. */
const e2eSuites = ['<rootDir>/apps/*/test/**/*.e2e-spec.ts', '<rootDir>/test/e2e/**/*.e2e-spec.ts', '<rootDir>/libs/*/test/**/*.int-spec.ts', '<rootDir>/examples/*/test/**/*.e2e-spec.ts'];

export default {
  // Global on jest 29 (a project-level testTimeout is ignored): e2e setup on PGlite takes a few seconds.
  testTimeout: 60000,
  projects: [
    { ...shared, displayName: 'unit', testMatch: ['<rootDir>/apps/*/src/**/*.spec.ts', '<rootDir>/libs/*/src/**/*.spec.ts'] },
    // Each e2e file has its own database, ports and stream names, so two workers can run side by side.
    {
      ...shared,
      displayName: 'e2e',
      testMatch: e2eSuites,
      testPathIgnorePatterns: slowSuites.map((path) => `/${path}\\.e2e-spec\\.ts$`),
      globalSetup: '<rootDir>/test/global-setup.js',
    },
    { ...shared, displayName: 'e2e-slow', testMatch: slowSuites.map((path) => `<rootDir>/${path}.e2e-spec.ts`), globalSetup: '<rootDir>/test/global-setup.js' },
  ],
};
