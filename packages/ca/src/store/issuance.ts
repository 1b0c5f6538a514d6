import { X509Certificate, createPublicKey, type KeyObject } from 'node:crypto';
import type { VerifiedCsr } from '../csr.js';
import { InputError, OperationError, describeCause } from '../errors.js';
import { issueCertificate, type Issuer } from '../issue.js';
import { DEFAULT_KEY_TYPE, type KeyType } from '../keys/key-type.js';
import { exportPrivateKeyPem, generateKeyPair } from '../keys/key-pair.js';
import { parseHost, validateGroupName, validateLoginName, type HostName } from '../names.js';
import type { CertificateProfile } from '../profiles/certificate-profile.js';
import { CLIENT_PROFILE } from '../profiles/client-profile.js';
import { SERVER_PROFILE } from '../profiles/server-profile.js';
import { randomSerial } from '../serial.js';
import type { SubjectFields } from '../subject.js';
import { computeValidity, daysToMs } from '../validity.js';
import type { CertificateRecord } from './certificate-record.js';
import type { InventoryBackend } from './inventory-backend.js';
import { recordBase } from './record-base.js';

export interface ClientRequest {
  user: string;
  groups?: readonly string[];
  /** Where the caller will install it (recorded for renewal). */
  destination?: string;
  keyType?: KeyType;
  durationMs?: number;
  /**
   * Re-sign this public key instead of making a new key pair: renewal of a user
   * who keeps their own key (the certificate being renewed carries it), or a
   * login node's request (it made the key pair and keeps the private key).
   */
  publicKeyFrom?: { certificatePem: string; keyType: KeyType } | { publicKeyPem: string; keyType: KeyType };
}

export interface CsrRequest {
  csrPem: string;
  /** Where the CSR came from, for messages. */
  where: string;
  user: string;
  groups?: readonly string[];
  durationMs?: number;
  /** The directory the caller will write the certificate to (recorded for renewal). */
  destination?: string;
}

export interface ServerRequest {
  hosts: readonly string[];
  /** The directory the caller will write it to (recorded for renewal). */
  destination?: string;
  commonName?: string;
  keyType?: KeyType;
  durationMs?: number;
}

export interface Issued {
  record: CertificateRecord;
  certificatePem: string;
  /** Present when the CA generated the key (absent when the holder keeps theirs). */
  privateKeyPem?: string;
  /** True when the requested validity was cut to end with the CA. */
  clampedToCa: boolean;
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

interface SignedItem {
  /** What was signed (absent when the CA host signed it for a login node). */
  input?: SignInput;
  privateKeyPem?: string;
  issued: Issued;
}

/** Certificates signed but not yet recorded (opaque to callers). */
export interface SignedBatch {
  readonly items: readonly SignedItem[];
  /** Already in the inventory: the CA host recorded it as it signed (a forwarded request). */
  readonly recorded?: boolean;
}

/**
 * Making certificates: a key (fresh, or the holder's own), a signature, and a row
 * in the inventory. Everything signed in one call is recorded in one transaction.
 */
export class Issuance {
  constructor(
    private readonly inventory: InventoryBackend,
    private readonly issuer: () => Promise<Issuer>,
    private readonly caNotAfter: () => Date,
    private readonly now: () => Date,
    private readonly crypto?: Crypto,
  ) {}

  /** Client certificates for many users at once: one inventory transaction for them all. */
  async issueClients(requests: readonly ClientRequest[], onSigned: () => void = () => undefined): Promise<Issued[]> {
    return this.recordClients(await this.signClients(requests, onSigned));
  }

  /**
   * Signs client certificates without recording them: until recordClients, nothing
   * is kept anywhere, so the caller may stop at any point in between.
   */
  async signClients(requests: readonly ClientRequest[], onSigned: () => void = () => undefined): Promise<SignedBatch> {
    const prepared = requests.map((request) => ({
      request,
      user: validateLoginName(request.user),
      groups: (request.groups ?? []).map((group) => validateGroupName(group)),
    }));
    await this.issuer();
    const items: SignedItem[] = [];
    // A few at a time: RSA key generation runs on the thread pool.
    for (let start = 0; start < prepared.length; start += 8) {
      const chunk = prepared.slice(start, start + 8);
      items.push(
        ...(await Promise.all(
          chunk.map(async ({ request, user, groups }) => {
            const own = request.publicKeyFrom;
            const keyPair = own ? undefined : await generateKeyPair(request.keyType ?? DEFAULT_KEY_TYPE);
            const input: SignInput = {
              profile: CLIENT_PROFILE,
              subject: { commonName: user, organization: groups },
              publicKey: own ? ('publicKeyPem' in own ? createPublicKey(own.publicKeyPem) : new X509Certificate(own.certificatePem).publicKey) : keyPair!.publicKey,
              publicKeyType: own ? own.keyType : keyPair!.type,
              durationMs: request.durationMs,
              record: { user, groups, hosts: [], origin: own ? 'csr' : 'generated', destination: request.destination ?? null },
            };
            const issued = await this.sign(input);
            onSigned();
            return { input, privateKeyPem: keyPair && exportPrivateKeyPem(keyPair.privateKey), issued };
          }),
        )),
      );
    }
    return { items };
  }

