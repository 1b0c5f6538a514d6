import { isIP } from 'node:net';
import { InputError } from './errors.js';

/**
 * Login names as useradd accepts them, minus what could surprise a shell or a path:
 * a letter or underscore first, then letters, digits, '_', '-', '.'; at most 32.
 * The CN of a client certificate is the user the plugin acts for, so it must be
 * exactly a name the system can have.
 */
const LOGIN_NAME = /^[A-Za-z_][A-Za-z0-9_.-]{0,31}$/;

function validateName(name: string, where: string, kind: 'login' | 'group'): string {
  if (!LOGIN_NAME.test(name)) {
    throw new InputError(`failed to accept ${where} ${JSON.stringify(name)}: not a valid ${kind} name`, {
      hint: `a ${kind} name starts with a letter or "_" and holds only letters, digits, "_", "-" and "." (at most 32)`,
    });
  }
  return name;
}

export function validateLoginName(name: string, where = 'user name'): string {
  return validateName(name, where, 'login');
}

/** Group names follow the same rule: they land in certificates and the policy the same way. */
export function validateGroupName(name: string, where = 'group name'): string {
  return validateName(name, where, 'group');
}

const DNS_LABEL = /^(?!-)[A-Za-z0-9-]{1,63}(?<!-)$/;

/** A host for a server certificate: an IPv4/IPv6 address or a DNS name (optionally "*." wildcard). */
export type HostName = { kind: 'dns'; value: string } | { kind: 'ip'; value: string };

export function parseHost(host: string, where = '--host'): HostName {
  const value = host.trim();
  const unbracketed = value.replace(/^\[(.*)\]$/, '$1');
  if (isIP(unbracketed)) return { kind: 'ip', value: unbracketed };
  const labels = value.replace(/^\*\./, '').replace(/\.$/, '').split('.');
  if (value.length > 0 && value.length <= 253 && labels.every((label) => DNS_LABEL.test(label))) {
    return { kind: 'dns', value: value.replace(/\.$/, '').toLowerCase() };
  }
  throw new InputError(`failed to accept ${where} ${JSON.stringify(host)}: not a DNS name or IP address`, {
    hint: 'give names like docker.example.org and addresses like 10.10.10.60 or ::1',
  });
}
