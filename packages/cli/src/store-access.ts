import { existsSync, lstatSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CaStore, InputError, parseDuration } from '@dockauth/ca';
import type { Context, GlobalOptions } from './context.js';

/** The systemd credential the renewal unit loads (LoadCredential=, see dockauth systemd). */
const CREDENTIAL = 'dockauth-ca-passphrase';

/**
 * The CA key's passphrase: from --ca-passphrase-file (which must be private),
 * DOCKAUTH_CA_PASSPHRASE, or the systemd credential in $CREDENTIALS_DIRECTORY;
 * undefined when the key is not encrypted.
 */
export function readPassphrase(options: GlobalOptions, env: NodeJS.ProcessEnv = process.env): string | undefined {
  const credential = env.CREDENTIALS_DIRECTORY ? join(env.CREDENTIALS_DIRECTORY, CREDENTIAL) : undefined;
  if (!options.caPassphraseFile && !env.DOCKAUTH_CA_PASSPHRASE && credential && existsSync(credential)) {
    return readPassphrase({ caPassphraseFile: credential }, {});
  }
  const file = options.caPassphraseFile;
  if (file) {
    let stats;
    try {
      stats = lstatSync(file);
    } catch {
      throw new InputError(`failed to read --ca-passphrase-file ${file}: no such file`);
    }
    if (!stats.isFile()) throw new InputError(`failed to read --ca-passphrase-file ${file}: not a regular file`);
    if (stats.mode & 0o077) {
      throw new InputError(`failed to read --ca-passphrase-file ${file}: mode 0${(stats.mode & 0o777).toString(8)} lets group or others read it`, {
        hint: `chmod 600 ${file}`,
      });
    }
    const passphrase = readFileSync(file, 'utf8').replace(/\r?\n$/, '');
    if (passphrase.length === 0) throw new InputError(`failed to read --ca-passphrase-file ${file}: it is empty`);
    return passphrase;
  }
  return env.DOCKAUTH_CA_PASSPHRASE || undefined;
}

/** Opens the CA store of the context's state directory. */
export function openStore(context: Context, options: GlobalOptions): Promise<CaStore> {
  return CaStore.open(context.dir, { passphrase: readPassphrase(options) });
}

/** --days N / --days 8760h → milliseconds; undefined leaves the profile's default. */
export function durationOption(value: unknown, flag = '--days'): number | undefined {
  if (value === undefined) return undefined;
  return parseDuration(String(value), flag);
}

/** A whole number of days from a flag such as --within. */
export function daysOption(value: unknown, flag: string): number {
  const text = String(value);
  if (!/^\d{1,5}$/.test(text)) throw new InputError(`failed to read ${flag}: "${text}" is not a number of days`);
  return Number(text);
}

export function formatDate(date: Date): string {
  return date.toISOString().replace(/\.\d+Z$/, 'Z');
}
