import { lstatSync, statSync, type Stats } from 'node:fs';
import { InputError } from '../errors.js';

const octal = (mode: number): string => `0${(mode & 0o777).toString(8)}`;

function currentUid(): number {
  return process.geteuid?.() ?? 0;
}

/**
 * The state directory must be ours and writable by nobody else, or someone else
 * could swap the CA key or the inventory under us.
 */
export function assertPrivateDirectory(dir: string, uid: number = currentUid()): Stats {
  let stats: Stats;
  try {
    stats = statSync(dir);
  } catch {
    throw new InputError(`failed to open CA store ${dir}: the directory does not exist`, {
      hint: `make the CA first: dockauth ca init --dir ${dir}`,
    });
  }
  if (!stats.isDirectory()) throw new InputError(`failed to open CA store ${dir}: not a directory`);
  if (stats.uid !== uid) {
    throw new InputError(`failed to open CA store ${dir}: it is owned by uid ${stats.uid}, not by uid ${uid} who runs dockauth`, {
      hint: `chown ${uid} ${dir} (or run dockauth as its owner)`,
    });
  }
  if (stats.mode & 0o022) {
    throw new InputError(`failed to open CA store ${dir}: mode ${octal(stats.mode)} lets group or others write into it`, {
      hint: `chmod 700 ${dir}`,
    });
  }
  return stats;
}

/** The CA key: a regular file (not a symlink), ours, and unreadable by group and others. */
export function assertPrivateKeyFile(path: string, uid: number = currentUid()): void {
  let stats: Stats;
  try {
    stats = lstatSync(path);
  } catch {
    throw new InputError(`failed to read CA key ${path}: the file does not exist`, {
      hint: 'restore it from your backup, or make a new CA with dockauth ca init --force',
    });
  }
  if (!stats.isFile()) {
    throw new InputError(`failed to read CA key ${path}: not a regular file (a symlink or something else)`, {
      hint: `replace it with the key file itself`,
    });
  }
  if (stats.uid !== uid) {
    throw new InputError(`failed to read CA key ${path}: it is owned by uid ${stats.uid}, not by uid ${uid}`, {
      hint: `chown ${uid} ${path}`,
    });
  }
  if (stats.mode & 0o077) {
    throw new InputError(`failed to read CA key ${path}: mode ${octal(stats.mode)} lets group or others use it`, {
      hint: `chmod 600 ${path}`,
    });
  }
}
