import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { INSTALLED_BIN, buildPackageForTests, isInstalled, packageSkipReason, reservePackageForTests } from '../support/debian-package.js';
import { dockauth } from '../support/dockauth.js';
import { openssl } from '../support/openssl.js';
import { makeTempDir, snapshotTree } from '../support/temp.js';
import { createUser, removeUser, type LocalUser } from '../support/users.js';

// The site playbook as a site runs it, under a real ansible-playbook, against localhost:
// this machine is both the CA host and the docker host; the users are real. The role installs
// dockauth from the Debian package built from this checkout; the test purges it at the end.
const PLAYBOOK = fileURLToPath(new URL('../../templates/ansible/playbook.yml', import.meta.url));
const skip =
  process.geteuid?.() !== 0
    ? 'needs root (useradd)'
    : spawnSync('sh', ['-c', 'command -v ansible-playbook']).status !== 0
      ? 'ansible-playbook is not installed (apt-get install -y ansible-core)'
      : packageSkipReason();
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
  let deb: string;
  let reserved: { uninstall: () => void } | undefined;

  beforeAll(async () => {
    deb = buildPackageForTests();
    reserved = await reservePackageForTests();
    temp = makeTempDir('dansible-');
    chmodSync(temp.dir, 0o755);
    state = join(temp.dir, 'state');
    users = [createUser('ana'), createUser('anb'), createUser('anc')];
    // Two docker hosts on this one machine, each with its own directories: localhost is also
    // the CA host; dockerhost2 gets its server certificate and the CA's public state shipped.
    const host = (name: string, suffix: string): string =>
      [
        `${name} ansible_connection=local ansible_python_interpreter=/usr/bin/python3`,
        `dockauth_dir=${join(temp.dir, `state${suffix}`)}`,
        `dockauth_tls_dir=${join(temp.dir, `ssl${suffix}`)}`,
        `dockauth_daemon_json=${join(temp.dir, `docker${suffix}`, 'daemon.json')}`,
        `dockauth_systemd_dropin=${join(temp.dir, `systemd${suffix}`, 'docker.service.d', 'dockauth.conf')}`,
        `dockauth_systemd_dir=${join(temp.dir, `systemd${suffix}`)}`,
        `dockauth_profile_dir=${join(temp.dir, `profile${suffix}.d`)}`,
        `dockauth_server_hosts='["${name}", "127.0.0.1"]'`,
        `dockauth_docker_host=tcp://${name}:2376`,
      ].join(' ');
    // dockerhost2 is this machine too: localhost's install serves it (two dpkg runs at once on one machine collide).
    writeFileSync(join(temp.dir, 'inventory.ini'), `[docker_hosts]\n${host('localhost', '')}\n${host('dockerhost2', '2')} dockauth_install=false\n\n[dockauth_ca]\nlocalhost\n`);
    vars = {
      // dockauth_bin stays the role's default, where the package installs it.
      dockauth_package: deb,
      dockauth_package_cache: join(temp.dir, 'package-cache'),
      dockauth_fetch_dir: join(temp.dir, 'fetched'),
      // No systemd here: the docker restart and the services are skipped, as the issue allows.
      dockauth_restart_docker: false,
      dockauth_manage_services: false,
      dockauth_users: [{ name: users[0]!.name, groups: ['lab'] }, { name: users[1]!.name }],
      dockauth_revoked: [],
    };
  }, 600_000);
  afterAll(() => {
    try {
      reserved?.uninstall();
    } finally {
      users?.forEach(removeUser);
      temp?.cleanup();
    }
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
    // The recap, summed over both hosts.
    const recap = { ok: 0, changed: 0, failed: 0 };
    const lines = [...output.matchAll(/^(\S+)\s+:\s+ok=(\d+)\s+changed=(\d+)\s+unreachable=\d+\s+failed=(\d+)/gm)];
    for (const match of lines) {
      recap.ok += Number(match[2]);
      recap.changed += Number(match[3]);
      recap.failed += Number(match[4]);
    }
    if (lines.length !== 2) recap.failed = -1;
    return { status: result.status ?? -1, recap, output };
  };
  const json = (args: string[]): Record<string, any> => dockauth(['--dir', state, '--json', ...args]).json;

  test('with a package it cannot install, the play stops before any dockauth task and says what to do', () => {
    const missing = join(temp.dir, 'dockauth_0.0.0-1_amd64.deb');
    const failed = play({ dockauth_package: missing });
    expect(failed.status).not.toBe(0);
    expect(failed.output).toContain(`failed to install dockauth on localhost from ${missing}`);
    expect(failed.output).toContain('`pnpm package`');
    expect(failed.output).not.toContain('TASK [dockauth : Make the CA');
    expect(isInstalled()).toBe(false);
  });

  test('the first run installs dockauth, sets everything up and onboards every user, reporting changes', () => {
    const first = play();
    expect({ status: first.status, failed: first.recap.failed }).toEqual({ status: 0, failed: 0 });
    expect(first.recap.changed).toBeGreaterThanOrEqual(5);
    expect(isInstalled()).toBe(true);
    expect(first.output).toMatch(/TASK \[dockauth : Install the package file[^\]]*\][\s\S]*?changed: \[/);
    expect(spawnSync(INSTALLED_BIN, ['--version'], { encoding: 'utf8' }).status).toBe(0);
    for (const user of users.slice(0, 2)) {
      const key = statSync(join(user.home, '.docker', 'key.pem'));
      expect([key.uid, key.mode & 0o777]).toEqual([user.uid, 0o600]);
    }
    expect(existsSync(join(users[2]!.home, '.docker'))).toBe(false);
    for (const suffix of ['', '2']) {
      expect(JSON.parse(readFileSync(join(temp.dir, `docker${suffix}`, 'daemon.json'), 'utf8'))).toMatchObject({ tlsverify: true, 'authorization-plugins': ['dockauth'] });
      expect(openssl(['verify', '-CAfile', join(state, 'ca.pem'), '-purpose', 'sslserver', join(temp.dir, `ssl${suffix}`, 'server-cert.pem')])).toContain('OK');
    }
    expect(readFileSync(join(temp.dir, 'profile.d', 'dockauth.sh'), 'utf8')).toContain("DOCKER_HOST='tcp://localhost:2376'");
    expect(readFileSync(join(temp.dir, 'profile2.d', 'dockauth.sh'), 'utf8')).toContain("DOCKER_HOST='tcp://dockerhost2:2376'");
    expect(openssl(['x509', '-noout', '-ext', 'subjectAltName', '-in', join(temp.dir, 'ssl2', 'server-cert.pem')])).toContain('DNS:dockerhost2, IP Address:127.0.0.1');
    // The second host has the CA's public state for its plugin, and never the CA key.
    expect(statSync(join(temp.dir, 'ssl2', 'server-key.pem')).mode & 0o777).toBe(0o600);
    expect(existsSync(join(temp.dir, 'state2', 'ca-key.pem'))).toBe(false);
    expect(dockauth(['--dir', join(temp.dir, 'state2'), '--json', 'user', 'list']).json.users.map((u: { user: string }) => u.user).sort()).toEqual([users[0]!.name, users[1]!.name].sort());
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
    // The revocation, the new inventory fetched from the CA host, and copied to the second host.
    expect({ status: third.status, changed: third.recap.changed }).toEqual({ status: 0, changed: 3 });
    expect(third.output).toMatch(/TASK \[dockauth : Revoke users who left\][\s\S]*?changed:/);
    expect(json(['user', 'show', users[1]!.name]).certificates.map((c: { status: string }) => c.status)).toEqual(['revoked']);
    expect(json(['user', 'show', users[0]!.name]).certificates).toEqual([expect.objectContaining({ serial: keep, status: 'valid' })]);
    // The second docker host's plugin sees the revocation too.
    expect(dockauth(['--dir', join(temp.dir, 'state2'), '--json', 'user', 'show', users[1]!.name]).json.certificates[0].status).toBe('revoked');
    vars = { ...vars, dockauth_users: [{ name: users[0]!.name, groups: ['lab'] }], dockauth_revoked: [users[1]!.name] };
    expect(play().recap.changed).toBe(0);
  });

  test('--check with a new user reports the change and writes nothing', () => {
    const before = snapshotTree(temp.dir);
    const checked = play({ dockauth_users: [...(vars.dockauth_users as object[]), { name: users[2]!.name }] }, ['--check']);
    expect({ status: checked.status, failed: checked.recap.failed }).toEqual({ status: 0, failed: 0 });
    expect(checked.recap.changed).toBe(1);
    const after = snapshotTree(temp.dir);
    // Ansible's own files (the vars file this test writes, its temp dirs) aside, nothing changed.
    const ours = (tree: Record<string, unknown>): Record<string, unknown> =>
      Object.fromEntries(Object.entries(tree).filter(([path]) => !path.startsWith('/vars.json') && !path.startsWith('/.ansible')));
    expect(ours(after)).toEqual(ours(before));
    expect(existsSync(join(users[2]!.home, '.docker'))).toBe(false);
  });
});
