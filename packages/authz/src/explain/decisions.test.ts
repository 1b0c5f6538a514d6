import { evaluate, type Decision } from '../engine/decide.js';
import { parsePolicy, type Policy } from '../engine/policy.js';
import { ALICE, BOB, POLICY, container, fakeDocker, fakePaths } from '../../test/fixtures.js';
import { requestFromDockerArgs } from './docker-cli.js';

// Explained command lines judged by the plugin's own engine, as `dockauth authz check` does.

const docker = fakeDocker({
  containers: [container('aaaa1111', 'alice-web', '1001:1001'), container('bbbb2222', 'bob-db', '1002:1002')],
  networks: [{ id: 'a'.repeat(64), name: 'n1', driver: 'bridge', labels: { 'dockauth.owner': 'alice' } }],
  volumes: [{ name: 'bobs', driver: 'local', options: {}, labels: { 'dockauth.owner': 'bob' } }],
});

/** The fixture policy, with the image-building actions allowed and `build: true`. */
const BUILD_POLICY = parsePolicy(
  `version: 1
base:
  allow: [container.*, image.pull, image.build, image.tag, image.import]
  images:
    allow: ['^docker\\.io/library/(alpine|busybox):', '^docker\\.io/{user}/']
  mounts: ['~']
  build: true
`,
  'build-policy.yaml',
);

async function check(line: string[], policy: Policy = POLICY, user = 'alice'): Promise<Decision> {
  const request = requestFromDockerArgs(line);
  return evaluate(
    { user, method: request.method, uri: request.uri, body: request.body, headers: { 'Content-Type': 'application/json' } },
    [],
    { policy, accounts: { lookup: (name) => ({ alice: ALICE, bob: BOB })[name as 'alice' | 'bob'] }, docker, paths: fakePaths },
  );
}

const RUN = ['run', '-u', '1001:1001', '--security-opt', 'no-new-privileges'];

