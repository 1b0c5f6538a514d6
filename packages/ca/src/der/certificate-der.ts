import { createHash, sign, type KeyObject } from 'node:crypto';
import type { KeyType } from '../keys/key-type.js';
import type { HostName } from '../names.js';
import type { SubjectFields } from '../subject.js';
import { children, readElement, type Element } from './der-reader.js';
import {
  bitString,
  explicit,
  extension,
  implicitPrimitive,
  integer,
  nullValue,
  objectIdentifier,
  octetString,
  sequence,
  time,
  tlv,
} from './der-writer.js';

/**
 * X.509 certificates encoded directly as DER and signed with node:crypto: the
 * same structure an ASN.1 library builds, at a fraction of the cost (batch
 * onboarding issues thousands), and without loading one at start-up.
 */

/** The signature algorithm identifier, and node's digest name, for a signing key type. */
export function signatureAlgorithm(type: KeyType): { identifier: Buffer; digest: string | null } {
  switch (type) {
    case 'ecdsa-p256':
      return { identifier: sequence(objectIdentifier('1.2.840.10045.4.3.2')), digest: 'sha256' };
    case 'ecdsa-p384':
      return { identifier: sequence(objectIdentifier('1.2.840.10045.4.3.3')), digest: 'sha384' };
    case 'ed25519':
      return { identifier: sequence(objectIdentifier('1.3.101.112')), digest: null };
    default:
      return { identifier: sequence(objectIdentifier('1.2.840.113549.1.1.11'), nullValue()), digest: 'sha256' };
  }
}

/** Signs DER `content` as X.509 wants it (ECDSA signatures DER-encoded). */
export function signDer(content: Buffer, type: KeyType, keyObject: KeyObject): Buffer {
  return sign(signatureAlgorithm(type).digest, content, { key: keyObject, dsaEncoding: 'der' });
}

const NAME_TYPES: Array<[keyof SubjectFields, string, number]> = [
  ['country', '2.5.4.6', 0x13], // PrintableString
  ['state', '2.5.4.8', 0x0c], // UTF8String from here on
  ['locality', '2.5.4.7', 0x0c],
  ['organization', '2.5.4.10', 0x0c],
  ['organizationalUnit', '2.5.4.11', 0x0c],
];
const LABELS: Record<string, string> = { country: 'C', state: 'ST', locality: 'L', organization: 'O', organizationalUnit: 'OU' };

/** A Name (one attribute per RDN, in cfssl's order: C, ST, L, O, OU, CN), and its text form. */
export function encodeName(fields: SubjectFields): { der: Buffer; text: string } {
  const rdns: Buffer[] = [];
  const text: string[] = [];
  const add = (oid: string, tag: number, value: string, label: string): void => {
    rdns.push(tlv(0x31, sequence(objectIdentifier(oid), tlv(tag, Buffer.from(value, tag === 0x13 ? 'latin1' : 'utf8')))));
    text.push(`${label}=${value}`);
  };
  for (const [field, oid, tag] of NAME_TYPES) {
    for (const value of (fields[field] as string[] | undefined) ?? []) add(oid, tag, value, LABELS[field] as string);
  }
  add('2.5.4.3', 0x0c, fields.commonName, 'CN');
  return { der: sequence(...rdns), text: text.join(', ') };
}

/** RFC 5280 key identifier: SHA-1 of the subjectPublicKey bits of an SPKI. */
export function keyIdentifier(spki: Buffer): Buffer {
  const fields = children(spki, readElement(spki, 0));
  const key = fields[1] as Element; // BIT STRING
  return createHash('sha1').update(spki.subarray(key.contentStart + 1, key.end)).digest();
}

/** A certificate's subjectKeyIdentifier, or the RFC 5280 one computed from its key. */
export function subjectKeyIdentifier(certificateDer: Buffer, spki: Buffer): Buffer {
  const tbs = children(certificateDer, readElement(certificateDer, 0))[0] as Element;
  const extensions = children(certificateDer, tbs).find((field) => field.tag === 0xa3);
  if (extensions) {
    const ski = objectIdentifier('2.5.29.14');
    for (const item of children(certificateDer, children(certificateDer, extensions)[0] as Element)) {
      const parts = children(certificateDer, item);
      const oid = parts[0] as Element;
      if (!certificateDer.subarray(oid.start, oid.end).equals(ski)) continue;
      const outer = parts[parts.length - 1] as Element;
      const inner = readElement(certificateDer, outer.contentStart);
      return certificateDer.subarray(inner.contentStart, inner.end);
    }
  }
  return keyIdentifier(spki);
}

