import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'apps/console/**', 'coverage/**', '.data/**'] },
  ...tseslint.configs.recommended,
  {
    rules: { '@typescript-eslint/no-unsafe-function-type': 'off' },
  },
  {
    // test/: the two-app suites boot both servers (the example apps' suites too); bench/ measures both.
    ignores: ['test/**', 'examples/*/test/**', 'apps/launcher/**', 'apps/resource-server/**', 'bench/**'],
    rules: {
      // Libraries never import from apps, and the two apps never import each other.
      'no-restricted-imports': ['error', { patterns: [{ group: ['**/apps/resource-server/**'], message: 'the auth server and libs must not import the resource server' }] }],
    },
  },
  {
    files: ['apps/resource-server/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: [{ group: ['**/auth-server/**'], message: 'the resource server must not import the auth server' }] }] },
  },
  {
    // A module that injects a provider imports the module that exports it (docs/architecture.md):
    // only configuration and the database are global, so a hidden dependency cannot hide a cycle.
    files: ['apps/**/*.ts', 'libs/**/*.ts'],
    ignores: [
      'apps/*/src/config/config.module.ts',
      'apps/*/src/database/database.module.ts',
      'libs/resource-guard/src/config/config.module.ts',
      'libs/resource-guard/src/database/database.module.ts',
      // Global for an embedding app only (forRoot/forRootAsync), as Nest's forRoot modules are.
      'libs/resource-guard/src/resource-guard.module.ts',
    ],
    rules: {
      'no-restricted-syntax': [
        'error',
        {
          selector: "Decorator[expression.callee.name='Global']",
          message: '@Global() is for the config and database modules only: import the module that exports the provider.',
        },
        {
          selector: "Property[key.name='global'][value.value=true]",
          message: 'global: true is for the config and database modules only: import the module that exports the provider.',
        },
      ],
    },
  },
  {
    // An example app is written as a user would: the guard by its package name, nothing of the repo's own.
    files: ['examples/*/src/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        // '\\#*': the patterns are gitignore syntax, where a bare # starts a comment.
        { patterns: [{ group: ['**/apps/**', '**/libs/**', '\\#*'], message: 'an example imports @portcullis/nest-resource-guard by its package name, as users do' }] },
      ],
    },
  },
  {
    files: ['libs/**/src/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: [{ group: ['**/apps/**'], message: 'libs must not import apps' }] }] },
  },
);
