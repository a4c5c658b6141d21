// Nothing global: every e2e file creates its own database (see libs/testing/src/test-database.ts).
export default async function globalSetup() {}
