import { readdirSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { expectObject, parseJsonDocument } from '@dockauth/ca';
import { PLUGIN_NAME } from '@dockauth/profile-d';
import { readRegularFile } from '../system/regular-file.js';

/** daemon.json as it was before dockauth, from the backups `daemon configure` keeps beside it. */
export interface DaemonBackup {
  path: string;
  content: Buffer;
  mode: number;
  config: Record<string, unknown>;
}

const hasOurPlugin = (config: Record<string, unknown>): boolean =>
  Array.isArray(config['authorization-plugins']) && (config['authorization-plugins'] as unknown[]).includes(PLUGIN_NAME);

/**
 * The oldest backup (PATH.dockauth-backup-<UTC time>, so names sort by time) that holds none of
 * dockauth's settings: the file before the first `daemon configure`. Backups of dockauth's own
 * versions, or that do not parse, are passed over. Undefined: dockauth created the file.
 */
export function findPreDockauthBackup(daemonJson: string): DaemonBackup | undefined {
  const prefix = `${basename(daemonJson)}.dockauth-backup-`;
  let names: string[];
  try {
    names = readdirSync(dirname(daemonJson)).filter((name) => name.startsWith(prefix)).sort();
  } catch {
    return undefined;
  }
  for (const name of names) {
    const path = join(dirname(daemonJson), name);
    try {
      const { content, stats } = readRegularFile(path, 1024 * 1024);
      const text = content.toString('utf8');
      const config = text.trim() === '' ? {} : expectObject(parseJsonDocument(text, path), path);
      if (hasOurPlugin(config)) continue;
      return { path, content, mode: stats.mode & 0o7777, config };
    } catch {
      continue;
    }
  }
  return undefined;
}
