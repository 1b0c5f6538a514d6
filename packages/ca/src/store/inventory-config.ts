import { existsSync, lstatSync, readFileSync } from 'node:fs';
import { InputError } from '../errors.js';

/**
 * Where a shared inventory lives: the state directory's inventory.json names a
 * PostgreSQL database (without a password) and, optionally, the file holding the
 * password. The password itself is never in this file nor on a command line: it
 * comes from that private file, DOCKAUTH_INVENTORY_PASSWORD, or libpq's own
 * PGPASSWORD / ~/.pgpass.
 */
export interface InventoryConfig {
  /** postgres://USER@HOST:PORT/DATABASE (no password). */
  url: string;
  passwordFile?: string;
}

export const INVENTORY_CONFIG_FILE = 'inventory.json';

/** Checks a postgres:// URL given by the administrator; refuses one that carries a password. */
export function parseInventoryUrl(text: string, where = '--inventory'): string {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new InputError(`failed to read ${where} ${JSON.stringify(text)}: not a URL`, { hint: 'give it as postgres://USER@HOST:PORT/DATABASE' });
  }
  if (url.protocol !== 'postgres:' && url.protocol !== 'postgresql:') {
    throw new InputError(`failed to read ${where} ${redactUrl(text)}: only postgres:// inventories are shared (SQLite is the default, with no flag)`, {
      hint: 'give it as postgres://USER@HOST:PORT/DATABASE',
    });
  }
  if (url.password !== '') {
    throw new InputError(`failed to read ${where}: the URL carries a password, which would show in the process list and shell history`, {
      hint: 'drop it from the URL and put it in a private file (--inventory-password-file FILE, mode 0600) or DOCKAUTH_INVENTORY_PASSWORD',
    });
  }
  const sslmode = url.searchParams.get('sslmode');
  if (sslmode !== null && sslmode !== 'verify-full' && sslmode !== 'disable') {
    throw new InputError(`failed to read ${where}: sslmode=${sslmode} is not supported`, {
      hint: 'use sslmode=verify-full (TLS, the server\'s certificate checked; sslrootcert=FILE for a private CA) or leave it out on a trusted network',
    });
  }
  if (url.pathname.length <= 1) throw new InputError(`failed to read ${where} ${text}: no database named`, { hint: 'end the URL with /DATABASE' });
  return text;
}

/** The URL with any password replaced, for messages and logs. */
export function redactUrl(text: string): string {
  try {
    const url = new URL(text);
    if (url.password) url.password = '***';
    return url.toString();
  } catch {
    return '(unreadable URL)';
  }
}

export function readInventoryConfig(path: string): InventoryConfig {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new InputError(`failed to read the inventory settings ${path}: ${(error as Error).message}`, {
      hint: 'it holds {"url": "postgres://USER@HOST:PORT/DATABASE", "passwordFile": "/etc/dockauth/inventory.password"}',
    });
  }
  const config = parsed as Partial<InventoryConfig> | null;
  if (typeof config?.url !== 'string') throw new InputError(`failed to read the inventory settings ${path}: "url" is missing`);
  if (config.passwordFile !== undefined && typeof config.passwordFile !== 'string') {
    throw new InputError(`failed to read the inventory settings ${path}: "passwordFile" is not a path`);
  }
  return { url: parseInventoryUrl(config.url, `"url" in ${path}`), ...(config.passwordFile ? { passwordFile: config.passwordFile } : {}) };
}

export function inventoryConfigText(config: InventoryConfig): string {
  return `${JSON.stringify(config, null, 2)}\n`;
}

/** The password: from the private password file, else the environment; undefined leaves it to libpq's rules. */
export function inventoryPassword(config: InventoryConfig, env: NodeJS.ProcessEnv = process.env): string | undefined {
  const file = config.passwordFile;
  if (file) {
    if (!existsSync(file)) throw new InputError(`failed to read the inventory password file ${file}: no such file`);
    const stats = lstatSync(file);
    if (!stats.isFile()) throw new InputError(`failed to read the inventory password file ${file}: not a regular file`);
    if (stats.mode & 0o077) {
      throw new InputError(`failed to read the inventory password file ${file}: mode 0${(stats.mode & 0o777).toString(8)} lets group or others read it`, {
        hint: `chmod 600 ${file}`,
      });
    }
    return readFileSync(file, 'utf8').replace(/\r?\n$/, '');
  }
  return env.DOCKAUTH_INVENTORY_PASSWORD || undefined;
}
