import { DatabaseStatus } from './database-status.js';
import { TransactionRunner } from './transaction-runner.js';

/** What each app's database module provides (and exports) to the app's services: no DataSource. */
export const DATABASE_ACCESS_PROVIDERS = [TransactionRunner, DatabaseStatus];
