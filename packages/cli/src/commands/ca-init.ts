import { readFileSync, mkdirSync, renameSync, existsSync } from 'node:fs';
import { hostname } from 'node:os';
import { join, resolve } from 'node:path';
import {
  CaStore,
  InputError,
  STORE_FILES,
  createCa,
  importCa,
  parseCfsslCsr,
  parseKeyType,
  parseInventoryUrl,
  redactUrl,
  inventoryPassword,
  type CaMaterial,
  type InventoryConfig,
} from '@dockauth/ca';
import type { CommandResult } from '../cli.js';
import type { Context, GlobalOptions } from '../context.js';
import { ask } from '../prompt.js';
import { describeCa } from './describe.js';
import { durationOption, readPassphrase } from '../store-access.js';

export interface CaInitOptions extends GlobalOptions {
  cn?: string;
  keyType?: string;
  days?: string;
  csr?: string;
  importCert?: string;
  importKey?: string;
  force?: boolean;
  inventory?: string;
  inventoryPasswordFile?: string;
  join?: boolean;
}

function readInput(path: string, what: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    throw new InputError(`failed to read ${what} ${path}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
  }
}

function validateFlags(options: CaInitOptions): void {
  if (options.inventoryPasswordFile !== undefined && options.inventory === undefined) {
    throw new InputError('--inventory-password-file goes with --inventory', { hint: 'name the shared inventory: --inventory postgres://USER@HOST:PORT/DB' });
  }
  if (options.join && options.inventory === undefined) {
    throw new InputError('--join needs --inventory', { hint: 'name the shared inventory to join: --inventory postgres://USER@HOST:PORT/DB' });
  }
  if (options.join && (options.cn || options.keyType || options.days || options.csr || options.importCert || options.importKey || options.force)) {
    throw new InputError('--join takes the CA from the shared inventory: drop --cn, --key-type, --days, --csr, --import-* and --force');
  }
  if (options.inventory !== undefined && options.force) {
    throw new InputError('--force cannot replace a CA whose inventory is shared', { hint: 'a new CA needs a new database: --inventory postgres://.../NEW_DB' });
  }
  const importing = options.importCert !== undefined || options.importKey !== undefined;
  if (importing && (options.importCert === undefined || options.importKey === undefined)) {
    throw new InputError('--import-cert and --import-key go together', { hint: 'pass both the CA certificate and its key' });
  }
  if (importing && (options.cn || options.keyType || options.days || options.csr)) {
    throw new InputError('--import-cert/--import-key cannot be combined with --cn, --key-type, --days or --csr', {
      hint: 'an imported CA keeps its own name, key and validity',
    });
  }
  if (options.csr && (options.cn || options.keyType)) {
    throw new InputError('--csr already gives the CN and the key: drop --cn and --key-type');
  }
}

async function makeMaterial(options: CaInitOptions, context: Context, passphrase: string | undefined): Promise<CaMaterial> {
  if (options.importCert && options.importKey) {
    return importCa({
      certificatePem: readInput(options.importCert, 'CA certificate'),
      privateKeyPem: readInput(options.importKey, 'CA key'),
      certificateWhere: options.importCert,
      keyWhere: options.importKey,
      passphrase,
      now: context.now(),
    });
  }
  if (options.csr) {
    const csr = parseCfsslCsr(readInput(options.csr, 'cfssl CSR'), options.csr);
    return createCa({
      subject: csr.subject,
      keyType: csr.keyType,
      durationMs: durationOption(options.days) ?? csr.caExpiryMs,
      passphrase,
      now: context.now(),
    });
  }
  const keyType = options.keyType === undefined ? undefined : parseKeyType(options.keyType);
  const durationMs = durationOption(options.days);
  const commonName =
    options.cn ??
    (await ask(context, { flag: '--cn NAME', message: 'Name of the new CA', default: `dockauth CA ${hostname()}` }));
  if (commonName.trim() === '' || commonName.length > 64) {
    throw new InputError(`failed to accept --cn ${JSON.stringify(commonName)}: a CA name has 1 to 64 characters`);
  }
  return createCa({ subject: { commonName }, keyType, durationMs, passphrase, now: context.now() });
}

/** Moves an existing CA aside (never deletes it) so --force can make a new one. */
function backUpExistingCa(dir: string, now: Date): string {
  const backup = join(dir, `backup-${now.toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z')}`);
  mkdirSync(backup, { mode: 0o700 });
  for (const name of [...Object.values(STORE_FILES), `${STORE_FILES.inventory}-journal`]) {
    const path = join(dir, name);
    if (existsSync(path)) renameSync(path, join(backup, name));
  }
  return backup;
}

/** The shared inventory's settings from the flags: checked (no password in the URL, a private password file) before anything is made. */
function sharedInventory(options: CaInitOptions): InventoryConfig | undefined {
  if (options.inventory === undefined) return undefined;
  const config: InventoryConfig = {
    url: parseInventoryUrl(options.inventory),
    ...(options.inventoryPasswordFile ? { passwordFile: resolve(options.inventoryPasswordFile) } : {}),
  };
  inventoryPassword(config); // a missing or readable password file stops here (exit 2)
  return config;
}

async function joinSharedInventory(context: Context, shared: InventoryConfig): Promise<CommandResult> {
  if (context.dryRun) {
    context.out.say(`would join ${redactUrl(shared.url)} in ${context.dir} (ca.pem from the inventory, no key)`);
    return { changed: true, dryRun: true, dir: context.dir };
  }
  const { store, created } = await CaStore.join(context.dir, shared);
  const ca = await describeCa(store);
  await store.close();
  context.out.say(`${created ? 'Joined' : 'Already joined'} the shared inventory ${redactUrl(shared.url)}: CA "${ca.subject}", valid until ${ca.notAfter}.`);
  context.out.say(`  certificate ${ca.certificate} (the CA key stays on the CA host)`);
  context.out.say('Next: dockauth authz serve (a docker host), or dockauth user add NAME (a login node; see docs/multi-host.md)');
  return { changed: created, dir: context.dir, ca: { ...ca, key: null }, joined: true };
}

export async function caInitCommand(context: Context, options: CaInitOptions): Promise<CommandResult> {
  validateFlags(options);
  const shared = sharedInventory(options);
  if (shared && options.join) return joinSharedInventory(context, shared);
  const passphrase = readPassphrase(options);
  const exists = CaStore.exists(context.dir);
  if (exists && !options.force) {
    const store = await CaStore.open(context.dir, { passphrase });
    const ca = await describeCa(store);
    await store.close();
    context.out.say(`A CA is already in ${context.dir} (${ca.subject}, valid until ${ca.notAfter}); nothing changed.`);
    context.out.say('  To replace it (old one kept as a backup): dockauth ca init --force');
    return { changed: false, dir: context.dir, ca };
  }
  const material = await makeMaterial(options, context, passphrase);
  if (context.dryRun) {
    context.out.say(`would ${exists ? 'replace the CA' : 'create a CA'} in ${context.dir} (${material.keyType})`);
    return { changed: true, dryRun: true, dir: context.dir };
  }
  if (exists) {
    // Check we may use the old store before moving it (ownership, permissions).
    (await CaStore.open(context.dir, { passphrase })).close();
  }
  const backup = exists ? backUpExistingCa(context.dir, context.now()) : undefined;
  const { store, created } = await CaStore.initialize(context.dir, material, { passphrase, shared });
  const ca = await describeCa(store);
  await store.close();
  if (backup) context.out.say(`The previous CA was moved to ${backup}.`);
  context.out.say(`${material.origin === 'imported' ? 'Imported' : 'Made'} the CA "${ca.subject}" (${ca.keyType}) in ${context.dir}, valid until ${ca.notAfter}.`);
  context.out.say(`  certificate ${ca.certificate}`);
  context.out.say(`  key         ${ca.key} (mode 0600${passphrase ? ', encrypted' : ''})`);
  if (shared) context.out.say(`  inventory   ${redactUrl(shared.url)} (shared; other hosts: dockauth ca init --join --inventory URL)`);
  context.out.say('Next: dockauth server issue --host <the name users connect to>');
  return { changed: created, dir: context.dir, ca, backup: backup ?? null };
}
