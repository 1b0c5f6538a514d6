import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { InputError } from '../errors.js';
import { validateLoginName } from '../names.js';
import { parseCertificatePem, type CertificateInfo } from '../ca-certificate.js';
import type { CaMaterial } from '../create-ca.js';
import type { VerifiedCsr } from '../csr.js';
import type { RevocationReason } from '../revocation-reason.js';
import { normalizeSerial } from '../serial.js';
import type { CertificateRecord } from './certificate-record.js';
import type { InventoryBackend, ListFilter } from './inventory-backend.js';
import { INVENTORY_CONFIG_FILE, readInventoryConfig, type InventoryConfig } from './inventory-config.js';
import { SqliteInventory } from './sqlite-inventory.js';
import { installCa, joinShared, openExisting } from './store-setup.js';
import type { PostgresInventory } from './postgres-inventory.js';
import type { SigningForwarder } from './signing-forwarder.js';
import type { SigningService } from './signing-service.js';
import { Issuance, type ClientRequest, type CsrRequest, type Issued, type ServerRequest, type SignedBatch } from './issuance.js';
import { Revoker, type Revocation } from './revocation.js';
import { SigningKey } from './signing-key.js';

export type { ClientRequest, CsrRequest, Issued, ServerRequest, SignedBatch } from './issuance.js';
export type { Revocation } from './revocation.js';

/** Files of a state directory. */
export const STORE_FILES = {
  caCertificate: 'ca.pem',
  caKey: 'ca-key.pem',
  inventory: 'inventory.db',
  /** Present when the inventory is shared on PostgreSQL (inventory-config.ts). */
  inventoryConfig: INVENTORY_CONFIG_FILE,
  crl: 'crl.pem',
} as const;

export interface CaStoreOptions {
  /** Passphrase of an encrypted CA key. */
  passphrase?: string;
  /** Open the inventory read-only and never load the key (the authorization plugin). */
  readonly?: boolean;
  /** WebCrypto for verifying CSR signatures (the X.509 library's); Node's own by default. */
  crypto?: Crypto;
  clock?: () => Date;
}

/**
 * The CA's state directory: its certificate, the inventory of everything it
 * issued and the queries over it. The key (signing-key.ts), making certificates
 * (issuance.ts) and revocation with the CRL (revocation.ts) live beside it; every
 * change happens under the inventory's write lock, so concurrent dockauth
 * processes never repeat a serial or lose a row.
 */
export class CaStore {
  private parsedCaCertificate: CertificateInfo | undefined;
  private readonly signingKey: SigningKey;
  private readonly issuance: Issuance;
  private readonly revoker: Revoker;
  private readonly now: () => Date;
  private readonly readonly: boolean;

  private constructor(
    readonly dir: string,
    readonly caCertificatePem: string,
    private readonly inventory: InventoryBackend,
    options: CaStoreOptions,
  ) {
    const paths = CaStore.paths(dir);
    const now = (): Date => (options.clock ?? (() => new Date()))();
    this.now = now;
    this.readonly = options.readonly ?? false;
    this.signingKey = new SigningKey(paths.caKey, paths.caCertificate, () => this.caCertificate, { ...options, now });
    const issuer = () => this.signingKey.issuer();
    this.issuance = new Issuance(inventory, issuer, () => this.caCertificate.notAfter, now, options.crypto);
    this.revoker = new Revoker(inventory, issuer, { dir, crlPath: paths.crl }, now);
  }

  /** The CA certificate, parsed on first use: listing the inventory needs neither it nor node:crypto. */
  get caCertificate(): CertificateInfo {
    this.parsedCaCertificate ??= parseCertificatePem(this.caCertificatePem, CaStore.paths(this.dir).caCertificate);
    return this.parsedCaCertificate;
  }

  static paths(dir: string): Record<keyof typeof STORE_FILES, string> {
    const root = resolve(dir);
    return {
      caCertificate: join(root, STORE_FILES.caCertificate),
      caKey: join(root, STORE_FILES.caKey),
      inventory: join(root, STORE_FILES.inventory),
      inventoryConfig: join(root, STORE_FILES.inventoryConfig),
      crl: join(root, STORE_FILES.crl),
    };
  }

  static exists(dir: string): boolean {
    return existsSync(CaStore.paths(dir).caCertificate);
  }

  /** Where the inventory of a state directory lives: the shared database, or the embedded file. */
  static inventoryOf(dir: string): { kind: 'postgres'; config: InventoryConfig } | { kind: 'sqlite'; path: string } {
    const paths = CaStore.paths(dir);
    if (existsSync(paths.inventoryConfig)) return { kind: 'postgres', config: readInventoryConfig(paths.inventoryConfig) };
    return { kind: 'sqlite', path: paths.inventory };
  }

  /**
   * Makes the state directory (0700) and installs the CA in it, unless a CA is
   * already there: then nothing is touched and `created` is false. With `shared`,
   * the inventory is that PostgreSQL database (which must not hold a CA yet).
   */
  static async initialize(dir: string, material: CaMaterial, options: CaStoreOptions & { shared?: InventoryConfig } = {}): Promise<{ store: CaStore; created: boolean }> {
    const { inventory, created } = await installCa(dir, material, options);
    return { store: new CaStore(resolve(dir), readFileSync(CaStore.paths(dir).caCertificate, 'utf8'), inventory, options), created };
  }

  /**
   * Joins a host to a shared inventory without the CA key (a docker host, a login
   * node): ca.pem comes from the inventory's own CA record, beside inventory.json.
   */
  static async join(dir: string, shared: InventoryConfig, options: CaStoreOptions = {}): Promise<{ store: CaStore; created: boolean }> {
    const { inventory, caPem, created } = await joinShared(dir, shared);
    return { store: new CaStore(resolve(dir), caPem, inventory, { ...options, readonly: true }), created };
  }

