import { spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { INSTALLED_BIN, buildPackageForTests, installPackageForTests, isInstalled, packageSkipReason, withoutNode } from '../support/debian-package.js';
import { openssl } from '../support/openssl.js';
import { makeTempDir, snapshotTree } from '../support/temp.js';
import { createUser, removeUser, type LocalUser } from '../support/users.js';

// The Debian package as a site gets it: built from this checkout, installed with apt-get on this
// machine, then a first day's work run with no Node.js anywhere on the PATH; purged at the end.
const VERSION = JSON.parse(readFileSync(fileURLToPath(new URL('../../packages/cli/package.json', import.meta.url)), 'utf8')).version as string;
const has = (command: string): boolean => spawnSync('sh', ['-c', `command -v ${command}`]).status === 0;
const skip = packageSkipReason() ?? (has('lintian') ? undefined : 'lintian is not installed (apt-get install -y lintian)');
if (skip && process.env.DOCKAUTH_E2E === 'required') {
  test('the package test can run', () => {
    throw new Error(`cannot run: ${skip}`);
  });
}
const describePackage = skip ? describe.skip : describe;

describePackage('the Debian package, installed with apt-get', () => {
  let deb: string;
  let installed: { uninstall: () => void } | undefined;
  let temp: ReturnType<typeof makeTempDir>;
  let user: LocalUser;
  let state: string;
  const run = (...args: string[]) => withoutNode(INSTALLED_BIN, args);

  beforeAll(async () => {
    deb = buildPackageForTests();
    temp = makeTempDir('dpkg-');
    state = join(temp.dir, 'state');
    user = createUser('dpk');
    installed = await installPackageForTests(deb);
  }, 600_000);
  afterAll(() => {
    try {
      installed?.uninstall();
    } finally {
      if (user) removeUser(user);
      temp?.cleanup();
    }
  });

  test('lintian finds no error', () => {
    const lintian = spawnSync('lintian', [deb], { encoding: 'utf8' });
    expect(lintian.stdout.split('\n').filter((line) => line.startsWith('E:'))).toEqual([]);
    expect(lintian.status).toBe(0);
  }, 120_000);

  test('the files go where Debian puts them, and nothing under /etc (no conffiles, no maintainer scripts)', () => {
    const files = spawnSync('dpkg', ['-L', 'dockauth'], { encoding: 'utf8' }).stdout.split('\n');
    expect(files).toEqual(
      expect.arrayContaining([
        '/usr/bin/dockauth',
        '/usr/lib/dockauth/better_sqlite3.node',
        '/usr/share/man/man8/dockauth.8.gz',
        '/usr/share/bash-completion/completions/dockauth',
        '/usr/share/zsh/vendor-completions/_dockauth',
        '/lib/systemd/system/dockauth-authz.socket',
        '/lib/systemd/system/dockauth-authz.service',
        '/lib/systemd/system/dockauth-renew.service',
        '/lib/systemd/system/dockauth-renew.timer',
        '/usr/share/dockauth/policy.yaml',
      ]),
    );
    expect(files.filter((path) => path.startsWith('/etc'))).toEqual([]);
    expect(readdirSync('/var/lib/dpkg/info').filter((name) => name.startsWith('dockauth.')).sort()).toEqual(['dockauth.list', 'dockauth.md5sums']);
    // The units start the installed executable itself.
    const service = readFileSync('/lib/systemd/system/dockauth-authz.service', 'utf8');
    expect(service).toContain('ExecStart=/usr/bin/dockauth authz serve --dir /etc/dockauth');
    expect(spawnSync('systemd-analyze', ['verify', '/lib/systemd/system/dockauth-authz.socket', '/lib/systemd/system/dockauth-authz.service'], { encoding: 'utf8' }).stderr).not.toMatch(/dockauth.*(error|Failed)/i);
  });

  test('with no Node.js on the PATH: --version, ca init, server issue, user add for a real user, authz check, systemd', () => {
    expect(withoutNode('sh', ['-c', 'node -e 0']).status).not.toBe(0);
    expect(run('--version')).toMatchObject({ status: 0, stdout: expect.stringMatching(new RegExp(`^${VERSION.replaceAll('.', '\\.')} \\(commit [0-9a-f]{12}(-dirty)?\\)\\n$`)) });
    expect(run('--dir', state, 'ca', 'init', '--cn', 'Package Test CA')).toMatchObject({ status: 0, stderr: '' });
    const ssl = join(temp.dir, 'ssl');
    expect(run('--dir', state, 'server', 'issue', '--host', 'docker.example.org', '--out', ssl).status).toBe(0);
    expect(openssl(['verify', '-CAfile', join(state, 'ca.pem'), '-purpose', 'sslserver', join(ssl, 'server-cert.pem')])).toContain('OK');

    expect(run('--dir', state, 'user', 'add', user.name).status).toBe(0);
    const key = statSync(join(user.home, '.docker', 'key.pem'));
    expect([key.uid, key.mode & 0o777]).toEqual([user.uid, 0o600]);
    expect(openssl(['verify', '-CAfile', join(state, 'ca.pem'), '-purpose', 'sslclient', join(user.home, '.docker', 'cert.pem')])).toContain('OK');
    expect(JSON.parse(run('--dir', state, '--json', 'user', 'list').stdout).users.map((entry: { user: string }) => entry.user)).toEqual([user.name]);

    expect(run('--dir', state, 'authz', 'init').status).toBe(0);
    const denied = run('--dir', state, 'authz', 'check', '--user', user.name, '--', 'run', '--privileged', 'alpine');
    expect(denied).toMatchObject({ status: 1, stdout: expect.stringContaining('--privileged is not allowed') });
    const own = `${user.uid}:${user.gid}`;
    expect(run('--dir', state, '--json', 'authz', 'check', '--user', user.name, '--', 'run', '-u', own, '--security-opt', 'no-new-privileges', 'busybox:1.36', 'id')).toMatchObject({ status: 0 });

    const units = join(temp.dir, 'units');
    expect(run('--dir', state, 'systemd', '--out', units).status).toBe(0);
    expect(readFileSync(join(units, 'dockauth-authz.service'), 'utf8')).toContain(`ExecStart=/usr/bin/dockauth authz serve --dir ${state}`);
  });

  test('man dockauth renders the manual page', () => {
    const man = withoutNode('man', ['dockauth'], { env: { MANPAGER: 'cat', PAGER: 'cat', MANWIDTH: '100' } });
    expect(man.status).toBe(0);
    expect(man.stdout).toMatch(/^DOCKAUTH\(8\)/m);
    expect(man.stdout).toContain('user add');
  });

  test('bash and zsh complete the subcommands from where the package put their completion', () => {
    const bash = withoutNode('bash', ['-c', 'source /usr/share/bash-completion/completions/dockauth; COMP_WORDS=(dockauth ""); COMP_CWORD=1; _dockauth; printf "%s\\n" "${COMPREPLY[@]}"']);
    expect(bash.stdout.split('\n').filter(Boolean)).toEqual(expect.arrayContaining(['ca', 'server', 'user', 'authz', 'systemd', 'doctor']));
    if (has('zsh')) {
      // Debian's zsh reads /usr/share/zsh/vendor-completions by itself: compinit finds _dockauth there.
      const zsh = withoutNode('zsh', ['-fc', 'autoload -Uz compinit; compinit -u -D; print -r -- $_comps[dockauth]']);
      expect(zsh.stdout.trim()).toBe('_dockauth');
    }
  });

  test('installing again (an upgrade) leaves the CA, the inventory and the policy as they were', () => {
    const before = snapshotTree(state);
    const again = spawnSync('dpkg', ['--install', deb], { encoding: 'utf8' });
    expect(again.status).toBe(0);
    expect(snapshotTree(state)).toEqual(before);
    expect(run('--dir', state, 'user', 'list').status).toBe(0);
  });

  test('purging removes what it installed', () => {
    installed?.uninstall();
    installed = undefined;
    expect(isInstalled()).toBe(false);
    expect(() => statSync(INSTALLED_BIN)).toThrow();
    expect(() => statSync('/usr/lib/dockauth')).toThrow();
  });
});

describePackage('the single executable, on its own', () => {
  let temp: ReturnType<typeof makeTempDir>;
  let executable: string;
  let addon: string;

  beforeAll(() => {
    const sea = join(dirname(buildPackageForTests()), 'sea');
    temp = makeTempDir('dsea-');
    executable = join(temp.dir, 'dockauth');
    addon = join(temp.dir, 'better_sqlite3.node');
    copyFileSync(join(sea, 'dockauth'), executable);
    chmodSync(executable, 0o755);
    copyFileSync(join(sea, 'better_sqlite3.node'), addon);
  }, 600_000);
  afterAll(() => temp?.cleanup());
  const userList = () => withoutNode(executable, ['--dir', join(temp.dir, 'state'), 'user', 'list']);

  test('SQLite\'s module is loaded only from a file no one else can write, and its absence is explained', () => {
    expect(withoutNode(executable, ['--dir', join(temp.dir, 'state'), 'ca', 'init']).status).toBe(0);
    rmSync(addon, { force: true });
    expect(userList()).toMatchObject({ status: 1, stderr: expect.stringContaining(`failed to find SQLite's compiled module: none of ${addon}, `) });
    copyFileSync(join(dirname(buildPackageForTests()), 'sea', 'better_sqlite3.node'), addon);
    expect(userList()).toMatchObject({ status: 0 });
    chmodSync(addon, 0o666);
    expect(userList()).toMatchObject({ status: 1, stderr: expect.stringContaining(`failed to load ${addon}: writable by others (mode 0666)`) });
    expect(userList().stderr).toContain(`chmod go-w ${addon}`);
    expect(userList().stderr).not.toContain('bug');
    chmodSync(addon, 0o644);
    expect(userList()).toMatchObject({ status: 0 });
  });
});
