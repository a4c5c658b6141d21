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
 * The slow set (`npm run test:full`, run by .ci/run after `npm test`, one suite at a time): suites
 * that stop, pause or restart Redis and PostgreSQL, or spawn built apps.
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
  // Spawns the built resource server as a pool of RESOURCE_WORKERS=2 and kills and signals its processes.
  'test/e2e/resource-workers',
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
  // Serial: with real PostgreSQL and Redis, run beside apps/auth-server/test/e2e/keys it fails its
  // pre-registered client case (the MCP app's event consumer retries "unknown signing key"); alone,
  // or with only one of the two services, it passes. Seen in session 16, also at the commit before;
  // the cause is not found yet (issue notes).
  'examples/mcp-server/test/mcp-server',
];

/**
 * The extended set, also in `npm run test:full` (run by .ci/run, two workers, before the slow
 * set): suites that exercise what the core set already covers from another side or at more cost
 * (the browser, fuzzing, both apps stacked, operability and fault paths on a live app, the built
 * example package), so that `npm test` stays under 8 minutes on a 2-core machine. Each path is a
 * suite file without its extension.
 */
const extendedSuites = [
  // Chromium through playwright-core.
  'test/e2e/console.e2e-spec',
  'test/e2e/oidc-sessions-browser.e2e-spec',
  'test/e2e/console-serving.e2e-spec',
  'test/e2e/console-import.e2e-spec',
  'test/e2e/console-seed-rules.e2e-spec',
  'test/e2e/console-dashboard.e2e-spec',
  'test/e2e/console-accessibility.e2e-spec',
  // Fuzzing every route.
  'apps/auth-server/test/e2e/fuzz.e2e-spec',
  'test/e2e/resource-server-fuzz.e2e-spec',
  // Both apps: the core set keeps test/e2e/stack-in-process and the examples.
  'test/e2e/redis-credentials.e2e-spec',
  'test/e2e/client-basic-gateway.e2e-spec',
  'test/e2e/resource-audiences.e2e-spec',
  'test/e2e/client-metadata-documents-stack.e2e-spec',
  'test/e2e/privileged-scopes-resource-server.e2e-spec',
  'test/e2e/revocation-records.e2e-spec',
  'test/e2e/token-exchange-stack.e2e-spec',
  'test/e2e/introspection-stack.e2e-spec',
  // The dashboard's sync state of every resource server, both apps running (the dashboard's own e2e stays in the core set).
  'test/e2e/dashboard-sync.e2e-spec',
  // The embedded PostgreSQL itself, and npm start's embedded default end to end.
  'apps/auth-server/test/e2e/embedded.e2e-spec',
  'libs/database/test/embedded-postgres.int-spec',
  'libs/testing/test/test-postgres.int-spec',
  // Operability, throttles, races and relay edge cases on a live app.
  'apps/auth-server/test/e2e/health.e2e-spec',
  'apps/resource-server/test/e2e/request-id.e2e-spec',
  'apps/auth-server/test/e2e/admin-csrf.e2e-spec',
  'apps/auth-server/test/e2e/forged-cursors.e2e-spec',
  'apps/auth-server/test/e2e/sync-relay-race.e2e-spec',
  'apps/auth-server/test/e2e/sync-relay-foreign-entry.e2e-spec',
  'apps/auth-server/test/e2e/sync-relay-hold.e2e-spec',
  'apps/auth-server/test/e2e/refresh-serialization.e2e-spec',
  'apps/auth-server/test/e2e/rate-limit.e2e-spec',
  'apps/auth-server/test/e2e/authorize-midflow.e2e-spec',
  'apps/auth-server/test/e2e/authorize-pending-limit.e2e-spec',
  'apps/auth-server/test/e2e/admin-basic-throttle.e2e-spec',
  'apps/auth-server/test/e2e/password-hashing-queue.e2e-spec',
  'apps/auth-server/test/e2e/client-cache.e2e-spec',
  'apps/auth-server/test/e2e/users-revocation.e2e-spec',
  'apps/auth-server/test/e2e/operability.e2e-spec',
  'apps/auth-server/test/e2e/audit-and-logs.e2e-spec',
  'apps/auth-server/test/e2e/audit-before-after.e2e-spec',
  'apps/auth-server/test/e2e/introspection-jwt.e2e-spec',
  'apps/resource-server/test/e2e/operability.e2e-spec',
  'apps/resource-server/test/e2e/gateway-websocket.e2e-spec',
  'apps/resource-server/test/e2e/registry-catch-up.e2e-spec',
  'apps/resource-server/test/e2e/external-authorization-server.e2e-spec',
  'apps/resource-server/test/e2e/admin-routes.e2e-spec',
  'examples/nest-app/test/nest-app.e2e-spec',
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
      testPathIgnorePatterns: [...slowSuites.map((path) => `/${path}\\.e2e-spec\\.ts$`), ...extendedSuites.map((path) => `/${path}\\.ts$`)],
      globalSetup: '<rootDir>/test/global-setup.js',
    },
    { ...shared, displayName: 'e2e-extended', testMatch: extendedSuites.map((path) => `<rootDir>/${path}.ts`), globalSetup: '<rootDir>/test/global-setup.js' },
    { ...shared, displayName: 'e2e-slow', testMatch: slowSuites.map((path) => `<rootDir>/${path}.e2e-spec.ts`), globalSetup: '<rootDir>/test/global-setup.js' },
  ],
};