  /** Opens an existing store; a missing or unsafe one is an InputError that says how to fix it. */
  static async open(dir: string, options: CaStoreOptions = {}): Promise<CaStore> {
    const { inventory, caPem } = await openExisting(dir, options);
    return new CaStore(resolve(dir), caPem, inventory, options);
  }

  /** Where the inventory is, for messages: a file path or a database URL (never its password). */
  get inventoryWhere(): string {
    return this.inventory.where;
  }

  /** For doctor: the inventory's schema version and whether this host's connection may change it. */
  describeInventory(): Promise<{ schemaVersion: number; canWrite: boolean }> {
    return this.inventory.describe();
  }

  /** True when this store shares its inventory on PostgreSQL. */
  get shared(): boolean {
    return !(this.inventory instanceof SqliteInventory);
  }

  /** Never rejects. */
  close(): Promise<void> {
    return this.inventory.close();
  }

  // The queries.

  find(serial: string): Promise<CertificateRecord | undefined> {
    return this.inventory.find(normalizeSerial(serial));
  }

  /** A user's client certificates, newest expiry first. */
  certificatesOf(user: string): Promise<CertificateRecord[]> {
    return this.inventory.byUser(user);
  }

  list(filter: ListFilter = {}): Promise<CertificateRecord[]> {
    return this.inventory.list(filter);
  }

  /** How many certificates the inventory holds (optionally: with this status), without loading them. */
  count(filter: Pick<ListFilter, 'status'> = {}): Promise<number> {
    return this.inventory.count(filter);
  }

  // The signing key, issuance, revocation: each in its own module.

  /** Checks that the CA key can be used (permissions, passphrase) without signing anything; on a login node, that it may forward. */
  async assertCanSign(): Promise<void> {
    const forwarder = await this.forwarder();
    if (forwarder) return forwarder.assertCanForward();
    await this.signingKey.issuer();
  }

  /**
   * A host sharing the inventory without the CA key (a login node) forwards client
   * requests to the CA host through the database (signing-forwarder.ts).
   */
  private async forwarder(): Promise<SigningForwarder | undefined> {
    if (!this.shared || this.readonly || existsSync(CaStore.paths(this.dir).caKey)) return undefined;
    const { SigningForwarder } = await import('./signing-forwarder.js');
    return new SigningForwarder(this.inventory as PostgresInventory, this.now);
  }

  /** Signs one client request without recording it (the signing service records it with its answer). */
  async signForRequest(request: ClientRequest): Promise<Issued> {
    const batch = await this.issuance.signClients([request]);
    return batch.items[0]!.issued;
  }

  /** On the CA host of a shared inventory: answers login nodes' signing requests until closed. */
  async startSigningService(log: (line: string) => void): Promise<SigningService> {
    if (!this.shared) {
      throw new InputError(`failed to serve signing requests: the inventory of ${this.dir} is not shared`, { hint: 'share it first: dockauth inventory migrate --to postgres://…' });
    }
    const { startSigningService } = await import('./signing-service.js');
    return startSigningService(this, this.inventory as PostgresInventory, log, this.now);
  }

  /** A client certificate for a login name, with a fresh key the user will hold. */
  async issueClient(request: ClientRequest): Promise<Issued> {
    return (await this.issuance.issueClients([request]))[0] as Issued;
  }

  /** Client certificates for many users at once (batch onboarding), in one inventory transaction. */
  async issueClients(requests: readonly ClientRequest[], onSigned?: () => void): Promise<Issued[]> {
    return this.issuance.recordClients(await this.signClients(requests, onSigned));
  }

  /** Signs without recording (see Issuance.signClients): the caller records with recordClients. On a login node, the CA host signs and records. */
  async signClients(requests: readonly ClientRequest[], onSigned?: () => void): Promise<SignedBatch> {
    const forwarder = await this.forwarder();
    if (forwarder) return forwarder.signClients(requests, onSigned);
    return this.issuance.signClients(requests, onSigned);
  }

  recordClients(batch: SignedBatch): Promise<Issued[]> {
    return this.issuance.recordClients(batch);
  }

  signClientCsr(request: CsrRequest): Promise<Issued> {
    return this.issuance.signClientCsr(request);
  }

  /** Checks a CSR for `user` and returns its public key; signs nothing. */
  verifyCsr(request: Pick<CsrRequest, 'csrPem' | 'where' | 'user'>): Promise<VerifiedCsr> {
    return this.issuance.verifyCsr(request);
  }

  /** Verifies and signs a CSR without recording it: the caller records with recordClients. */
  signCsr(request: CsrRequest): Promise<SignedBatch> {
    return this.issuance.signCsr(request);
  }

  issueServer(request: ServerRequest): Promise<Issued> {
    return this.issuance.issueServer(request);
  }

  revoke(serial: string, reason: RevocationReason = 'unspecified'): Promise<Revocation> {
    return this.revoker.revoke(serial, reason);
  }

  /** Revokes every still-valid client certificate of a user and publishes a new CRL. */
  async revokeUser(user: string, reason: RevocationReason = 'unspecified'): Promise<Revocation> {
    validateLoginName(user);
    const serials = (await this.certificatesOf(user))
      .filter((record) => record.status === 'valid')
      .map((record) => record.serial);
    return this.revoker.revokeSerials(serials, reason);
  }

  revokeSerials(serials: readonly string[], reason: RevocationReason): Promise<Revocation> {
    return this.revoker.revokeSerials(serials, reason);
  }

  publishCrl(): Promise<string> {
    return this.revoker.publishCrl();
  }
}
