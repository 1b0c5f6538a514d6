import { resolve } from 'node:path';
import { InputError, inventoryPassword, migrateInventory, parseInventoryUrl, redactUrl, type InventoryConfig } from '@dockauth/ca';
import type { CommandResult } from '../cli.js';
import type { Context, GlobalOptions } from '../context.js';

export interface InventoryMigrateOptions extends GlobalOptions {
  to?: string;
  inventoryPasswordFile?: string;
}

/** Moves the state directory's SQLite inventory into an empty PostgreSQL database, once. */
export async function inventoryMigrateCommand(context: Context, options: InventoryMigrateOptions): Promise<CommandResult> {
  if (options.to === undefined) {
    throw new InputError('inventory migrate needs --to postgres://USER@HOST:PORT/DB', { hint: 'dockauth inventory migrate --to postgres://dockauth@db.example.org/dockauth --inventory-password-file FILE' });
  }
  const config: InventoryConfig = {
    url: parseInventoryUrl(options.to, '--to'),
    ...(options.inventoryPasswordFile ? { passwordFile: resolve(options.inventoryPasswordFile) } : {}),
  };
  inventoryPassword(config); // a missing or readable password file stops here (exit 2)
  const result = await migrateInventory(context.dir, config, context.now(), { dryRun: context.dryRun });
  const where = redactUrl(config.url);
  const what = `${result.certificates} certificates (${result.revoked} revoked), CRL number ${result.crlNumber}`;
  if (context.dryRun) {
    context.out.say(`would move ${what} into ${where} (checked in a transaction, rolled back)`);
    return { changed: true, dryRun: true, to: where, ...result };
  }
  context.out.say(`${result.copied ? 'Moved' : 'Found already moved (finishing a cut-off run)'}: ${what} into ${where}.`);
  context.out.say(`  ${context.dir} now uses it (inventory.json); the SQLite file is kept as ${result.keptAs}`);
  context.out.say('Next: on each docker host, dockauth ca init --join --inventory URL (see docs/multi-host.md)');
  return { changed: true, to: where, ...result };
}
