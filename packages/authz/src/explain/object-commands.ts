import { DockerArgsError, jsonRequest, keyValueMap, pathOf, plainRequest, type ExplainedRequest } from './request.js';
import { expectArgs, readFlags } from './flags.js';

/** `volume create [-d DRIVER] [-o K=V]… [--label K=V]… [NAME]`: POST /volumes/create. */
export function volumeCreateRequest(args: readonly string[]): ExplainedRequest {
  const values = readFlags(args, { command: 'volume create', values: ['driver d', 'opt o', 'label', 'name'], booleans: [] });
  const [positional] = expectArgs(values, 'volume create', 0, 1, '[VOLUME]');
  const flagName = values.last('name');
  if (positional !== undefined && flagName) throw new DockerArgsError('conflicting options: cannot specify a volume-name through both --name and as a positional arg');
  return jsonRequest('POST', '/volumes/create', {
    Driver: values.last('driver') ?? 'local',
    DriverOpts: keyValueMap(values.all('opt')),
    Labels: keyValueMap(values.all('label')),
    Name: positional ?? flagName ?? '',
  });
}

/** `volume rm [-f] NAME`: DELETE /volumes/NAME (?force=1). */
export function volumeRmRequest(args: readonly string[]): ExplainedRequest {
  const values = readFlags(args, { command: 'volume rm', values: [], booleans: ['force f'] });
  const [name] = expectArgs(values, 'volume rm', 1, 1, 'VOLUME', true) as [string];
  return plainRequest('DELETE', pathOf('/volumes', name), values.bool('force') ? [['force', '1']] : []);
}

/**
 * `network create [-d DRIVER] [-o K=V]… [--internal] [--label K=V]… NAME`: POST /networks/create
 * with the CreateRequest the CLI sends (every field of it, zero values included).
 */
export function networkCreateRequest(args: readonly string[]): ExplainedRequest {
  const values = readFlags(args, {
    command: 'network create',
    values: ['driver d', 'opt o', 'label', 'ipam-driver', 'ipam-opt', 'scope', 'config-from'],
    booleans: ['internal', 'attachable', 'ingress', 'config-only', 'ipv4', 'ipv6'],
  });
  const [name] = expectArgs(values, 'network create', 1, 1, 'NETWORK') as [string];
  const configFrom = values.last('config-from');
  const body: Record<string, unknown> = {
    Driver: values.last('driver') ?? 'bridge',
    Scope: values.last('scope') ?? '',
    ...(values.has('ipv4') ? { EnableIPv4: values.bool('ipv4') } : {}),
    ...(values.has('ipv6') ? { EnableIPv6: values.bool('ipv6') } : {}),
    IPAM: { Driver: values.last('ipam-driver') ?? 'default', Options: keyValueMap(values.all('ipam-opt')), Config: [] },
    Internal: values.bool('internal'),
    Attachable: values.bool('attachable'),
    Ingress: values.bool('ingress'),
    ConfigOnly: values.bool('config-only'),
    ConfigFrom: configFrom ? { Network: configFrom } : null,
    Options: keyValueMap(values.all('opt')),
    Labels: keyValueMap(values.all('label')),
    Name: name,
  };
  return jsonRequest('POST', '/networks/create', body);
}

/** `network rm NAME`: DELETE /networks/NAME. */
export function networkRmRequest(args: readonly string[]): ExplainedRequest {
  const values = readFlags(args, { command: 'network rm', values: [], booleans: ['force f'] });
  const [name] = expectArgs(values, 'network rm', 1, 1, 'NETWORK', true) as [string];
  return plainRequest('DELETE', pathOf('/networks', name));
}

/**
 * `network connect NETWORK CONTAINER`: POST /networks/NETWORK/connect with the container and
 * the endpoint settings the CLI sends (empty but for its own defaults).
 */
export function networkConnectRequest(args: readonly string[]): ExplainedRequest {
  const values = readFlags(args, { command: 'network connect', values: [], booleans: [] });
  const [network, container] = expectArgs(values, 'network connect', 2, 2, 'NETWORK CONTAINER') as [string, string];
  const endpoint = {
    IPAMConfig: {},
    Links: null,
    Aliases: [],
    MacAddress: '',
    DriverOpts: {},
    GwPriority: 0,
    NetworkID: '',
    EndpointID: '',
    Gateway: '',
    IPAddress: '',
    IPPrefixLen: 0,
    IPv6Gateway: '',
    GlobalIPv6Address: '',
    GlobalIPv6PrefixLen: 0,
    DNSNames: null,
  };
  return jsonRequest('POST', pathOf('/networks', network, 'connect'), { Container: container, EndpointConfig: endpoint });
}

/** `system df [-v]`: GET /system/df. */
export function systemDfRequest(args: readonly string[]): ExplainedRequest {
  const values = readFlags(args, { command: 'system df', values: ['format'], booleans: ['verbose v'] });
  expectArgs(values, 'system df', 0, 0, 'no arguments');
  return plainRequest('GET', '/system/df');
}
