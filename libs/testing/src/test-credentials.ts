/**
 * The resource server's OAuth client as the tests provision it at the auth server (RESOURCE_CLIENT_ID
 * and RESOURCE_CLIENT_SECRET) and configure it at the resource server: shared by both apps' harnesses.
 */
export const TEST_RESOURCE_CLIENT = { clientId: 'resource-server', clientSecret: 'resource-server-secret-for-tests' };