describe('explained commands, judged', () => {
  test.each([
    // The CLI adds "latest" to a bare name: allowed as busybox:latest.
    [['pull', 'busybox'], 'image.pull'],
    [['pull', 'alice/tool:1.0'], 'image.pull'],
    [[...RUN, 'busybox:1.36', 'id'], 'container.create'],
    [[...RUN, '--shm-size', '512m', '--memory', '256m', '--pids-limit', '100', '--ulimit', 'nofile=1024:2048', '--tmpfs', '/tmp:size=64m',
      '--mount', 'type=tmpfs,dst=/cache,tmpfs-size=64m', '--log-opt', 'max-size=10m', '--restart', 'no', 'busybox:1.36'], 'container.create'],
    [[...RUN, '--network', 'n1', 'busybox:1.36'], 'container.create'],
    [['volume', 'create', 'v'], 'volume.create'],
    [['network', 'create', 'mine'], 'network.create'],
    [['network', 'connect', 'n1', 'alice-web'], 'network.connect'],
    [['ps', '-a'], 'container.list'],
    [['rm', '-f', 'alice-web'], 'container.remove'],
    [['stop', '-t', '1', 'alice-web'], 'container.stop'],
    [['start', 'alice-web'], 'container.start'],
    [['logs', '-f', '-n', '5', 'alice-web'], 'container.logs'],
    [['cp', 'alice-web:/etc/hosts', '.'], 'container.archive.read'],
    [['volume', 'rm', 'v'], 'volume.remove'],
  ])('%j is allowed for alice (%s)', async (line, action) => {
    const decision = await check(line);
    expect(decision.message).toBe('');
    expect(decision).toMatchObject({ allow: true, action });
  });

  test.each([
    [['pull', '-a', 'busybox'], /names no tag, and dockerd would pull every tag/],
    [['pull', 'evil'], /image docker.io\/library\/evil:latest is not on the allowed list/],
    [['volume', 'create', '-d', 'nfs', 'v'], /volume driver nfs is not allowed/],
    [['volume', 'create', '-o', 'device=/etc', 'v'], /volume options \(-o device\) are not allowed/],
    [['volume', 'create', 'bobs'], /volume bobs is not yours/],
    [['volume', 'rm', 'bobs'], /volume bobs is not yours/],
    [[...RUN, '--shm-size', '2g', 'busybox:1.36'], /--shm-size 2g is over this host's limit of 1g/],
    [[...RUN, '--tmpfs', '/tmp', 'busybox:1.36'], /--tmpfs \/tmp: give its size/],
    [[...RUN, '--mount', 'type=tmpfs,dst=/t,tmpfs-size=4g', 'busybox:1.36'], /--mount type=tmpfs,dst=\/t: size 4g is over this host's limit of 1g/],
    [[...RUN, '--oom-kill-disable', 'busybox:1.36'], /--oom-kill-disable is not allowed/],
    [[...RUN, '--pids-limit', '-1', 'busybox:1.36'], /--pids-limit -1 \(unlimited\) is not allowed/],
    [[...RUN, '--ulimit', 'rtprio=1', 'busybox:1.36'], /--ulimit rtprio is not allowed/],
    [[...RUN, '--log-opt', 'max-size=1g', 'busybox:1.36'], /--log-opt max-size=1g is over this host's limit of 100m/],
    [[...RUN, '--log-driver', 'syslog', 'busybox:1.36'], /--log-driver syslog is not allowed/],
    [[...RUN, '--restart', 'always', 'busybox:1.36'], /--restart always is not allowed here/],
    [[...RUN, '--network', 'host', 'busybox:1.36'], /--network=host is not allowed/],
    [[...RUN, '--network', 'elsewhere', 'busybox:1.36'], /--network elsewhere: no network "elsewhere"/],
    [['network', 'create', '-d', 'macvlan', '-o', 'parent=eth0', 'n2'], /network driver macvlan is not allowed .*network driver options \(-o\) are not allowed/],
    [['network', 'connect', 'n1', 'bob-db'], /container "bob-db" is not yours/],
    [['rm', '-f', 'bob-db'], /container "bob-db" is not yours/],
    [['logs', 'bob-db'], /container "bob-db" is not yours/],
    [['cp', './f', 'alice-web:/tmp'], /container.archive.write is not allowed for alice/],
    [['system', 'df'], /system.df is not allowed for alice/],
    [['build', '-t', 'alice/x', '.'], /image.build is not allowed for alice/],
  ])('%j is refused for alice, saying why', async (line, message) => {
    const decision = await check(line);
    expect(decision.allow).toBe(false);
    expect(decision.message).toMatch(message);
  });
});

describe('explained image commands under a policy with build: true', () => {
  test.each([
    [['build', '-t', 'alice/x', '.'], 'image.build'],
    [['build', '-t', 'alice/x:1', '--network', 'none', '--build-arg', 'V=1', '--shm-size', '64m', '.'], 'image.build'],
    [['build', '-t', 'alice/x', 'https://example.org/ctx.tar.gz'], 'image.build'],
    [['tag', 'busybox:1.36', 'alice/bb'], 'image.tag'],
    [['import', '-', 'alice/base'], 'image.import'],
  ])('%j is allowed for alice (%s)', async (line, action) => {
    const decision = await check(line, BUILD_POLICY);
    expect(decision.message).toBe('');
    expect(decision).toMatchObject({ allow: true, action });
  });

  test.each([
    [['build', '-t', 'bob/x', '.'], /docker build -t bob\/x: tag under your own name, -t alice\/x/],
    [['build', '-t', 'alice/x', '--network', 'host', '.'], /docker build --network host is not allowed/],
    [['build', '-t', 'alice/x', '--cgroup-parent', 'system.slice', '.'], /--cgroup-parent is not allowed/],
    [['build', '-t', 'alice/x', '--ulimit', 'nofile=1024', '.'], /docker build --ulimit is not allowed/],
    [['build', '-t', 'alice/x', '--shm-size', '8g', '.'], /docker build --shm-size 8g is over this host's limit of 1g/],
    [['tag', 'busybox:1.36', 'bob/bb'], /tag under your own name \(alice\/NAME\), not docker.io\/bob\/bb/],
    [['import', 'https://example.org/rootfs.tar', 'alice/base'], /dockerd would fetch it itself/],
    [['import', '-', 'busybox'], /import under your own name \(alice\/NAME\), not busybox/],
  ])('%j is refused for alice, saying why', async (line, message) => {
    const decision = await check(line, BUILD_POLICY);
    expect(decision.allow).toBe(false);
    expect(decision.message).toMatch(message);
  });
});