/** keyUsage as a DER BIT STRING: bit 0 (digitalSignature) is the first byte's top bit; no trailing zeros. */
function keyUsageValue(bits: number): Buffer {
  const bytes = [0, 0];
  for (let bit = 0; bit < 9; bit++) if (bits & (1 << bit)) bytes[bit >> 3]! |= 0x80 >> (bit & 7);
  const used = bytes[1] ? 2 : 1;
  const last = bytes[used - 1] as number;
  let unused = 0;
  while (unused < 7 && !(last & (1 << unused))) unused++;
  return tlv(0x03, Buffer.from([last === 0 ? 0 : unused, ...bytes.slice(0, used)]));
}

function subjectAltName(hosts: readonly HostName[]): Buffer {
  return sequence(
    ...hosts.map((host) => {
      if (host.kind === 'dns') return implicitPrimitive(2, Buffer.from(host.value, 'latin1'));
      // parseHost validated the address: only IPv6 has colons.
      return implicitPrimitive(7, host.value.includes(':') ? ipv6Bytes(host.value) : Buffer.from(host.value.split('.').map(Number)));
    }),
  );
}

function ipv6Bytes(address: string): Buffer {
  const [head = '', tail = ''] = address.split('::');
  const groups = (part: string): string[] => (part === '' ? [] : part.split(':'));
  const left = groups(head);
  const right = address.includes('::') ? groups(tail) : [];
  const middle = address.includes('::') ? new Array<string>(8 - left.length - right.length).fill('0') : [];
  return Buffer.from([...left, ...middle, ...right].flatMap((group) => [parseInt(group, 16) >> 8, parseInt(group, 16) & 0xff]));
}

export interface CertificateContent {
  serialHex: string;
  issuerName: Buffer;
  subjectName: Buffer;
  notBefore: Date;
  notAfter: Date;
  subjectSpki: Buffer;
  isCa: boolean;
  pathLength?: number;
  keyUsage: number;
  extendedKeyUsage: readonly string[];
  authorityKeyId: Buffer;
  hosts?: readonly HostName[];
}

/** The TBSCertificate of a v3 certificate with the extensions the profiles prescribe. */
export function tbsCertificate(content: CertificateContent, signatureIdentifier: Buffer): Buffer {
  const extensions = [
    extension('2.5.29.19', sequence(...(content.isCa ? [Buffer.from([0x01, 0x01, 0xff]), ...(content.pathLength !== undefined ? [integer(BigInt(content.pathLength))] : [])] : [])), true),
    extension('2.5.29.15', keyUsageValue(content.keyUsage), true),
    ...(content.extendedKeyUsage.length > 0 ? [extension('2.5.29.37', sequence(...content.extendedKeyUsage.map(objectIdentifier)))] : []),
    extension('2.5.29.14', octetString(keyIdentifier(content.subjectSpki))),
    extension('2.5.29.35', sequence(implicitPrimitive(0, content.authorityKeyId))),
    ...(content.hosts && content.hosts.length > 0 ? [extension('2.5.29.17', subjectAltName(content.hosts))] : []),
  ];
  return sequence(
    explicit(0, integer(2n)), // v3
    integer(content.serialHex),
    signatureIdentifier,
    content.issuerName,
    sequence(time(content.notBefore), time(content.notAfter)),
    content.subjectName,
    content.subjectSpki,
    explicit(3, sequence(...extensions)),
  );
}

/** Signs a TBSCertificate into a certificate: DER and PEM. */
export function signCertificate(content: CertificateContent, signer: { type: KeyType; key: KeyObject }): { der: Buffer; pem: string } {
  const { identifier } = signatureAlgorithm(signer.type);
  const tbs = tbsCertificate(content, identifier);
  const der = sequence(tbs, identifier, bitString(signDer(tbs, signer.type, signer.key)));
  const pem = `-----BEGIN CERTIFICATE-----\n${der.toString('base64').replace(/.{64}/g, '$&\n').replace(/\n$/, '')}\n-----END CERTIFICATE-----\n`;
  return { der, pem };
}
