import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DOCKAUTH_BIN, dockauth } from '../support/dockauth.js';
import { describeWithPostgres, startTestPostgres, type TestPostgres } from '../support/postgres.js';
import { makeTempDir } from '../support/temp.js';
import { createUser, removeUser, type LocalUser } from '../support/users.js';

// The site playbook in the shared-inventory layout, under a real ansible-playbook against
// localhost: localhost is the CA host (its role owns the database) and a docker host;
// dockerhost2 joins with a read-only role. No copy of the inventory travels.
const PLAYBOOK = fileURLToPath(new URL('../../templates/ansible/playbook.yml', import.meta.url));
const noAnsible = spawnSync('sh', ['-c', 'command -v ansible-playbook']).status !== 0;

const describeShared = noAnsible
  ? (title: string) => {
      if (process.env.DOCKAUTH_E2E === 'required') test(`${title}: ansible-playbook is installed`, () => { throw new Error('cannot run: ansible-playbook is not installed'); });
      else describe.skip(title, () => test('skipped: ansible-playbook is not installed', () => undefined));
    }
  : describeWithPostgres;

describeShared('the Ansible playbook, shared inventory on PostgreSQL', () => {
  let db: TestPostgres;
  let temp: ReturnType<typeof makeTempDir>;
  let user: LocalUser;

  beforeAll(async () => {
    db = await startTestPostgres();
    temp = makeTempDir('dansible-pg-');
    chmodSync(temp.dir, 0o755);
    user = createUser('anp');
    const host = (name: string, suffix: string, passwordFile: string): string =>
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
        `dockauth_inventory_password_file=${passwordFile}`,
      ].join(' ');
    writeFileSync(
      join(temp.dir, 'inventory.ini'),
      `[docker_hosts]\n${host('localhost', '', db.owner.passwordFile)}\n${host('dockerhost2', '2', db.reader.passwordFile)}\n\n[dockauth_ca]\nlocalhost\n`,
    );
  }, 120_000);
  afterAll(async () => {
    if (user) removeUser(user);
    await db?.cleanup();
    temp?.cleanup();
  });

  const play = (): { status: number; changed: number; failed: number; output: string } => {
    const varsFile = join(temp.dir, 'vars.json');
    writeFileSync(varsFile, JSON.stringify({
      // The checkout's dockauth, not the package (the single-site playbook test installs that).
      dockauth_install: false,
      dockauth_bin: `${process.execPath} ${DOCKAUTH_BIN}`,
      dockauth_fetch_dir: join(temp.dir, 'fetched'),
      dockauth_restart_docker: false,
      dockauth_manage_services: false,
      dockauth_users: [{ name: user.name }],
      dockauth_inventory_url: db.owner.url,
      dockauth_inventory_reader_url: db.reader.url,
    }));
    const result = spawnSync('ansible-playbook', ['-i', join(temp.dir, 'inventory.ini'), PLAYBOOK, '-e', `@${varsFile}`, '-e', 'ansible_become=false'], {
      encoding: 'utf8',
      env: { ...process.env, ANSIBLE_NOCOLOR: '1', ANSIBLE_LOCAL_TEMP: join(temp.dir, '.ansible-local'), ANSIBLE_REMOTE_TEMP: join(temp.dir, '.ansible-remote') },
      timeout: 300_000,
    });
    const output = `${result.stdout}${result.stderr}`;
    let changed = 0;
    let failed = 0;
    for (const match of output.matchAll(/^\S+\s+:\s+ok=\d+\s+changed=(\d+)\s+unreachable=\d+\s+failed=(\d+)/gm)) {
      changed += Number(match[1]);
      failed += Number(match[2]);
    }
    return { status: result.status ?? -1, changed, failed, output };
  };

  test('the CA host makes the inventory in PostgreSQL, the other docker host joins it: no inventory copy, no key', () => {
    const first = play();
    expect({ status: first.status, failed: first.failed }).toEqual({ status: 0, failed: 0 });
    expect(JSON.parse(readFileSync(join(temp.dir, 'state', 'inventory.json'), 'utf8')).url).toBe(db.owner.url);
    expect(existsSync(join(temp.dir, 'state', 'inventory.db'))).toBe(false);
    const joined = join(temp.dir, 'state2');
    expect(JSON.parse(readFileSync(join(joined, 'inventory.json'), 'utf8'))).toEqual({ url: db.reader.url, passwordFile: db.reader.passwordFile });
    expect(statSync(join(joined, 'inventory.json')).mode & 0o077).toBe(0);
    expect(existsSync(join(joined, 'inventory.db'))).toBe(false);
    expect(existsSync(join(joined, 'ca-key.pem'))).toBe(false);
    expect(existsSync(join(temp.dir, 'fetched', 'inventory.db'))).toBe(false);
    // The docker host's plugin reads the user onboarded on the CA host straight from the database.
    expect(dockauth(['--dir', joined, '--json', 'user', 'list']).json.users.map((u: { user: string }) => u.user)).toEqual([user.name]);
    expect(first.output).not.toContain(db.owner.password);
    expect(first.output).not.toContain(db.reader.password);
  });

  test('the second run reports changed=0', () => {
    const second = play();
    expect({ status: second.status, changed: second.changed, failed: second.failed }).toEqual({ status: 0, changed: 0, failed: 0 });
  });
});
