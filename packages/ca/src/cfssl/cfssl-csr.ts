import { InputError } from '../errors.js';
import { expectObject, parseJsonDocument } from '../json-document.js';
import type { KeyType } from '../keys/key-type.js';
import { parseHost, type HostName } from '../names.js';
import type { SubjectFields } from '../subject.js';
import { parseDuration } from '../validity.js';

/** What a cfssl CSR JSON (ca-csr.json, server-csr.json, client-csr.json) asks for. */
export interface CfsslCsr {
  subject: SubjectFields;
  keyType: KeyType;
  hosts: HostName[];
  /** ca-csr.json's "ca": {"expiry": "43800h"}, in milliseconds. */
  caExpiryMs?: number;
}

const KNOWN_FIELDS = ['CN', 'key', 'names', 'hosts', 'ca', 'serialnumber', 'crl_url'];
const NAME_FIELDS: Record<string, keyof Omit<SubjectFields, 'commonName'>> = {
  C: 'country',
  ST: 'state',
  L: 'locality',
  O: 'organization',
  OU: 'organizationalUnit',
};

export function parseCfsslCsr(text: string, where: string): CfsslCsr {
  const json = expectObject(parseJsonDocument(text, where), where);
  for (const field of Object.keys(json)) {
    if (!KNOWN_FIELDS.includes(field)) {
      throw new InputError(`failed to read ${where}: unknown field "${field}"`, {
        hint: `cfssl CSR files have: ${KNOWN_FIELDS.join(', ')}`,
      });
    }
  }
  const commonName = json.CN;
  if (typeof commonName !== 'string' || commonName.trim() === '') {
    throw new InputError(`failed to read ${where}: "CN" must be a non-empty string`);
  }
  const subject: SubjectFields = { commonName };
  const names = json.names ?? [];
  if (!Array.isArray(names)) throw new InputError(`failed to read ${where}: "names" must be a list`);
  names.forEach((entry, index) => {
    const record = expectObject(entry, `${where} names[${index}]`);
    for (const [key, value] of Object.entries(record)) {
      const field = NAME_FIELDS[key];
      if (!field || typeof value !== 'string') {
        throw new InputError(`failed to read ${where}: names[${index}].${key} is not one of C, ST, L, O, OU with a string value`);
      }
      (subject[field] ??= []).push(value);
    }
  });
  const hosts = json.hosts ?? [];
  if (!Array.isArray(hosts) || hosts.some((host) => typeof host !== 'string')) {
    throw new InputError(`failed to read ${where}: "hosts" must be a list of strings`);
  }
  const result: CfsslCsr = {
    subject,
    keyType: parseCfsslKey(json.key, where),
    hosts: (hosts as string[]).map((host, index) => parseHost(host, `${where} hosts[${index}]`)),
  };
  if (json.ca !== undefined) {
    const ca = expectObject(json.ca, `${where} "ca"`);
    if (ca.expiry !== undefined) result.caExpiryMs = parseDuration(String(ca.expiry), `${where} ca.expiry`);
  }
  return result;
}

/** cfssl's {"algo": "rsa"|"ecdsa", "size": N}; ed25519 accepted too. cfssl's default is ECDSA P-256. */
export function parseCfsslKey(value: unknown, where: string): KeyType {
  if (value === undefined) return 'ecdsa-p256';
  const key = expectObject(value, `${where} "key"`);
  const { algo, size } = key;
  if (algo === 'rsa' && (size === 2048 || size === 3072 || size === 4096)) return `rsa-${size}`;
  if (algo === 'ecdsa' && (size === 256 || size === undefined)) return 'ecdsa-p256';
  if (algo === 'ecdsa' && size === 384) return 'ecdsa-p384';
  if (algo === 'ed25519') return 'ed25519';
  throw new InputError(
    `failed to read ${where}: key ${JSON.stringify({ algo, size })} is not supported`,
    { hint: 'use {"algo":"ecdsa","size":256|384}, {"algo":"rsa","size":2048|3072|4096} or {"algo":"ed25519"}' },
  );
}
