import { InputError } from '@dockauth/ca';
import type { Owner } from './plan.js';

function currentUid(): number {
  return process.geteuid?.() ?? 0;
}

/**
 * Runs synchronous file work with the owner's own uid, gid and groups, so the
 * kernel judges every path component as that user: a symlink or a swapped
 * directory planted in their home can lead only where they could write anyway.
 * `work` must not await: the switch covers this one synchronous stretch.
 */
export function asOwner<T>(owner: Owner | undefined, work: () => T): T {
  const euid = currentUid();
  if (!owner || owner.uid === euid) return work();
  if (euid !== 0) {
    throw new InputError(`failed to write files for ${owner.name}: only root can write files that belong to another user`, {
      hint: 'run dockauth as root, or write to a directory of your own with --out DIR',
    });
  }
  // POSIX-only calls: dockauth runs on Linux, where they always exist.
  const posix = process as Required<Pick<NodeJS.Process, 'getgroups' | 'getegid' | 'setgroups' | 'setegid' | 'seteuid'>>;
  const groups = posix.getgroups();
  const egid = posix.getegid();
  posix.setgroups([owner.gid]);
  posix.setegid(owner.gid);
  posix.seteuid(owner.uid);
  try {
    return work();
  } finally {
    posix.seteuid(0);
    posix.setegid(egid);
    posix.setgroups(groups);
  }
}

export function isRoot(): boolean {
  return currentUid() === 0;
}
