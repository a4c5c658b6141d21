/** Metadata key of @RequireScopes; kept apart so the guard and the decorator do not import each other. */
export const REQUIRED_SCOPES = 'portcullis:required-scopes';

/** Metadata key of @Public(): a route the guard lets through without a token. */
export const PUBLIC_ROUTE = 'portcullis:public-route';
