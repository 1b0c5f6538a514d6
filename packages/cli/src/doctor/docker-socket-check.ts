import { spawnSync } from 'node:child_process';
import { statSync } from 'node:fs';
import { octal, type Finding } from './finding.js';

export interface GroupEntry {
  name: string;
  gid: number;
  members: string[];
}

/** A group as the name service knows it (by name or number), or undefined. */
export function lookupGroup(key: string | number): GroupEntry | undefined {
  const found = spawnSync('getent', ['group', String(key)], { encoding: 'utf8' });
  const line = found.stdout?.split('\n')[0]?.trim();
  if (found.status !== 0 || !line) return undefined;
  const [name, , gid, members] = line.split(':');
  return { name: name as string, gid: Number(gid), members: (members ?? '').split(',').map((member) => member.trim()).filter(Boolean) };
}

/** Each member of a group that reaches dockerd's root socket is root on this host: one error per member. */
function membersAreRoot(group: GroupEntry, why: string, findings: Finding[]): void {
  for (const member of group.members) {
    findings.push({
      severity: 'error',
      check: 'docker-group',
      message: `${member} is in group ${group.name}, ${why}: ${member} bypasses TLS and the plugin and is root on this host`,
      fix: `gpasswd -d ${member} ${group.name}   (${member} reaches Docker over TLS as themselves)`,
    });
  }
}

/**
 * The hole that bypasses TLS and the plugin: dockerd's local socket. It should be root:root 0660,
 * or root:docker with the docker group empty; the docker group's members are root-equivalent
 * wherever the socket's group is docker (and whenever dockerd is restarted with it).
 * Returns whether the socket exists.
 */
export function checkDockerSocket(socket: string, dockerGroup: string, findings: Finding[]): boolean {
  const docker = lookupGroup(dockerGroup);
  let stats;
  try {
    stats = statSync(socket);
  } catch {
    findings.push({ severity: 'ok', check: 'socket', message: `${socket} does not exist here` });
    if (docker) membersAreRoot(docker, `which dockerd gives its socket to`, findings);
    return false;
  }
  if (stats.uid !== 0) {
    findings.push({ severity: 'error', check: 'socket', message: `${socket} belongs to uid ${stats.uid}: that user is root on this host`, fix: `chown root ${socket}` });
  }
  if (stats.mode & 0o006) {
    findings.push({ severity: 'error', check: 'socket', message: `${socket} is open to every local user (mode ${octal(stats.mode)}): anyone is root`, fix: `chmod o-rw ${socket}` });
  }
  const socketGroup = stats.gid !== 0 && stats.mode & 0o060 ? lookupGroup(stats.gid) ?? { name: String(stats.gid), gid: stats.gid, members: [] } : undefined;
  if (socketGroup) {
    if (socketGroup.members.length > 0) membersAreRoot(socketGroup, `which can use ${socket}`, findings);
    else findings.push({ severity: 'warning', check: 'socket', message: `${socket} is group-accessible by ${socketGroup.name} (no members now): anyone added to it becomes root`, fix: `keep group ${socketGroup.name} empty, or: chgrp root ${socket}` });
  }
  // The docker group, even when today's socket is not its: dockerd hands the socket to it at the next start.
  if (docker && docker.gid !== socketGroup?.gid) membersAreRoot(docker, 'which dockerd gives its socket to', findings);
  if (findings.every((finding) => finding.check !== 'socket' && finding.check !== 'docker-group' || finding.severity === 'ok')) {
    findings.push({ severity: 'ok', check: 'socket', message: `${socket} is ${stats.uid === 0 ? 'root' : stats.uid}:${socketGroup?.name ?? stats.gid} ${octal(stats.mode)}: only root reaches dockerd without TLS` });
  }
  return true;
}