  /** Records a signed batch in one transaction and hands back what was recorded. */
  async recordClients(batch: SignedBatch): Promise<Issued[]> {
    // The same objects: a serial collision re-signs in place, and what is returned below is what was recorded.
    if (!batch.recorded) await this.recordSigned(batch.items as ReadonlyArray<{ input: SignInput; issued: Issued }>);
    return batch.items.map((item) => ({ ...item.issued, ...(item.privateKeyPem === undefined ? {} : { privateKeyPem: item.privateKeyPem }) }));
  }

  /** Signs a user's own CSR with the client profile: only its key is taken from it. */
  async signClientCsr(request: CsrRequest): Promise<Issued> {
    const [issued] = await this.recordClients(await this.signCsr(request));
    return issued!;
  }

  /** Checks a CSR (its signature, key type, and that its CN is the user) and hands back its public key; signs nothing. */
  async verifyCsr(request: Pick<CsrRequest, 'csrPem' | 'where' | 'user'>): Promise<VerifiedCsr> {
    const { verifyCsr } = await import('../csr.js');
    return verifyCsr(request.csrPem, { expectedCommonName: validateLoginName(request.user), where: request.where }, this.crypto);
  }

  /** Verifies and signs a CSR without recording it (record with recordClients): nothing is kept until then. */
  async signCsr(request: CsrRequest): Promise<SignedBatch> {
    const user = validateLoginName(request.user);
    const groups = (request.groups ?? []).map((group) => validateGroupName(group));
    await this.issuer();
    const csr = await this.verifyCsr(request);
    const input: SignInput = {
      profile: CLIENT_PROFILE,
      subject: { commonName: user, organization: groups },
      publicKey: csr.publicKey,
      publicKeyType: csr.publicKeyType,
      durationMs: request.durationMs,
      record: { user, groups, hosts: [], origin: 'csr', destination: request.destination ?? null },
    };
    return { items: [{ input, issued: await this.sign(input) }] };
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

  /** Signs a certificate (nothing is recorded yet). */
  private async sign(input: SignInput): Promise<Issued> {
    const issuer = await this.issuer();
    const durationMs = input.durationMs ?? daysToMs(input.profile.defaultValidityDays);
    const now = this.now();
    const validity = computeValidity(now, durationMs, this.caNotAfter());
    const certificate = issueCertificate(
      { profile: input.profile, subject: input.subject, publicKey: input.publicKey, publicKeyType: input.publicKeyType, hosts: input.hosts, validity, serial: randomSerial() },
      issuer,
    );
    const record: CertificateRecord = { ...recordBase(certificate, input.publicKeyType, now), profile: input.profile.name, ...input.record };
    return { record, certificatePem: record.certificatePem, clampedToCa: validity.clampedToIssuer };
  }

  /**
   * Records signed certificates in one transaction. A serial collision is
   * astronomically unlikely, but the inventory is the judge: those are re-signed
   * with new serials and recorded again.
   */
  private async recordSigned(items: ReadonlyArray<{ input: SignInput; issued: Issued }>): Promise<void> {
    let pending = items;
    for (let attempt = 0; pending.length > 0; attempt++) {
      if (attempt === 5) throw new OperationError('failed to issue certificates: no free serial after 5 attempts (inventory damaged?)');
      const taken = new Set(await this.recordAll(pending.map((item) => item.issued)));
      pending = pending.filter((item) => taken.has(item.issued));
      for (const item of pending) item.issued = await this.sign(item.input);
    }
  }

  /** One durable commit for a whole batch; returns those whose serial was taken (not recorded). */
  private async recordAll(issued: readonly Issued[]): Promise<Issued[]> {
    try {
      return await this.inventory.transaction(async (tx) => {
        const taken: Issued[] = [];
        for (const item of issued) if (!(await tx.insert(item.record))) taken.push(item);
        return taken;
      });
    } catch (error) {
      throw new OperationError(`failed to record certificates in ${this.inventory.where}: ${describeCause(error)}`, { cause: error });
    }
  }
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
