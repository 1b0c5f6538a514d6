import { fstatSync, lstatSync, readFileSync } from 'node:fs';
import { OperationError } from '@dockauth/ca';

/** The first file descriptor systemd passes (SD_LISTEN_FDS_START). */
export const LISTEN_FDS_START = 3;

/**
 * The listening socket systemd passed this process (socket activation, as sd_listen_fds(3)
 * reads it): its file descriptor, or undefined when none was passed (no LISTEN_FDS, or 0).
 * The variables are removed from `env` either way, so nothing started later takes them for its own.
 *
 * Unlike sd_listen_fds, LISTEN_FDS meant for another process is refused rather than ignored:
 * a plugin that then made a socket of its own would replace systemd's at the same path
 * and remove it on exit, and dockerd would find no plugin there after the next restart.
 */
export function listenFdFromEnvironment(env: NodeJS.ProcessEnv, pid: number): number | undefined {
  const count = env.LISTEN_FDS;
  const owner = env.LISTEN_PID;
  delete env.LISTEN_FDS;
  delete env.LISTEN_PID;
  delete env.LISTEN_FDNAMES;
  if (count === undefined || count === '' || count === '0') return undefined;
  if (!/^[1-9]\d{0,3}$/.test(count)) throw new OperationError(`failed to read LISTEN_FDS=${JSON.stringify(count)}: not a number of sockets`);
  if (owner !== String(pid)) {
    throw new OperationError(`failed to take the socket systemd passed: LISTEN_PID=${owner ?? '(unset)'} is not this process (${pid})`, {
      hint: 'start dockauth directly from ExecStart= (a shell in between must exec it), or unset LISTEN_FDS',
    });
  }
  if (count !== '1') {
    throw new OperationError(`failed to take the sockets systemd passed: ${count} of them, and the plugin serves one`, {
      hint: 'give dockauth-authz.socket a single ListenStream=/run/docker/plugins/dockauth.sock',
    });
  }
  return LISTEN_FDS_START;
}

/** One line of /proc/net/unix, for the socket with the given inode; undefined if it is not listed. */
function unixSocketEntry(inode: number, table: string): { stream: boolean; path: string } | undefined {
  for (const line of table.split('\n').slice(1)) {
    // Num RefCount Protocol Flags Type St Inode [Path]
    const fields = line.trim().split(/\s+/);
    if (fields[6] !== String(inode)) continue;
    return { stream: fields[4] === '0001', path: fields.slice(7).join(' ') };
  }
  return undefined;
}

/**
 * Checks the inherited socket before serving on it, and returns the path it is bound to: a unix
 * stream socket at a path only its owner (root, the user this runs as) can connect to. Whoever
 * can call the plugin can feed it forged responses, so a socket others could reach is refused.
 */
export function checkInheritedSocket(fd: number, procNetUnix = '/proc/self/net/unix'): string {
  const fix = 'the socket unit needs ListenStream=/run/docker/plugins/dockauth.sock, SocketMode=0600, SocketUser=root (dockauth systemd writes it)';
  let inode: number;
  try {
    const stat = fstatSync(fd);
    if (!stat.isSocket()) throw new Error('it is not a socket');
    inode = stat.ino;
  } catch (error) {
    throw new OperationError(`failed to use file descriptor ${fd} as the plugin's socket: ${(error as Error).message}`, { hint: fix });
  }
  let table: string;
  try {
    table = readFileSync(procNetUnix, 'utf8');
  } catch (error) {
    throw new OperationError(`failed to read ${procNetUnix} to check the socket systemd passed: ${(error as Error).message}`);
  }
  const entry = unixSocketEntry(inode, table);
  if (!entry) throw new OperationError(`failed to use the socket systemd passed: it is not a unix socket`, { hint: fix });
  if (!entry.stream) throw new OperationError(`failed to use the socket systemd passed: it is not a stream socket`, { hint: fix });
  if (!entry.path.startsWith('/')) {
    throw new OperationError(`failed to use the socket systemd passed: ${entry.path ? `${entry.path} is an abstract socket, which anyone may connect to` : 'it has no path'}`, { hint: fix });
  }
  const stat = lstatSync(entry.path, { throwIfNoEntry: false });
  if (!stat?.isSocket()) throw new OperationError(`failed to use the socket systemd passed: ${entry.path} is ${stat ? 'not a socket' : 'gone'}`, { hint: fix });
  const uid = process.geteuid?.() ?? 0;
  if ((stat.mode & 0o077) !== 0 || stat.uid !== uid) {
    throw new OperationError(
      `failed to use the socket systemd passed: ${entry.path} is mode ${(stat.mode & 0o777).toString(8).padStart(4, '0')}, owner uid ${stat.uid}, so others could talk to the plugin`,
      { hint: fix },
    );
  }
  return entry.path;
}
