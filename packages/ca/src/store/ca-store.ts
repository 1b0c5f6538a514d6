import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { InputError } from '../errors.js';
import { validateLoginName } from '../names.js';
import { parseCertificatePem, type CertificateInfo } from '../ca-certificate.js';
import type { CaMaterial } from '../create-ca.js';
import type { VerifiedCsr } from '../csr.js';
import type { RevocationReason } from '../revocation-reason.js';
import { normalizeSerial } from '../serial.js';
import { createFileAtomic } from './atomic-file.js';
import type { CertificateRecord } from './certificate-record.js';
import { Inventory } from './inventory.js';
import { Issuance, type ClientRequest, type CsrRequest, type Issued, type ServerRequest, type SignedBatch } from './issuance.js';
import { assertPrivateDirectory } from './permissions.js';
import { recordBase } from './record-base.js';
import { Revoker, type Revocation } from './revocation.js';
import { SigningKey } from './signing-key.js';

export type { ClientRequest, CsrRequest, Issued, ServerRequest, SignedBatch } from './issuance.js';
export type { Revocation } from './revocation.js';

/** Files of a state directory. */
export const STORE_FILES = {
  caCertificate: 'ca.pem',
  caKey: 'ca-key.pem',
  inventory: 'inventory.db',
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

  private constructor(
    readonly dir: string,
    readonly caCertificatePem: string,
    private readonly inventory: Inventory,
    options: CaStoreOptions,
  ) {
    const paths = CaStore.paths(dir);
    const now = (): Date => (options.clock ?? (() => new Date()))();
    this.signingKey = new SigningKey(paths.caKey, paths.caCertificate, () => this.caCertificate, { ...options, now });
    const issuer = () => this.signingKey.issuer();
    this.issuance = new Issuance(inventory, issuer, () => this.caCertificate.notAfter, dir, now, options.crypto);
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
      crl: join(root, STORE_FILES.crl),
    };
  }

  static exists(dir: string): boolean {
    return existsSync(CaStore.paths(dir).caCertificate);
  }

  /**
   * Makes the state directory (0700) and installs the CA in it, unless a CA is
   * already there: then nothing is touched and `created` is false.
   */
  static async initialize(dir: string, material: CaMaterial, options: CaStoreOptions = {}): Promise<{ store: CaStore; created: boolean }> {
    const paths = CaStore.paths(dir);
    const certificate = parseCertificatePem(material.certificatePem, 'of the new CA');
    if (!existsSync(dir)) mkdirSync(dir, { recursive: true, mode: 0o700 });
    assertPrivateDirectory(dir);
    const inventory = Inventory.create(paths.inventory);
    const now = (options.clock ?? (() => new Date()))();
    const created = inventory.transaction(() => {
      if (existsSync(paths.caCertificate)) return false;
      // The key first: a ca.pem without its key would look like a usable CA.
      createFileAtomic(paths.caKey, material.privateKeyPem, 0o600);
      createFileAtomic(paths.caCertificate, material.certificatePem, 0o644);
      inventory.insert({
        ...recordBase({ ...certificate, pem: certificate.pem }, material.keyType, now),
        profile: 'ca',
        user: null,
        groups: [],
        hosts: [],
        origin: material.origin,
        destination: null,
      });
      return true;
    });
    const caPem = readFileSync(paths.caCertificate, 'utf8');
    return { store: new CaStore(resolve(dir), caPem, inventory, options), created };
  }

  /** Opens an existing store; a missing or unsafe one is an InputError that says how to fix it. */
  static async open(dir: string, options: CaStoreOptions = {}): Promise<CaStore> {
    const paths = CaStore.paths(dir);
    assertPrivateDirectory(dir);
    if (!existsSync(paths.caCertificate)) {
      throw new InputError(`failed to open CA store ${resolve(dir)}: there is no CA in it (${STORE_FILES.caCertificate} is missing)`, {
        hint: `make one with: dockauth ca init --dir ${dir}`,
      });
    }
    if (!existsSync(paths.inventory)) {
      throw new InputError(`failed to open CA store ${resolve(dir)}: the inventory ${paths.inventory} is missing`, {
        hint: 'restore it from your backup; dockauth never starts an empty inventory beside an existing CA',
      });
    }
    const caPem = readFileSync(paths.caCertificate, 'utf8');
    const inventory = Inventory.open(paths.inventory, { readonly: options.readonly });
    return new CaStore(resolve(dir), caPem, inventory, options);
  }

  close(): void {
    this.inventory.close();
  }

  // The queries.

  find(serial: string): CertificateRecord | undefined {
    return this.inventory.find(normalizeSerial(serial));
  }

  /** A user's client certificates, newest expiry first. */
  certificatesOf(user: string): CertificateRecord[] {
    return this.inventory.byUser(user);
  }

  list(filter: { profile?: CertificateRecord['profile']; status?: CertificateRecord['status'] } = {}): CertificateRecord[] {
    return this.inventory.list(filter);
  }

  /** How many certificates the inventory holds (optionally: with this status), without loading them. */
  count(filter: { status?: CertificateRecord['status'] } = {}): number {
    return this.inventory.count(filter);
  }

  // The signing key, issuance, revocation: each in its own module.

  /** Checks that the CA key can be used (permissions, passphrase) without signing anything. */
  async assertCanSign(): Promise<void> {
    await this.signingKey.issuer();
  }

  /** A client certificate for a login name, with a fresh key the user will hold. */
  async issueClient(request: ClientRequest): Promise<Issued> {
    return (await this.issuance.issueClients([request]))[0] as Issued;
  }

  /** Client certificates for many users at once (batch onboarding), in one inventory transaction. */
  issueClients(requests: readonly ClientRequest[], onSigned?: () => void): Promise<Issued[]> {
    return this.issuance.issueClients(requests, onSigned);
  }

  /** Signs without recording (see Issuance.signClients): the caller records with recordClients. */
  signClients(requests: readonly ClientRequest[], onSigned?: () => void): Promise<SignedBatch> {
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
  revokeUser(user: string, reason: RevocationReason = 'unspecified'): Promise<Revocation> {
    validateLoginName(user);
    const serials = this.certificatesOf(user)
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
