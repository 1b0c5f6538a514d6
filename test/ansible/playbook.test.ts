import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DOCKAUTH_BIN, dockauth } from '../support/dockauth.js';
import { makeTempDir, snapshotTree } from '../support/temp.js';
import { createUser, removeUser, type LocalUser } from '../support/users.js';

// The site playbook as a site runs it, under a real ansible-playbook, against localhost:
// this machine is both the CA host and the docker host; the users are real.
const PLAYBOOK = fileURLToPath(new URL('../../templates/ansible/playbook.yml', import.meta.url));
const skip =
  process.geteuid?.() !== 0 ? 'needs root (useradd)' : spawnSync('sh', ['-c', 'command -v ansible-playbook']).status !== 0 ? 'ansible-playbook is not installed (apt-get install -y ansible-core)' : undefined;
if (skip && process.env.DOCKAUTH_E2E === 'required') {
  test('the Ansible test can run', () => {
    throw new Error(`cannot run: ${skip}`);
  });
}
const describeAnsible = skip ? describe.skip : describe;

interface Recap {
  ok: number;
  changed: number;
  failed: number;
}

describeAnsible('the Ansible playbook, under a real ansible-playbook', () => {
  let temp: ReturnType<typeof makeTempDir>;
  let users: LocalUser[];
  let vars: Record<string, unknown>;
  let state: string;

  beforeAll(() => {
    temp = makeTempDir('dansible-');
    chmodSync(temp.dir, 0o755);
    state = join(temp.dir, 'state');
    users = [createUser('ana'), createUser('anb'), createUser('anc')];
    writeFileSync(join(temp.dir, 'inventory.ini'), '[docker_hosts]\nlocalhost ansible_connection=local ansible_python_interpreter=/usr/bin/python3\n');
    vars = {
      dockauth_bin: `${process.execPath} ${DOCKAUTH_BIN}`,
      dockauth_dir: state,
      dockauth_server_hosts: ['localhost', '127.0.0.1'],
      dockauth_docker_host: 'tcp://localhost:2376',
      dockauth_tls_dir: join(temp.dir, 'ssl'),
      dockauth_daemon_json: join(temp.dir, 'docker', 'daemon.json'),
      dockauth_systemd_dropin: join(temp.dir, 'systemd', 'docker.service.d', 'dockauth.conf'),
      dockauth_systemd_dir: join(temp.dir, 'systemd'),
      dockauth_profile_dir: join(temp.dir, 'profile.d'),
      // No systemd here: the docker restart and the services are skipped, as the issue allows.
      dockauth_restart_docker: false,
      dockauth_manage_services: false,
      dockauth_users: [{ name: users[0]!.name, groups: ['lab'] }, { name: users[1]!.name }],
      dockauth_revoked: [],
    };
  });
  afterAll(() => {
    users.forEach(removeUser);
    temp.cleanup();
  });

  const play = (extra: Record<string, unknown> = {}, args: string[] = []): { status: number; recap: Recap; output: string } => {
    const varsFile = join(temp.dir, 'vars.json');
    writeFileSync(varsFile, JSON.stringify({ ...vars, ...extra }));
    const result = spawnSync('ansible-playbook', ['-i', join(temp.dir, 'inventory.ini'), PLAYBOOK, '-e', `@${varsFile}`, '-e', 'ansible_become=false', ...args], {
      encoding: 'utf8',
      env: { ...process.env, ANSIBLE_NOCOLOR: '1', ANSIBLE_HOST_KEY_CHECKING: 'False', ANSIBLE_LOCAL_TEMP: join(temp.dir, '.ansible-local'), ANSIBLE_REMOTE_TEMP: join(temp.dir, '.ansible-remote') },
      timeout: 300_000,
    });
    const output = `${result.stdout}${result.stderr}`;
    const match = /localhost\s+:\s+ok=(\d+)\s+changed=(\d+)\s+unreachable=\d+\s+failed=(\d+)/.exec(output);
    return { status: result.status ?? -1, recap: { ok: Number(match?.[1] ?? -1), changed: Number(match?.[2] ?? -1), failed: Number(match?.[3] ?? -1) }, output };
  };
  const json = (args: string[]): Record<string, any> => dockauth(['--dir', state, '--json', ...args]).json;

  test('the first run sets everything up and onboards every user, reporting changes', () => {
    const first = play();
    expect({ status: first.status, failed: first.recap.failed }).toEqual({ status: 0, failed: 0 });
    expect(first.recap.changed).toBeGreaterThanOrEqual(5);
    for (const user of users.slice(0, 2)) {
      const key = statSync(join(user.home, '.docker', 'key.pem'));
      expect([key.uid, key.mode & 0o777]).toEqual([user.uid, 0o600]);
    }
    expect(existsSync(join(users[2]!.home, '.docker'))).toBe(false);
    expect(JSON.parse(readFileSync(vars.dockauth_daemon_json as string, 'utf8'))).toMatchObject({ tlsverify: true, 'authorization-plugins': ['dockauth'] });
    expect(readFileSync(join(temp.dir, 'profile.d', 'dockauth.sh'), 'utf8')).toContain("DOCKER_HOST='tcp://localhost:2376'");
    expect(json(['user', 'show', users[0]!.name]).certificates[0].groups).toEqual(['lab']);
    // Private keys never reach the output.
    expect(first.output).not.toContain('PRIVATE KEY');
  });

  test('the second run reports changed=0 for every task', () => {
    const second = play();
    expect({ status: second.status, changed: second.recap.changed, failed: second.recap.failed }).toEqual({ status: 0, changed: 0, failed: 0 });
  });

  test('moving one user to revoked revokes exactly that user', () => {
    const keep = json(['user', 'show', users[0]!.name]).certificates[0].serial;
    const third = play({ dockauth_users: [{ name: users[0]!.name, groups: ['lab'] }], dockauth_revoked: [users[1]!.name] });
    expect({ status: third.status, changed: third.recap.changed }).toEqual({ status: 0, changed: 1 });
    expect(json(['user', 'show', users[1]!.name]).certificates.map((c: { status: string }) => c.status)).toEqual(['revoked']);
    expect(json(['user', 'show', users[0]!.name]).certificates).toEqual([expect.objectContaining({ serial: keep, status: 'valid' })]);
    vars = { ...vars, dockauth_users: [{ name: users[0]!.name, groups: ['lab'] }], dockauth_revoked: [users[1]!.name] };
    expect(play().recap.changed).toBe(0);
  });

  test('--check with a new user reports the change and writes nothing', () => {
    const before = [snapshotTree(state), snapshotTree(users[2]!.home), snapshotTree(join(temp.dir, 'ssl'))];
    const checked = play({ dockauth_users: [...(vars.dockauth_users as object[]), { name: users[2]!.name }] }, ['--check']);
    expect({ status: checked.status, failed: checked.recap.failed }).toEqual({ status: 0, failed: 0 });
    expect(checked.recap.changed).toBe(1);
    expect([snapshotTree(state), snapshotTree(users[2]!.home), snapshotTree(join(temp.dir, 'ssl'))]).toEqual(before);
  });
});
