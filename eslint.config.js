import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'apps/console/**', 'coverage/**', '.data/**'] },
  ...tseslint.configs.recommended,
  {
    rules: { '@typescript-eslint/no-unsafe-function-type': 'off' },
  },
  {
    // test/: the two-app suites boot both servers.
    ignores: ['test/**', 'apps/launcher/**', 'apps/resource-server/**'],
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
    files: ['libs/**/src/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: [{ group: ['**/apps/**'], message: 'libs must not import apps' }] }] },
  },
);
