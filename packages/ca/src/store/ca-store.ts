import type { KeyObject } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { InputError, OperationError, describeCause } from '../errors.js';
import { assertKeyMatchesCertificate, assertUsableCa, parseCertificatePem, type CertificateInfo } from '../ca-certificate.js';
import type { CaMaterial } from '../create-ca.js';
import { issueCertificate, type Issuer } from '../issue.js';
import { DEFAULT_KEY_TYPE, type KeyType } from '../keys/key-type.js';
import { exportPrivateKeyPem, generateKeyPair, importPrivateKeyPem } from '../keys/key-pair.js';
import { parseHost, validateGroupName, validateLoginName, type HostName } from '../names.js';
import type { CertificateProfile } from '../profiles/certificate-profile.js';
import { CLIENT_PROFILE } from '../profiles/client-profile.js';
import { SERVER_PROFILE } from '../profiles/server-profile.js';
import type { RevocationReason } from '../revocation-reason.js';
import { normalizeSerial, randomSerial } from '../serial.js';
import type { SubjectFields } from '../subject.js';
import { computeValidity, daysToMs } from '../validity.js';
import { createFileAtomic, writeFileAtomic } from './atomic-file.js';
import type { CertificateRecord } from './certificate-record.js';
import { Inventory, SerialTakenError } from './inventory.js';
import { assertPrivateDirectory, assertPrivateKeyFile } from './permissions.js';

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

export interface ClientRequest {
  user: string;
  groups?: readonly string[];
  /** Where the caller will install it (recorded for renewal). */
  destination?: string;
  keyType?: KeyType;
  durationMs?: number;
}

export interface ServerRequest {
  hosts: readonly string[];
  /** The directory the caller will write it to (recorded for renewal). */
  destination?: string;
  commonName?: string;
  keyType?: KeyType;
  durationMs?: number;
}

interface SignInput {
  profile: CertificateProfile;
  subject: SubjectFields;
  publicKey: KeyObject;
  publicKeyType: KeyType;
  hosts?: HostName[];
  durationMs: number | undefined;
  record: Pick<CertificateRecord, 'user' | 'groups' | 'hosts' | 'origin' | 'destination'>;
}

export interface Issued {
  record: CertificateRecord;
  certificatePem: string;
  /** Present when the CA generated the key (absent for CSR signing). */
  privateKeyPem?: string;
  /** True when the requested validity was cut to end with the CA. */
  clampedToCa: boolean;
}

export interface Revocation {
  /** Records that went from valid to revoked in this call. */
  revoked: CertificateRecord[];
  crlPem: string | undefined;
}

/**
 * The CA's state directory: certificate and key, the inventory of everything it
 * issued, and the CRL. Every change to it happens under the inventory's write
 * lock, so concurrent dockauth processes never repeat a serial or lose a row.
 */
export class CaStore {
  private queue: Promise<unknown> = Promise.resolve();
  private issuerPromise: Promise<Issuer> | undefined;
  private parsedCaCertificate: CertificateInfo | undefined;

