import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { InputError } from '../errors.js';
import { parseCertificatePem } from '../ca-certificate.js';
import type { CaMaterial } from '../create-ca.js';
import { createFileAtomic } from './atomic-file.js';
import { CaStore, STORE_FILES, type CaStoreOptions } from './ca-store.js';
import type { InventoryBackend, InventoryWrites } from './inventory-backend.js';
import { inventoryConfigText, type InventoryConfig } from './inventory-config.js';
import { assertPrivateDirectory } from './permissions.js';
import { recordBase } from './record-base.js';
import { SqliteInventory } from './sqlite-inventory.js';

/**
 * Setting a state directory up, and opening it: the CA installed beside a new
 * inventory (SQLite, or an empty shared one), a host joining a shared inventory
 * without the key, an existing store checked before use. CaStore's static
 * constructors are these, wrapped.
 */

/**
 * Makes the state directory (0700) and installs the CA in it, unless a CA is
 * already there: then nothing is touched and `created` is false. With `shared`,
 * the inventory is that PostgreSQL database (which must not hold a CA yet).
 */
export async function installCa(dir: string, material: CaMaterial, options: CaStoreOptions & { shared?: InventoryConfig } = {}): Promise<{ inventory: InventoryBackend; created: boolean }> {
  const paths = CaStore.paths(dir);
  const certificate = parseCertificatePem(material.certificatePem, 'of the new CA');
  if (!existsSync(dir)) mkdirSync(dir, { recursive: true, mode: 0o700 });
  assertPrivateDirectory(dir);
  const shared = options.shared ? await connectShared(options.shared) : undefined;
  const inventory: InventoryBackend = shared ?? SqliteInventory.create(paths.inventory);
  const now = (options.clock ?? (() => new Date()))();
  const install = async (tx: InventoryWrites): Promise<boolean> => {
    if (existsSync(paths.caCertificate)) return false;
    if (options.shared) await assertNoCaYet(tx, inventory.where, dir);
    // The key first: a ca.pem without its key would look like a usable CA.
    createFileAtomic(paths.caKey, material.privateKeyPem, 0o600);
    if (options.shared) createFileAtomic(paths.inventoryConfig, inventoryConfigText(options.shared), 0o600);
    createFileAtomic(paths.caCertificate, material.certificatePem, 0o644);
    await tx.insert({
      ...recordBase({ ...certificate, pem: certificate.pem }, material.keyType, now),
      profile: 'ca',
      user: null,
      groups: [],
      hosts: [],
      origin: material.origin,
      destination: null,
    });
    return true;
  };
  let created: boolean;
  try {
    created = shared ? await shared.exclusive(install) : await inventory.transaction(install);
  } catch (error) {
    await inventory.close();
    throw error;
  }
  return { inventory, created };
}


/**
 * Joins a host to a shared inventory without the CA key (a docker host, a login
 * node): ca.pem comes from the inventory's own CA record, beside inventory.json.
 */
export async function joinShared(dir: string, shared: InventoryConfig): Promise<{ inventory: InventoryBackend; caPem: string; created: boolean }> {
  const paths = CaStore.paths(dir);
  if (!existsSync(dir)) mkdirSync(dir, { recursive: true, mode: 0o700 });
  assertPrivateDirectory(dir);
  const inventory = await connectShared(shared, { readonly: true });
  try {
    const ca = (await inventory.list({ profile: 'ca' })).at(-1);
    if (!ca) {
      throw new InputError(`failed to join the inventory ${inventory.where}: it holds no CA yet`, {
        hint: `make the CA on the CA host first: dockauth ca init --inventory ${shared.url}`,
      });
    }
    let created = false;
    if (existsSync(paths.caCertificate)) {
      if (readFileSync(paths.caCertificate, 'utf8') !== ca.certificatePem) {
        throw new InputError(`failed to join the inventory ${inventory.where}: ${paths.caCertificate} is another CA`, {
          hint: 'use a state directory of its own (--dir) for the shared CA',
        });
      }
    } else {
      createFileAtomic(paths.inventoryConfig, inventoryConfigText(shared), 0o600);
      createFileAtomic(paths.caCertificate, ca.certificatePem, 0o644);
      created = true;
    }
    return { inventory, caPem: ca.certificatePem, created };
  } catch (error) {
    await inventory.close();
    throw error;
  }
}


/** Opens an existing store; a missing or unsafe one is an InputError that says how to fix it. */
export async function openExisting(dir: string, options: CaStoreOptions = {}): Promise<{ inventory: InventoryBackend; caPem: string }> {
  const paths = CaStore.paths(dir);
  assertPrivateDirectory(dir);
  if (!existsSync(paths.caCertificate)) {
    throw new InputError(`failed to open CA store ${resolve(dir)}: there is no CA in it (${STORE_FILES.caCertificate} is missing)`, {
      hint: `make one with: dockauth ca init --dir ${dir}`,
    });
  }
  const location = CaStore.inventoryOf(dir);
  if (location.kind === 'sqlite' && !existsSync(paths.inventory)) {
    throw new InputError(`failed to open CA store ${resolve(dir)}: the inventory ${paths.inventory} is missing`, {
      hint: 'restore it from your backup; dockauth never starts an empty inventory beside an existing CA',
    });
  }
  const caPem = readFileSync(paths.caCertificate, 'utf8');
  const inventory =
    location.kind === 'postgres'
      ? await connectShared(location.config, { readonly: options.readonly })
      : SqliteInventory.open(paths.inventory, { readonly: options.readonly });
  return { inventory, caPem };
}


async function connectShared(config: InventoryConfig, options: { readonly?: boolean } = {}) {
  const { PostgresInventory } = await import('./postgres-inventory.js');
  return PostgresInventory.connect(config, options);
}

/** One CA per shared inventory: a second CA host must join, not start a CA of its own. */
async function assertNoCaYet(tx: InventoryWrites, where: string, dir: string): Promise<void> {
  const ca = (await tx.list({ profile: 'ca' })).at(-1);
  if (ca) {
    throw new InputError(`failed to make a CA in ${where}: it already holds the CA "${ca.subject}"`, {
      hint: `to use it from this host without its key: dockauth ca init --join --inventory URL --dir ${dir}`,
    });
  }
}
