/** Metadata key of @RequireScopes; kept apart so the guard and the decorator do not import each other. */
export const REQUIRED_SCOPES = 'portcullis:required-scopes';