  private constructor(
    readonly dir: string,
    readonly caCertificatePem: string,
    private readonly inventory: Inventory,
    private readonly options: CaStoreOptions,
  ) {}

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
  static async initialize(
    dir: string,
    material: CaMaterial,
    options: CaStoreOptions = {},
  ): Promise<{ store: CaStore; created: boolean }> {
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
    const store = new CaStore(resolve(dir), caPem, inventory, options);
    return { store, created };
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

  private now(): Date {
    return (this.options.clock ?? (() => new Date()))();
  }

  /** Runs store operations of this process one after another. */
  private serialize<T>(work: () => Promise<T>): Promise<T> {
    const result = this.queue.then(work, work);
    this.queue = result.catch(() => undefined);
    return result;
  }

  /** The CA key, loaded once, after checking it is safe to use and belongs to the certificate. */
  private issuer(): Promise<Issuer> {
    if (this.options.readonly) throw new OperationError('failed to sign: the CA store was opened read-only');
    this.issuerPromise ??= (async () => {
      const { caKey } = CaStore.paths(this.dir);
      assertUsableCa(this.caCertificate, CaStore.paths(this.dir).caCertificate, this.now());
      assertPrivateKeyFile(caKey);
      const keyPair = importPrivateKeyPem(readFileSync(caKey, 'utf8'), { passphrase: this.options.passphrase, where: caKey });
      assertKeyMatchesCertificate(this.caCertificate, keyPair, caKey);
      return { certificate: this.caCertificate, keyPair };
    })();
    this.issuerPromise.catch(() => {
      this.issuerPromise = undefined;
    });
    return this.issuerPromise;
  }

  /** Checks that the CA key can be used (permissions, passphrase) without signing anything. */
  async assertCanSign(): Promise<void> {
    await this.issuer();
  }

  /** A client certificate for a login name, with a fresh key the user will hold. */
  async issueClient(request: ClientRequest): Promise<Issued> {
    return (await this.issueClients([request]))[0] as Issued;
  }

  /** Signs a user's own CSR with the client profile: only its key is taken from it. */
  async signClientCsr(request: { csrPem: string; where: string; user: string; groups?: readonly string[]; durationMs?: number }): Promise<Issued> {
    const user = validateLoginName(request.user);
    const groups = (request.groups ?? []).map((group) => validateGroupName(group));
    await this.issuer();
    const { verifyCsr } = await import('../csr.js');
    const csr = await verifyCsr(request.csrPem, { expectedCommonName: user, where: request.where }, this.options.crypto);
    return this.signAndRecord({
      profile: CLIENT_PROFILE,
      subject: { commonName: user, organization: groups },
      publicKey: csr.publicKey,
      publicKeyType: csr.publicKeyType,
      durationMs: request.durationMs,
      record: { user, groups, hosts: [], origin: 'csr', destination: null },
    });
  }

  /** A Docker daemon's server certificate for the given names and addresses. */
  async issueServer(request: ServerRequest): Promise<Issued> {
    if (request.hosts.length === 0) {
      throw new InputError('failed to issue server certificate: no host names given', {
        hint: 'pass --host NAME (and --ip ADDRESS) for every name clients use to reach the daemon',
      });
    }
    const hosts = uniqueHosts(request.hosts.map((host) => parseHost(host)));
    const commonName = request.commonName ?? hosts.find((host) => host.kind === 'dns')?.value ?? 'docker-engine';
    const keyPair = await generateKeyPair(request.keyType ?? DEFAULT_KEY_TYPE);
    const issued = await this.signAndRecord({
      profile: SERVER_PROFILE,
      subject: { commonName },
      publicKey: keyPair.publicKey,
      publicKeyType: keyPair.type,
      hosts,
      durationMs: request.durationMs,
      record: { user: null, groups: [], hosts: hosts.map((host) => host.value), origin: 'generated', destination: request.destination ?? null },
    });
    return { ...issued, privateKeyPem: exportPrivateKeyPem(keyPair.privateKey) };
  }

  private async signAndRecord(input: SignInput): Promise<Issued> {
    const item = { input, issued: await this.sign(input) };
    await this.recordSigned([item]);
    return item.issued;
  }

  /**
   * Records signed certificates in one transaction. A serial collision is
   * astronomically unlikely, but the inventory is the judge: those are re-signed
   * with new serials and recorded again.
   */
  private async recordSigned(items: Array<{ input: SignInput; issued: Issued }>): Promise<void> {
    let pending = items;
    for (let attempt = 0; pending.length > 0; attempt++) {
      if (attempt === 5) throw new OperationError('failed to issue certificates: no free serial after 5 attempts (inventory damaged?)');
      const taken = new Set(this.recordAll(pending.map((item) => item.issued)));
      pending = pending.filter((item) => taken.has(item.issued));
      for (const item of pending) item.issued = await this.sign(item.input);
    }
  }

  /** Signs a certificate (nothing is recorded yet). */
  private async sign(input: SignInput): Promise<Issued> {
    const issuer = await this.issuer();
    const durationMs = input.durationMs ?? daysToMs(input.profile.defaultValidityDays);
    const now = this.now();
    const validity = computeValidity(now, durationMs, this.caCertificate.notAfter);
    const certificate = issueCertificate(
      {
        profile: input.profile,
        subject: input.subject,
        publicKey: input.publicKey,
        publicKeyType: input.publicKeyType,
        hosts: input.hosts,
        validity,
        serial: randomSerial(),
      },
      issuer,
    );
    const record: CertificateRecord = {
      ...recordBase(certificate, input.publicKeyType, now),
      profile: input.profile.name,
      ...input.record,
    };
    return { record, certificatePem: record.certificatePem, clampedToCa: validity.clampedToIssuer };
  }

  /**
   * Records signed certificates in one transaction (one durable commit for a whole
   * batch). Returns those whose serial was taken, which were not recorded.
   */
  private recordAll(issued: readonly Issued[]): Issued[] {
    try {
      return this.inventory.transaction(() =>
        issued.filter((item) => {
          try {
            this.inventory.insert(item.record);
            return false;
          } catch (error) {
            if (error instanceof SerialTakenError) return true;
            throw error;
          }
        }),
      );
    } catch (error) {
      throw new OperationError(`failed to record certificates in ${this.dir}: ${describeCause(error)}`, { cause: error });
    }
  }

  /**
   * Client certificates for many users at once (batch onboarding): a fresh key
   * and a signature each, and one inventory transaction for them all.
   */
  async issueClients(requests: readonly ClientRequest[], onSigned: () => void = () => undefined): Promise<Issued[]> {
    const prepared = requests.map((request) => ({
      request,
      user: validateLoginName(request.user),
      groups: (request.groups ?? []).map((group) => validateGroupName(group)),
    }));
    await this.issuer();
    const items: Array<{ input: SignInput; privateKeyPem: string; issued: Issued }> = [];
    // A few at a time: RSA key generation runs on the thread pool.
    for (let start = 0; start < prepared.length; start += 8) {
      const chunk = prepared.slice(start, start + 8);
      items.push(
        ...(await Promise.all(
          chunk.map(async ({ request, user, groups }) => {
            const keyPair = await generateKeyPair(request.keyType ?? DEFAULT_KEY_TYPE);
            const input: SignInput = {
              profile: CLIENT_PROFILE,
              subject: { commonName: user, organization: groups },
              publicKey: keyPair.publicKey,
              publicKeyType: keyPair.type,
              durationMs: request.durationMs,
              record: { user, groups, hosts: [], origin: 'generated', destination: request.destination ?? null },
            };
            const issued = await this.sign(input);
            const privateKeyPem = exportPrivateKeyPem(keyPair.privateKey);
            onSigned();
            return { input, privateKeyPem, issued };
          }),
        )),
      );
    }
    await this.recordSigned(items);
    return items.map((item) => ({ ...item.issued, privateKeyPem: item.privateKeyPem }));
  }

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

  /** Revokes one certificate by serial and publishes a new CRL. */
  async revoke(serial: string, reason: RevocationReason = 'unspecified'): Promise<Revocation> {
    const record = this.find(serial);
    if (!record) {
      throw new InputError(`failed to revoke ${serial}: no certificate with that serial in ${this.dir}`, {
        hint: 'list serials with: dockauth user list',
      });
    }
    if (record.profile === 'ca') {
      throw new InputError(`failed to revoke ${serial}: it is the CA itself`, {
        hint: 'to replace the CA, run dockauth ca init --force',
      });
    }
    return this.revokeSerials([record.serial], reason);
  }

  /** Revokes every still-valid client certificate of a user and publishes a new CRL. */
  async revokeUser(user: string, reason: RevocationReason = 'unspecified'): Promise<Revocation> {
    validateLoginName(user);
    const serials = this.certificatesOf(user)
      .filter((record) => record.status === 'valid')
      .map((record) => record.serial);
    return this.revokeSerials(serials, reason);
  }

  /** Revokes the given serials (those still valid) under one lock, with one new CRL. */
  async revokeSerials(serials: readonly string[], reason: RevocationReason): Promise<Revocation> {
    if (serials.length === 0) return { revoked: [], crlPem: undefined };
    await this.issuer();
    return this.serialize(() =>
      this.inventory.withWriteLock(async () => {
        const now = this.now();
        const revoked = serials
          .filter((serial) => this.inventory.markRevoked(serial, now, reason))
          .map((serial) => this.inventory.find(serial) as CertificateRecord);
        const crlPem = revoked.length > 0 ? await this.publishCrlLocked(now) : undefined;
        return { revoked, crlPem };
      }),
    );
  }

  /** Signs and writes a fresh CRL (crl.pem) listing every revoked, unexpired certificate. */
  async publishCrl(): Promise<string> {
    await this.issuer();
    return this.serialize(() => this.inventory.withWriteLock(() => this.publishCrlLocked(this.now())));
  }

  private async publishCrlLocked(now: Date, nextUpdateDays = 7): Promise<string> {
    const { buildCrl } = await import('../crl.js');
    const pem = await buildCrl(
      {
        entries: this.inventory.revokedUnexpired(now),
        crlNumber: this.inventory.nextCrlNumber(),
        thisUpdate: now,
        nextUpdate: new Date(now.getTime() + daysToMs(nextUpdateDays)),
      },
      await this.issuer(),
    );
    writeFileAtomic(CaStore.paths(this.dir).crl, pem, 0o644);
    return pem;
  }
}

/** What a record needs of a certificate, from either reader. */
interface CertificateFields {
  serialNumber: string;
  subject: string;
  notBefore: Date;
  notAfter: Date;
  pem: string;
}

function recordBase(
  certificate: CertificateFields,
  keyType: KeyType,
  issuedAt: Date,
): Omit<CertificateRecord, 'profile' | 'user' | 'groups' | 'hosts' | 'origin' | 'destination'> {
  return {
    serial: normalizeSerial(certificate.serialNumber),
    subject: certificate.subject,
    keyType,
    notBefore: certificate.notBefore,
    notAfter: certificate.notAfter,
    issuedAt,
    status: 'valid',
    revokedAt: null,
    revocationReason: null,
    certificatePem: certificate.pem,
  };
}

function uniqueHosts(hosts: HostName[]): HostName[] {
  const seen = new Set<string>();
  return hosts.filter((host) => {
    const key = `${host.kind}:${host.value}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
