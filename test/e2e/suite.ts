import { chmodSync, existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { dockauth } from '../support/dockauth.js';
import { makeTempDir } from '../support/temp.js';
import { createUser, removeUser, type LocalUser } from '../support/users.js';
import { asUser, e2eSkipReason, finishHost, importTestImage, prepareHost, startEngine, type Engine } from './engine.js';

// The whole product on a real dockerd, used by real local users through the real docker CLI.
const skip = e2eSkipReason();
const required = process.env.DOCKAUTH_E2E === 'required';
if (skip && required) {
  test('the end-to-end suite can run (DOCKAUTH_E2E=required)', () => {
    throw new Error(`the end-to-end suite cannot run: ${skip}`);
  });
} else if (skip) {
  test.skip(`end-to-end on a real dockerd (skipped: ${skip})`, () => undefined);
}
const describeE2e = skip ? describe.skip : describe;

const IMAGE = 'dockauth-test/busybox:latest';
const POLICY = (template: string): string =>
  template.replace("      - '^docker\\.io/library/(alpine|busybox|debian|ubuntu|python):'", "      - '^docker\\.io/library/(alpine|busybox|debian|ubuntu|python):'\n      - '^docker\\.io/dockauth-test/busybox:'");

describeE2e('dockauth on a real dockerd', () => {
  let temp: ReturnType<typeof makeTempDir>;
  let state: string;
  let profile: string;
  let engine: Engine;
  let alice: LocalUser;
  let bob: LocalUser;
  let carol: LocalUser;
  let policyText: string;

  /** The flags a user needs to run as themselves, as the plugin's messages teach them. */
  const self = (user: LocalUser): string => `-u ${user.uid}:${user.gid} --security-opt no-new-privileges`;
  const run = (user: LocalUser, command: string, env: Record<string, string> = {}) => asUser(user.name, profile, command, env);
  const containerNames = (): string[] => engine.admin(['ps', '-a', '--format', '{{.Names}}']).stdout.split('\n').filter(Boolean).sort();
  const denied = (result: { status: number; stderr: string }, message: RegExp): void => {
    expect(result.status).not.toBe(0);
    expect(result.stderr).toMatch(new RegExp(`authorization denied by plugin ${engine.pluginName}: .*${message.source}`));
  };

  beforeAll(async () => {
    temp = makeTempDir('dae2e-');
    chmodSync(temp.dir, 0o755);
    const host = prepareHost(temp.dir);
    state = host.state;
    alice = createUser('e2a');
    bob = createUser('e2b');
    carol = createUser('e2c');
    host.ok(['user', 'add', alice.name, bob.name]);
    engine = await startEngine({ dir: temp.dir, state, policyText: POLICY(host.policyTemplate), label: 'plain' });
    profile = finishHost(engine, temp.dir, host.ok, IMAGE);
  }, 180_000);

  afterAll(async () => {
    await engine?.stop();
    for (const user of [alice, bob, carol]) if (user) removeUser(user);
    temp?.cleanup();
  }, 120_000);

  test('alice runs a container as herself with her home mounted; the file she writes is hers on the host', () => {
    const result = run(alice, `docker run --rm ${self(alice)} -v $HOME:$HOME -w $HOME ${IMAGE} sh -c 'id -u; id -g; echo hi > from-container'`);
    expect(result).toMatchObject({ status: 0, stdout: `${alice.uid}\n${alice.gid}` });
    const file = statSync(join(alice.home, 'from-container'));
    expect([file.uid, file.gid]).toEqual([alice.uid, alice.gid]);
  });

  test('alice lists, reads the logs of, execs into, stops and removes her own container', () => {
    expect(run(alice, `docker run -d --name ${alice.name}-sleeper ${self(alice)} ${IMAGE} sh -c 'echo started; sleep 300'`).status).toBe(0);
    expect(run(alice, 'docker ps --format "{{.Names}}"').stdout).toContain(`${alice.name}-sleeper`);
    expect(run(alice, `sleep 1; docker logs ${alice.name}-sleeper`).stdout).toBe('started');
    expect(run(alice, `docker exec ${alice.name}-sleeper id -u`).stdout).toBe(String(alice.uid));
    expect(run(alice, `docker stop -t 1 ${alice.name}-sleeper`).status).toBe(0);
    expect(run(alice, `docker rm ${alice.name}-sleeper`).status).toBe(0);
    expect(containerNames()).not.toContain(`${alice.name}-sleeper`);
  });

  test.each([
    ['--privileged', '--privileged', /--privileged is not allowed/],
    ['-v /:/host', '-v /:/host', /-v \/:\/host: \/ is outside the directories you may mount/],
    ['a bind of another user\'s home', '-v /home/OTHER:/other', /is outside the directories you may mount/],
    ['--pid=host', '--pid=host', /--pid=host is not allowed/],
    ['--ipc=host', '--ipc=host', /--ipc=host is not allowed/],
    ['--net=host', '--net=host', /--network=host is not allowed/],
    ['--uts=host', '--uts=host', /--uts=host is not allowed/],
    ['--cap-add', '--cap-add SYS_ADMIN', /--cap-add SYS_ADMIN is not allowed/],
    ['--device', '--device /dev/null:/dev/x', /--device \/dev\/null is not allowed/],
  ])('%s is denied with a helpful message, and no container is created', (_case, flags) => {
    const before = containerNames();
    const result = run(alice, `docker run --rm ${self(alice)} ${flags.replace('OTHER', bob.name)} ${IMAGE} true`);
    denied(result, /not allowed|outside/);
    expect(containerNames()).toEqual(before);
  });

  test('running as root is denied, and the message says how to run as yourself', () => {
    const before = containerNames();
    denied(run(alice, `docker run --rm ${IMAGE} id`), new RegExp(`run as yourself: add -u ${alice.uid}:${alice.gid}`));
    expect(containerNames()).toEqual(before);
  });

  test('alice cannot exec into, stop or remove bob\'s container', () => {
    expect(run(bob, `docker run -d --name ${bob.name}-db ${self(bob)} ${IMAGE} sleep 300`).status).toBe(0);
    denied(run(alice, `docker exec ${bob.name}-db id`), /is not yours/);
    denied(run(alice, `docker stop ${bob.name}-db`), /is not yours/);
    denied(run(alice, `docker rm -f ${bob.name}-db`), /is not yours/);
    denied(run(alice, `docker logs ${bob.name}-db`), /is not yours/);
    expect(engine.admin(['inspect', '-f', '{{.State.Running}}', `${bob.name}-db`]).stdout.trim()).toBe('true');
    expect(run(bob, `docker rm -f ${bob.name}-db`).status).toBe(0);
  });

  test('an image labelled with another owner cannot make alice\'s container bob\'s (dockerd copies image labels in)', () => {
    const labelled = 'dockauth-test/busybox:labelled';
    importTestImage(engine, labelled, [`LABEL dockauth.owner=${bob.name}`]);
    const before = containerNames();
    denied(run(alice, `docker run --rm ${self(alice)} ${labelled} true`), new RegExp(`labels its containers dockauth.owner=${bob.name}: add --label dockauth.owner=${alice.name}`));
    expect(containerNames()).toEqual(before);
    expect(run(alice, `docker run --rm ${self(alice)} --label dockauth.owner=${alice.name} ${labelled} true`).status).toBe(0);
  });

  test('run_as any in the policy does not make root safe on a dockerd without userns-remap: it is refused', async () => {
    const original = readFileSync(engine.policy, 'utf8');
    writeFileSync(engine.policy, original.replace('run_as: self', 'run_as: any'));
    try {
      await new Promise((resolve) => setTimeout(resolve, 500)); // the plugin re-reads the policy within 200 ms
      const before = containerNames();
      denied(run(alice, `docker run --rm -u 0:0 --label dockauth.owner=${alice.name} --security-opt no-new-privileges ${IMAGE} id -u`), /only on a dockerd with userns-remap, and this one runs without it/);
      expect(containerNames()).toEqual(before);
    } finally {
      writeFileSync(engine.policy, original);
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
  });

  test('a volume whose options bind a host path is denied and not created', () => {
    denied(run(alice, 'docker volume create -o type=none -o o=bind -o device=/etc hostetc'), /volume options/);
    expect(engine.admin(['volume', 'ls', '-q']).stdout).not.toContain('hostetc');
  });

  test('the user without a certificate cannot connect', () => {
    const result = run(carol, `docker --host ${engine.dockerHost} ps`);
    expect(result.status).not.toBe(0);
    expect(`${result.stdout}${result.stderr}`).toMatch(/HTTP request to an HTTPS server|tls|certificate/i);
  });

  test('a certificate from another CA is refused by dockerd', () => {
    const other = join(temp.dir, 'other');
    expect(dockauth(['--dir', join(other, 'state'), 'ca', 'init', '--cn', 'E2E CA']).status).toBe(0);
    expect(dockauth(['--dir', join(other, 'state'), 'user', 'add', alice.name, '--out', join(other, 'ship')]).status).toBe(0);
    const bundle = join(other, 'ship', alice.name);
    chmodSync(other, 0o755);
    for (const dir of [join(other, 'ship'), bundle]) chmodSync(dir, 0o755);
    chmodSync(join(bundle, 'key.pem'), 0o644);
    // alice's own CA file, with the foreign certificate and key.
    writeFileSync(join(bundle, 'ca.pem'), readFileSync(join(temp.dir, 'ssl', 'ca.pem')));
    // With DOCKER_HOST already set, the profile script leaves the environment alone.
    const auditBefore = readFileSync(engine.audit, 'utf8');
    const result = run(alice, 'docker ps', { DOCKER_HOST: engine.dockerHost, DOCKER_TLS_VERIFY: '1', DOCKER_CERT_PATH: bundle });
    expect(result.status).not.toBe(0);
    // dockerd ends the handshake: the request never reaches the plugin.
    expect(result.stderr).toMatch(/bad certificate|certificate|connection reset by peer/i);
    expect(readFileSync(engine.audit, 'utf8')).toBe(auditBefore);
  });

  test('the audit log holds one line per decision, with the user and the reason', () => {
    const records = readFileSync(engine.audit, 'utf8').trim().split('\n').map((line) => JSON.parse(line) as Record<string, string>);
    expect(records.length).toBeGreaterThan(10);
    expect(records).toContainEqual(expect.objectContaining({ user: alice.name, action: 'container.create', decision: 'deny', reason: expect.stringMatching(/--privileged is not allowed/) }));
    expect(records).toContainEqual(expect.objectContaining({ user: alice.name, action: 'container.create', decision: 'allow' }));
    expect(records.every((record) => record.user && record.serial && record.method && record.endpoint && record.decision)).toBe(true);
  });

  test('a revoked user is denied within a second and their containers are stopped, with dockerd and the plugin left running', async () => {
    expect(run(bob, `docker run -d --name ${bob.name}-longrun ${self(bob)} ${IMAGE} sh -c 'trap exit TERM; sleep 300 & wait'`).status).toBe(0);
    expect(dockauth(['--dir', state, 'user', 'revoke', bob.name, '--reason', 'keyCompromise', '--docker-socket', engine.rootSocket]).status).toBe(0);
    // Revocation ends the work too: the container is stopped, not left running as bob.
    expect(engine.admin(['inspect', '-f', '{{.State.Running}}', `${bob.name}-longrun`]).stdout.trim()).toBe('false');
    await new Promise((resolve) => setTimeout(resolve, 1000));
    denied(run(bob, 'docker ps'), /was revoked \(keyCompromise\)/);
    expect(engine.dockerd.alive).toBe(true);
    expect(engine.plugin.alive).toBe(true);
    expect(run(alice, 'docker ps -q').status).toBe(0);
  });
});

describeE2e('userns-remap mode, on a second dockerd', () => {
  let temp: ReturnType<typeof makeTempDir>;
  let state: string;
  let profile: string;
  let engine: Engine;
  let alice: LocalUser;
  let remap: LocalUser;
  let rangeStart: number;

  beforeAll(async () => {
    temp = makeTempDir('dae2u-');
    chmodSync(temp.dir, 0o755);
    const host = prepareHost(temp.dir);
    state = host.state;
    alice = createUser('e2u');
    remap = createUser('e2r');
    host.ok(['user', 'add', alice.name]);
    rangeStart = JSON.parse(host.ok(['--json', 'subid', 'add', remap.name])).subuid.start;
    // With the remap, root inside a container is nobody outside: this host's policy lets users be root inside.
    const policyText = POLICY(host.policyTemplate).replace('run_as: self', 'run_as: any');
    engine = await startEngine({ dir: temp.dir, state, policyText, label: 'userns', usernsRemap: remap.name });
    profile = finishHost(engine, temp.dir, host.ok, IMAGE);
  }, 180_000);

  afterAll(async () => {
    await engine?.stop();
    for (const user of [alice, remap]) if (user) removeUser(user);
    // Only the line this test added: other tests' useradd/userdel change these files meanwhile.
    for (const file of ['/etc/subuid', '/etc/subgid']) {
      if (remap && existsSync(file)) writeFileSync(file, readFileSync(file, 'utf8').split('\n').filter((line) => !line.startsWith(`${remap.name}:`)).join('\n'));
    }
    temp?.cleanup();
  }, 120_000);

  test('dockerd runs remapped to the range dockauth subid add allocated', () => {
    expect(engine.admin(['info', '--format', '{{.SecurityOptions}}']).stdout).toContain('name=userns');
    expect(readFileSync('/etc/subuid', 'utf8')).toContain(`${remap.name}:${rangeStart}:65536`);
  });

  test('root in alice\'s container is the first id of the range on the host', () => {
    // Root inside is the range's first id outside: it may write only where others may. A bind
    // source must be one alice cannot move (her home itself), so her home is opened for the test.
    chmodSync(alice.home, 0o777);
    const result = asUser(alice.name, profile, `docker run --rm -u 0:0 --label dockauth.owner=${alice.name} -v $HOME:/shared ${IMAGE} sh -c 'id -u; touch /shared/made-by-root'`);
    expect(result).toMatchObject({ status: 0, stdout: '0' });
    const file = statSync(join(alice.home, 'made-by-root'));
    expect([file.uid, file.gid]).toEqual([rangeStart, rangeStart]);
  });

  test('--userns=host, the escape from the remapping, is denied', () => {
    const result = asUser(alice.name, profile, `docker run --rm -u 0:0 --label dockauth.owner=${alice.name} --userns=host ${IMAGE} id -u`);
    expect(result.status).not.toBe(0);
    expect(result.stderr).toMatch(new RegExp(`authorization denied by plugin ${engine.pluginName}: .*--userns=host is not allowed`));
  });
});
