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
    // Sources import siblings with the ".js" suffix NodeNext requires; jest resolves the .ts file.
    '^(\\.{1,2}/.*)\\.js$': '$1',
  },
  testEnvironment: 'node',
};

export default {
  // Global on jest 29 (a project-level testTimeout is ignored): e2e setup on PGlite takes a few seconds.
  testTimeout: 60000,
  projects: [
    { ...shared, displayName: 'unit', testMatch: ['<rootDir>/apps/*/src/**/*.spec.ts', '<rootDir>/libs/*/src/**/*.spec.ts'] },
    {
      ...shared,
      displayName: 'e2e',
      testMatch: ['<rootDir>/apps/*/test/**/*.e2e-spec.ts', '<rootDir>/libs/*/test/**/*.int-spec.ts'],
      globalSetup: '<rootDir>/test/global-setup.js',
    },
  ],
};
