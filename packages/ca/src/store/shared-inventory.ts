import type { ChangeFeedHandlers, ChangeFeedOptions, InventoryChangeFeed } from './postgres-change-feed.js';
import type { InventoryConfig } from './inventory-config.js';

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
