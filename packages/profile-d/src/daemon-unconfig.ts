import { DEFAULT_LOG_MAX_FILE, DEFAULT_LOG_MAX_SIZE, PLUGIN_NAME } from './daemon-config.js';

export interface UnmergedDaemonConfig {
  config: Record<string, unknown>;
  /** Keys given back their earlier value or taken out (for the report). */
  removedKeys: string[];
}

/** The keys `daemon configure` sets outright; each goes back to its value before dockauth, or away. */
const SCALAR_KEYS = ['tls', 'tlsverify', 'tlscacert', 'tlscert', 'tlskey', 'hosts', 'userns-remap'] as const;

const same = (a: unknown, b: unknown): boolean => JSON.stringify(a) === JSON.stringify(b);
const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * Takes dockauth's settings back out of daemon.json, keeping whatever else changed since:
 * tls*, hosts and userns-remap return to their value in `before` (daemon.json as it was before
 * dockauth; {} when dockauth created it), the "dockauth" entry leaves authorization-plugins, and
 * the log bounds dockauth added leave log-opts. `hosts` returns whole: the drop-in that moved
 * docker.service's -H into it goes too, and dockerd refuses hosts given both ways.
 */
export function unmergeDaemonConfig(current: Record<string, unknown>, before: Record<string, unknown> = {}): UnmergedDaemonConfig {
  const config: Record<string, unknown> = { ...current };
  const removedKeys: string[] = [];
  const restore = (key: string, value: unknown): void => {
    const had = key in config;
    if (value === undefined) delete config[key];
    else config[key] = value;
    if (had !== (value !== undefined) || !same(current[key], value)) removedKeys.push(key);
  };
  for (const key of SCALAR_KEYS) {
    if (key === 'userns-remap' && !(key in before) && !(key in current)) continue;
    restore(key, before[key]);
  }
  const plugins = Array.isArray(config['authorization-plugins']) ? (config['authorization-plugins'] as unknown[]).map(String) : undefined;
  if (plugins?.includes(PLUGIN_NAME)) {
    const rest = plugins.filter((plugin) => plugin !== PLUGIN_NAME);
    restore('authorization-plugins', rest.length > 0 || 'authorization-plugins' in before ? rest : undefined);
  }
  const logOptions = isObject(config['log-opts']) ? { ...config['log-opts'] } : undefined;
  const beforeLog = isObject(before['log-opts']) ? before['log-opts'] : {};
  if (logOptions) {
    if (logOptions['max-size'] === DEFAULT_LOG_MAX_SIZE && beforeLog['max-size'] === undefined) {
      delete logOptions['max-size'];
      if (logOptions['max-file'] === DEFAULT_LOG_MAX_FILE && beforeLog['max-file'] === undefined) delete logOptions['max-file'];
    }
    if (!same(logOptions, config['log-opts'])) restore('log-opts', Object.keys(logOptions).length > 0 || 'log-opts' in before ? logOptions : undefined);
  }
  return { config, removedKeys };
}
