/** What dockauth sets in /etc/docker/daemon.json. */
export interface DaemonSettings {
  tlsCaCert: string;
  tlsCert: string;
  tlsKey: string;
  /** The local endpoint ("fd://" under socket activation, else the unix socket) and the TLS listener. */
  hosts: string[];
  /** true: add "dockauth" to authorization-plugins; false: take it out. */
  authz: boolean;
  userNamespaceRemap?: string;
}

export const PLUGIN_NAME = 'dockauth';

/** dockerd's own bound on each container's log, where the site has none: within the policy's default limits. */
export const DEFAULT_LOG_MAX_SIZE = '10m';
export const DEFAULT_LOG_MAX_FILE = '3';

export interface MergedDaemonConfig {
  config: Record<string, unknown>;
  /** Keys whose value changed (for the report). */
  changedKeys: string[];
}

const same = (a: unknown, b: unknown): boolean => JSON.stringify(a) === JSON.stringify(b);

/**
 * Merges dockauth's settings into an existing daemon.json object. Only real
 * dockerd keys are written (dockerd refuses to start on an unknown key); every
 * other key keeps its value and its place.
 */
export function mergeDaemonConfig(existing: Record<string, unknown>, settings: DaemonSettings): MergedDaemonConfig {
  const config: Record<string, unknown> = { ...existing };
  const changedKeys: string[] = [];
  const set = (key: string, value: unknown): void => {
    if (!same(config[key], value)) changedKeys.push(key);
    config[key] = value;
  };
  set('tls', true);
  set('tlsverify', true);
  set('tlscacert', settings.tlsCaCert);
  set('tlscert', settings.tlsCert);
  set('tlskey', settings.tlsKey);
  const hosts = Array.isArray(existing.hosts) ? (existing.hosts as unknown[]).map(String) : [];
  set('hosts', [...new Set([...hosts, ...settings.hosts])]);
  const plugins = Array.isArray(existing['authorization-plugins']) ? (existing['authorization-plugins'] as unknown[]).map(String) : [];
  if (settings.authz) {
    set('authorization-plugins', plugins.includes(PLUGIN_NAME) ? plugins : [...plugins, PLUGIN_NAME]);
  } else if (plugins.includes(PLUGIN_NAME)) {
    const rest = plugins.filter((plugin) => plugin !== PLUGIN_NAME);
    changedKeys.push('authorization-plugins');
    if (rest.length > 0) config['authorization-plugins'] = rest;
    else delete config['authorization-plugins'];
  }
  if (settings.userNamespaceRemap !== undefined) set('userns-remap', settings.userNamespaceRemap);
  // A container's log grows on the host's disk: dockerd bounds it for every container that
  // does not say otherwise (the plugin bounds what users say). Only for the drivers that take
  // these options, and never over a value the site set.
  const driver = typeof config['log-driver'] === 'string' ? config['log-driver'] : 'json-file';
  const logOptions = typeof config['log-opts'] === 'object' && config['log-opts'] !== null ? (config['log-opts'] as Record<string, unknown>) : {};
  if ((driver === 'json-file' || driver === 'local') && logOptions['max-size'] === undefined) {
    set('log-opts', { ...logOptions, 'max-size': DEFAULT_LOG_MAX_SIZE, 'max-file': logOptions['max-file'] ?? DEFAULT_LOG_MAX_FILE });
  }
  return { config, changedKeys };
}

/** daemon.json as dockauth writes it: two-space JSON and a final newline. */
export function renderDaemonConfig(config: Record<string, unknown>): string {
  return `${JSON.stringify(config, null, 2)}\n`;
}

/** tcp://ADDRESS:PORT as host (brackets off an IPv6 address) and port, or what is wrong with it. */
export function parseListenUrl(url: string): { host: string; port: number } | string {
  const match = /^tcp:\/\/(\[[0-9a-fA-F:.]+\]|[^:/\s]+):(\d{1,5})$/.exec(url);
  if (!match) return 'expected tcp://ADDRESS:PORT with the port written out (a tcp host without one silently means 2375)';
  const port = Number(match[2]);
  if (port < 1 || port > 65535) return `port ${port} is out of range`;
  return { host: (match[1] as string).replace(/^\[(.*)\]$/, '$1'), port };
}

/** Whether a listener's host is this machine's loopback, which no other machine can reach. */
export function isLoopbackHost(host: string): boolean {
  return /^(127\.\d+\.\d+\.\d+|::1|localhost)$/.test(host);
}

/** Problems with a host URL that dockerd would accept but mean something else. */
export function checkListenUrl(url: string): string | undefined {
  const parsed = parseListenUrl(url);
  return typeof parsed === 'string' ? parsed : undefined;
}
