/**
 * The DataSource the registry repository uses: a token of its own, never the host's default
 * DataSource (an embedding app usually has one for its own data). The resource server aliases its
 * database to it; ResourceGuardModule opens one of its own.
 */
export const REGISTRY_DATA_SOURCE = Symbol('REGISTRY_DATA_SOURCE');
