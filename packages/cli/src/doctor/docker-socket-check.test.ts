import { execFileSync } from 'node:child_process';
import { underAccountsLock } from '../../../../test/support/users.js';
import { chmodSync, chownSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkDockerSocket, lookupGroup } from './docker-socket-check.js';
import type { Finding } from './finding.js';

const asRoot = process.geteuid?.() === 0 ? describe : describe.skip;

asRoot('doctor: the docker socket and the docker group (real groups and users)', () => {
  let dir: string;
  let server: Server;
  let socket: string;
  const group = `dagrp${randomBytes(3).toString('hex')}`;
  const member = `dagm${randomBytes(3).toString('hex')}`;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'doctor-socket-'));
    socket = join(dir, 'docker.sock');
    server = createServer();
    await new Promise<void>((resolve) => server.listen(socket, resolve));
    underAccountsLock('groupadd', [group]);
    underAccountsLock('useradd', ['--no-create-home', member]);
  });
  afterAll(() => {
    server.close();
    underAccountsLock('userdel', [member]);
    underAccountsLock('groupdel', [group]);
    rmSync(dir, { recursive: true, force: true });
  });
  const check = (): Finding[] => {
    const findings: Finding[] = [];
    checkDockerSocket(socket, group, findings);
    return findings;
  };

  test('root:root 0660 with an empty docker group is clean', () => {
    chownSync(socket, 0, 0);
    chmodSync(socket, 0o660);
    expect(check()).toEqual([expect.objectContaining({ severity: 'ok', check: 'socket' })]);
  });

  test('root:docker 0660: fine while the group is empty, an error per member once it has one', () => {
    const gid = lookupGroup(group)?.gid as number;
    chownSync(socket, 0, gid);
    expect(check()).toEqual([expect.objectContaining({ severity: 'warning', message: expect.stringContaining(`group-accessible by ${group} (no members now)`) })]);
    execFileSync('gpasswd', ['-a', member, group], { stdio: 'ignore' });
    try {
      expect(check()).toEqual([{ severity: 'error', check: 'docker-group', message: expect.stringContaining(`${member} is in group ${group}`), fix: `gpasswd -d ${member} ${group}   (${member} reaches Docker over TLS as themselves)` }]);
      // The docker group's members are root-equivalent even while today's socket is root:root.
      chownSync(socket, 0, 0);
      expect(check()).toEqual([expect.objectContaining({ severity: 'error', check: 'docker-group', fix: expect.stringContaining(`gpasswd -d ${member} ${group}`) })]);
    } finally {
      execFileSync('gpasswd', ['-d', member, group], { stdio: 'ignore' });
    }
  });

  test('a socket others can use, or that someone else owns, is an error with the chmod/chown that fixes it', () => {
    chownSync(socket, 0, 0);
    chmodSync(socket, 0o666);
    expect(check()).toEqual([expect.objectContaining({ severity: 'error', fix: `chmod o-rw ${socket}` })]);
    chmodSync(socket, 0o660);
    const uid = Number(execFileSync('id', ['-u', member], { encoding: 'utf8' }).trim());
    chownSync(socket, uid, 0);
    expect(check()).toEqual([expect.objectContaining({ severity: 'error', fix: `chown root ${socket}` })]);
  });
});
