/**
 * Module boundaries (docs/architecture.md), checked by `npm run lint:deps` (part of `npm run lint`).
 * Today's violations are recorded in .dependency-cruiser-known-violations.json and ignored
 * (--ignore-known): the check fails on any NEW one. The restructure empties that file step by step;
 * regenerate it only when removing entries: npm run lint:deps:baseline.
 */

/** The only files of an app the launcher may import: each app's public bootstrap and config. */
const APP_PUBLIC_ENTRIES = [
  '^apps/auth-server/src/bootstrap[.]ts$',
  '^apps/auth-server/src/config/auth-server[.]config[.]ts$',
  '^apps/resource-server/src/bootstrap[.]ts$',
  '^apps/resource-server/src/config/resource-server[.]config[.]ts$',
];

/**
 * Persistence code: repositories, entities, migrations, each app's database/ folder and
 * libs/database, and tests (which set up and inspect databases directly). The only code that
 * touches TypeORM or the pg driver; services receive an opaque transaction handle (Tx) instead.
 */
const PERSISTENCE = [
  '[.]repository[.]ts$',
  '[.]entity[.]ts$',
  '/migrations/',
  '^(apps/[^/]+|libs/resource-guard)/src/database/',
  '^libs/database/',
  '^libs/testing/',
  '^(apps|libs)/[^/]+/test/',
  '^test/',
  '[.]spec[.]ts$',
];

module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'No import cycle between files (type-only imports included: they are design cycles too).',
      from: {},
      to: { circular: true },
    },
    {
      name: 'no-circular-folders',
      severity: 'error',
      comment: "No import cycle between folders (an app's domain modules form a graph, not a loop).",
      scope: 'folder',
      from: { path: '^(apps|libs)/' },
      to: { circular: true },
    },
    {
      name: 'lib-not-to-app',
      severity: 'error',
      comment: "Libraries never import apps, libs/testing included (its app harnesses move to the apps' own test folders).",
      from: { path: '^libs/' },
      to: { path: '^apps/' },
    },
    {
      name: 'app-not-to-other-app',
      severity: 'error',
      comment: 'The apps never import each other: what both need is in a lib (libs/sync, libs/oauth).',
      from: { path: '^apps/([^/]+)/', pathNot: '^apps/launcher/' },
      to: { path: '^apps/', pathNot: '^apps/$1/' },
    },
    {
      name: 'launcher-only-app-entries',
      severity: 'error',
      comment: 'The launcher starts the apps through their public bootstrap and config only.',
      from: { path: '^apps/launcher/' },
      to: { path: '^apps/', pathNot: ['^apps/launcher/', ...APP_PUBLIC_ENTRIES] },
    },
    {
      name: 'harness-only-app-entries',
      severity: 'error',
      comment: "A test harness boots an app through its public bootstrap and config (registryHandle, not the registry's providers).",
      from: { path: ['^apps/[^/]+/test/support/[^/]+-harness[.]ts$', '^test/support/'] },
      to: { path: '^apps/[^/]+/src/', pathNot: APP_PUBLIC_ENTRIES },
    },
    {
      name: 'no-relative-lib-import',
      severity: 'error',
      comment: 'A lib is reached by its name (#errors: "aliased"), not by a relative path from outside it (../../libs/x/src/...).',
      from: { path: '^(apps|libs)/([^/]+)/' },
      to: { path: '^libs/', pathNot: '^$1/$2/', dependencyTypes: ['local'], dependencyTypesNot: ['aliased'] },
    },
    {
      name: 'typeorm-only-in-persistence',
      severity: 'error',
      comment: 'Only repositories, entities, migrations, database modules, libs/database and tests import TypeORM or pg; services pass a Tx (#database).',
      from: { pathNot: PERSISTENCE },
      to: { path: '(^|/)node_modules/(typeorm|pg)/' },
    },
    {
      name: 'typeorm-module-only-in-persistence',
      severity: 'error',
      comment: 'Also @nestjs/typeorm (InjectDataSource, InjectRepository), except a module registering its entities (TypeOrmModule.forFeature).',
      from: { pathNot: [...PERSISTENCE, '[.]module[.]ts$'] },
      to: { path: '(^|/)node_modules/@nestjs/typeorm/' },
    },
    {
      name: 'persistence-helpers-only-in-persistence',
      severity: 'error',
      comment: 'Only persistence code turns a Tx back into an EntityManager or reaches the pg pool (#database/persistence).',
      from: { pathNot: PERSISTENCE },
      to: { path: '^libs/database/src/persistence[.]ts$' },
    },
    {
      name: 'not-to-unresolvable',
      severity: 'error',
      comment: 'Every import resolves (a typo or a moved file fails here, not at run time).',
      from: {},
      to: { couldNotResolve: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^(dist|coverage|[.]data|node_modules)/' },
    tsConfig: { fileName: 'tsconfig.json' },
    // Type-only imports count: a type import from an app is still a dependency on it.
    tsPreCompilationDeps: true,
    // "source": the condition package.json "imports" (#errors) list first for the lib's sources (docs/architecture.md).
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['source', 'import', 'require', 'node', 'default', 'types'] },
    cache: false,
  },
};
