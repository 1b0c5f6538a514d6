import type { ChangeFeedHandlers, ChangeFeedOptions, InventoryChangeFeed } from './postgres-change-feed.js';
import type { InventoryConfig } from './inventory-config.js';
import type { MigrationResult } from './inventory-migration.js';

/**
 * Entry points to the PostgreSQL side, loaded on first use: a one-host site
 * (SQLite) never loads the database client.
 */
export async function followInventory(config: InventoryConfig, handlers: ChangeFeedHandlers, options?: ChangeFeedOptions): Promise<InventoryChangeFeed> {
  const { InventoryChangeFeed } = await import('./postgres-change-feed.js');
  const feed = new InventoryChangeFeed(config, handlers, options);
  await feed.start();
  return feed;
}

/** See inventory-migration.ts: a state directory's SQLite inventory into an empty PostgreSQL one. */
export async function migrateInventory(dir: string, config: InventoryConfig, now: Date, options?: { dryRun?: boolean }): Promise<MigrationResult> {
  const { migrateToShared } = await import('./inventory-migration.js');
  return migrateToShared(dir, config, now, options);
}
