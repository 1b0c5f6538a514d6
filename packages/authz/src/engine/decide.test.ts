import { join } from 'node:path';
import { CaStore, createCa } from '@dockauth/ca';
import { decide, type DecisionInputs } from './decide.js';
import type { AuthzRequest } from '../protocol/authz-request.js';
import { ALICE, BOB, POLICY, container, fakeDocker, fakePaths, statusOf } from '../../test/fixtures.js';
import { makeTempDir } from '../../../../test/support/temp.js';

let temp: ReturnType<typeof makeTempDir>;
let store: CaStore;
let alicePem: string;
let bobPem: string;
let serverPem: string;

beforeAll(async () => {
  temp = makeTempDir();
  ({ store } = await CaStore.initialize(join(temp.dir, 'state'), await createCa({ subject: { commonName: 'Engine CA' } })));
  alicePem = (await store.issueClient({ user: 'alice', groups: ['lab'] })).certificatePem;
  bobPem = (await store.issueClient({ user: 'bob' })).certificatePem;
  serverPem = (await store.issueServer({ hosts: ['alice'] })).certificatePem;
});
afterAll(() => {
  store.close();
  temp.cleanup();
});

const own = '1001:1001';
const NNP = ['no-new-privileges'];
const docker = fakeDocker({
  containers: [
    container('aaaa1111', 'alice-web', own),
    container('bbbb2222', 'bob-db', '1002:1002'),
    container('cccc3333', 'labelled', '', { labels: { 'dockauth.owner': 'alice' } }),
    container('dddd4444', 'swapped', own, { binds: ['/home/alice/link:/data'] }),
  ],
  execs: { e1: 'aaaa1111', e2: 'bbbb2222' },
  images: {
    'sha256:abc': { id: 'sha256:abc', repoTags: ['busybox:latest'], repoDigests: [], labels: {} },
    'evil:latest': { id: 'sha256:def', repoTags: ['evil:latest', 'busybox:1.36'], repoDigests: [], labels: {} },
    retagged: { id: 'sha256:999', repoTags: ['retagged:latest'], repoDigests: [], labels: {} },
    // dockerd copies an image's labels into its containers: this one would make them bob's.
    'alpine:bobs': { id: 'sha256:b0b', repoTags: ['alpine:bobs'], repoDigests: [], labels: { 'dockauth.owner': 'bob' } },
  },
  networks: [{ id: 'a'.repeat(64), name: 'n1', driver: 'bridge', labels: { 'dockauth.owner': 'alice' } }],
  volumes: [
    { name: 'plain', driver: 'local', options: {}, labels: { 'dockauth.owner': 'alice' } },
    { name: 'etcbind', driver: 'local', options: { type: 'none', o: 'bind', device: '/etc' }, labels: {} },
    { name: 'homebind', driver: 'local', options: { type: 'none', o: 'bind', device: '/home/alice/data' }, labels: {} },
    { name: 'bobs', driver: 'local', options: {}, labels: { 'dockauth.owner': 'bob' } },
  ],
});

const inputs = (): DecisionInputs => ({
  policy: POLICY,
  inventory: statusOf(store),
  accounts: { lookup: (user) => ({ alice: ALICE, bob: BOB })[user as 'alice' | 'bob'] },
  docker,
  paths: fakePaths,
});

function request(method: string, uri: string, body?: unknown, user = 'alice', pem?: string): AuthzRequest {
  return {
    user,
    authMethod: 'TLS',
    method,
    uri,
    body: body === undefined ? undefined : Buffer.from(typeof body === 'string' ? body : JSON.stringify(body)),
    headers: { 'Content-Type': 'application/json' },
    peerCertificates: [pem ?? (user === 'bob' ? bobPem : alicePem)],
  };
}

const create = (body: Record<string, unknown>, hostConfig: Record<string, unknown> = {}): AuthzRequest =>
  request('POST', '/v1.41/containers/create', { Image: 'busybox:1.36', User: own, ...body, HostConfig: { SecurityOpt: NNP, ...hostConfig } });

describe('identity', () => {
  test('the root socket (no user) is the administrator\'s', async () => {
    expect(await decide({ ...request('POST', '/containers/create', { HostConfig: { Privileged: true } }), user: undefined, authMethod: '', peerCertificates: [] }, inputs())).toMatchObject({ allow: true, rule: 'root socket (no TLS user)' });
  });

  test.each([
    ['no certificate', () => ({ ...request('GET', '/_ping'), peerCertificates: [] }), /no client certificate/],
    ['bob\'s certificate presented as alice', () => request('GET', '/_ping', undefined, 'alice', bobPem), /issued to bob, not to alice/],
    ['the daemon\'s server certificate', () => request('GET', '/_ping', undefined, 'alice', serverPem), /server certificate, not a user's/],
    ['a method other than TLS', () => ({ ...request('GET', '/_ping'), authMethod: 'krb' }), /unknown authentication method/],
  ])('%s is denied', async (_case, make, message) => {
    const decision = await decide(make(), inputs());
    expect(decision.allow).toBe(false);
    expect(decision.message).toMatch(message);
  });

  test('a certificate from another CA, of the same name, is denied', async () => {
    const other = makeTempDir();
    try {
      const { store: foreign } = await CaStore.initialize(join(other.dir, 's'), await createCa({ subject: { commonName: 'Engine CA' } }));
      const pem = (await foreign.issueClient({ user: 'alice' })).certificatePem;
      foreign.close();
      expect((await decide(request('GET', '/_ping', undefined, 'alice', pem), inputs())).message).toMatch(/was not issued by this host's dockauth CA/);
    } finally {
      other.cleanup();
    }
  });

  test('a revoked certificate is denied within a second (verdicts are reused for 250 ms)', async () => {
    const carol = await store.issueClient({ user: 'bob' });
    expect((await decide(request('GET', '/_ping', undefined, 'bob', carol.certificatePem), inputs())).allow).toBe(true);
    await store.revoke(carol.record.serial, 'keyCompromise');
    await new Promise((resolve) => setTimeout(resolve, 300));
    const decision = await decide(request('GET', '/_ping', undefined, 'bob', carol.certificatePem), inputs());
    expect(decision).toMatchObject({ allow: false, rule: 'identity' });
    expect(decision.message).toMatch(/was revoked \(keyCompromise\)/);
  });
});

describe('routes and versions', () => {
  test.each([
    ['GET', '/_ping', true],
    ['GET', '/v1.41/version', true],
    ['GET', '/v1.23/version', false],
    ['GET', '/v1.x/version', false],
    ['POST', '/v1.41/plugins/pull', false],
    ['POST', '/swarm/init', false],
    ['POST', '/secrets/create', false],
    ['POST', '/build', false],
    ['POST', '/containers/prune', false],
    ['GET', '/info', false],
    ['GET', '/containers/json', true],
    ['GET', '/some/unknown/endpoint', false],
    ['GET', '/containers/../info', false],
    ['GET', '/v1.41//containers/json', false],
    ['GET', '/containers/%2e%2e/json', false],
    ['PUT', '/containers/alice-web/archive?path=/home', false],
    ['POST', '/commit?container=alice-web&repo=busybox', false],
  ])('%s %s → allowed: %s', async (method, uri, allowed) => {
    expect((await decide(request(method, uri), inputs())).allow).toBe(allowed);
  });
});

describe('container create', () => {
  test('running as yourself, no new privileges, your home mounted: allowed', async () => {
    const decision = await decide(create({}, { Binds: ['/home/alice:/home/alice', '/srv/lab:/lab:ro', 'plain:/cache'] }), inputs());
    expect(decision).toMatchObject({ allow: true, action: 'container.create', rule: 'policy base+groups.lab' });
  });

  test.each([
    ['--privileged', {}, { Privileged: true }, /--privileged is not allowed/],
    ['-v /:/host', {}, { Binds: ['/:/host'] }, /\/ is outside the directories you may mount/],
    ['another user\'s home', {}, { Binds: ['/home/bob:/b'] }, /\/home\/bob is outside/],
    ['.. out of the home', {}, { Binds: ['/home/alice/../bob:/b'] }, /\/home\/bob is outside/],
    ['a symlink out of the home', {}, { Binds: ['/home/alice/escape:/e'] }, /passes \/home\/alice\/escape, which you can rename or replace/],
    ['--mount type=bind of /etc', {}, { Mounts: [{ Type: 'bind', Source: '/etc', Target: '/e' }] }, /\/etc is outside/],
    ['a named volume that binds /etc', {}, { Binds: ['etcbind:/e'] }, /volume etcbind is not yours/],
    ['--mount with volume driver options', {}, { Mounts: [{ Type: 'volume', Source: 'x', Target: '/x', VolumeOptions: { DriverConfig: { Name: 'local', Options: { type: 'none', o: 'bind', device: '/' } } } }] }, /volume driver options are not allowed/],
    ['--pid=host', {}, { PidMode: 'host' }, /--pid=host is not allowed/],
    ['--ipc=host', {}, { IpcMode: 'host' }, /--ipc=host/],
    ['--net=host', {}, { NetworkMode: 'host' }, /--network=host/],
    ['--uts=host', {}, { UTSMode: 'host' }, /--uts=host/],
    ['--userns=host', {}, { UsernsMode: 'host' }, /--userns=host/],
    ['--cgroupns=host', {}, { CgroupnsMode: 'host' }, /--cgroupns=host/],
    ['--pid=container: of bob\'s', {}, { PidMode: 'container:bob-db' }, /container "bob-db" is not yours/],
    ['--volumes-from bob\'s', {}, { VolumesFrom: ['bob-db:ro'] }, /--volumes-from bob-db:ro: container "bob-db" is not yours/],
    ['--cap-add SYS_ADMIN', {}, { CapAdd: ['SYS_ADMIN'] }, /--cap-add SYS_ADMIN is not allowed/],
    ['Capabilities replacing the set', {}, { Capabilities: ['CAP_SYS_ADMIN'] }, /does not know \(HostConfig.Capabilities\)/],
    ['--device', {}, { Devices: [{ PathOnHost: '/dev/sda', PathInContainer: '/dev/sda', CgroupPermissions: 'rwm' }] }, /--device \/dev\/sda/],
    ['--device-cgroup-rule', {}, { DeviceCgroupRules: ['a *:* rwm'] }, /--device-cgroup-rule/],
    ['--security-opt seccomp=unconfined', {}, { SecurityOpt: ['no-new-privileges', 'seccomp=unconfined'] }, /seccomp=unconfined is not allowed/],
    ['--security-opt apparmor=unconfined', {}, { SecurityOpt: ['no-new-privileges', 'apparmor=unconfined'] }, /apparmor=unconfined/],
    ['MaskedPaths: [] (unmasks /proc)', {}, { MaskedPaths: [] }, /MaskedPaths/],
    ['--cgroup-parent', {}, { CgroupParent: '/' }, /--cgroup-parent/],
    ['--sysctl', {}, { Sysctls: { 'kernel.shmmax': '1' } }, /--sysctl/],
    ['--runtime', {}, { Runtime: 'nvidia' }, /--runtime nvidia/],
    ['host port 22', {}, { PortBindings: { '22/tcp': [{ HostIp: '', HostPort: '22' }] } }, /host port 22 is not allowed/],
    ['a log driver that ships logs anywhere', {}, { LogConfig: { Type: 'syslog', Config: {} } }, /--log-driver syslog/],
    ['bind-propagation=rshared', {}, { Mounts: [{ Type: 'bind', Source: '/home/alice', Target: '/h', BindOptions: { Propagation: 'rshared' } }] }, /bind-propagation=rshared/],
    ['a group that is not yours', {}, { GroupAdd: ['0'] }, /--group-add 0 is not one of your groups/],
    ['running as root', { User: '0:0' }, {}, /-u 0:0 is not you: run as yourself with -u 1001:1001/],
    ['no -u at all', { User: '' }, {}, /run as yourself: add -u 1001:1001/],
    ['a user name', { User: 'alice' }, {}, /give your numeric uid and gid/],
    ['another gid', { User: '1001:0' }, {}, /gid 0 is not one of your groups/],
    ['an image not on the list', { Image: 'retagged' }, {}, /image retagged \(docker.io\/library\/retagged:latest\) is not on the allowed list/],
    ['someone else\'s owner label', { Labels: { 'dockauth.owner': 'bob' } }, {}, /dockauth.owner=bob is not you/],
    ['an image whose label would make the container someone else\'s', { Image: 'alpine:bobs' }, {}, /image alpine:bobs labels its containers dockauth.owner=bob: add --label dockauth.owner=alice/],
  ])('%s is denied, saying why', async (_case, body, hostConfig, message) => {
    const decision = await decide(create(body, hostConfig), inputs());
    expect(decision.allow).toBe(false);
    expect(decision.message).toMatch(message);
  });

  test('an image\'s owner label is fine once the request names the user as owner (the request\'s label wins in dockerd)', async () => {
    expect((await decide(create({ Image: 'alpine:bobs', Labels: { 'dockauth.owner': 'alice' } }), inputs())).allow).toBe(true);
  });

  test('no-new-privileges is required, and the message says how to add it', async () => {
    const decision = await decide(request('POST', '/containers/create', { Image: 'busybox:1.36', User: own, HostConfig: {} }), inputs());
    expect(decision.message).toMatch(/add --security-opt no-new-privileges/);
  });

  test.each([
    ['host settings at the top level of the body (older engines read them there)', { Image: 'busybox:1.36', User: own, SecurityOpt: NNP, Privileged: true, Binds: ['/:/host'] }],
    ['a lower-case key', { Image: 'busybox:1.36', User: own, HostConfig: { SecurityOpt: NNP, privileged: true } }],
    ['a duplicate key whose last value wins', '{"Image":"busybox:1.36","User":"1001:1001","HostConfig":{"SecurityOpt":["no-new-privileges"],"Privileged":false,"privileged":true}}'],
    ['a key spelt with the long s', '{"Image":"busybox:1.36","User":"1001:1001","HostConfig":{"SecurityOpt":["no-new-privileges"],"Bind\u017f":["/:/host"]}}'],
    ['a lower-case HostConfig', { Image: 'busybox:1.36', User: own, hostconfig: { SecurityOpt: NNP, NetworkMode: 'host' } }],
  ])('the same escape through %s is denied', async (_case, body) => {
    expect((await decide(request('POST', '/containers/create', body), inputs())).allow).toBe(false);
  });

  test('a body dockerd would read but the plugin did not see is denied', async () => {
    const missing = { ...request('POST', '/containers/create'), headers: { 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': '120' } };
    expect((await decide(missing, inputs())).message).toMatch(/request body did not reach the plugin/);
    expect((await decide(request('POST', '/containers/create', '{"Image": "busybox"'), inputs())).message).toMatch(/not JSON dockerd would read/);
    expect((await decide(request('POST', '/containers/create', '{"Image":"busybox"} {"HostConfig":{"Privileged":true}}'), inputs())).allow).toBe(false);
  });

  test('images are judged by every name they answer to', async () => {
    expect((await decide(create({ Image: 'sha256:abc' }), inputs())).allow).toBe(true); // by ID, tagged busybox
    // Tagged busybox:1.36 too: it is what busybox:1.36 runs, so it is allowed under any of its names...
    expect((await decide(create({ Image: 'evil:latest' }), inputs())).allow).toBe(true);
    // ...unless one of its names is on the deny list.
    const strict = { ...inputs(), policy: { ...POLICY, base: { ...POLICY.base, images: { allow: POLICY.base.images.allow, deny: ['/evil:'] } } } };
    expect((await decide(create({ Image: 'busybox:1.36' }), strict)).allow).toBe(true);
    expect((await decide(create({ Image: 'evil:latest' }), strict)).message).toMatch(/is not on the allowed list/);
    expect((await decide(create({ Image: 'retagged' }), inputs())).allow).toBe(false);
  });

  test('per-group sections add mounts and capabilities; per-user run_as any requires the owner label', async () => {
    expect((await decide(create({}, { Binds: ['/srv/lab:/d'], CapAdd: ['NET_ADMIN'] }), inputs())).allow).toBe(true);
    const bob = (body: Record<string, unknown>): AuthzRequest =>
      request('POST', '/containers/create', { Image: 'busybox:1.36', ...body, HostConfig: { SecurityOpt: NNP } }, 'bob');
    const remapped = { ...inputs(), docker: { ...docker, usernsRemapped: async () => true } };
    expect((await decide(bob({ User: '0:0' }), remapped)).message).toMatch(/add --label dockauth.owner=bob/);
    expect((await decide(bob({ User: '0:0', Labels: { 'dockauth.owner': 'bob' } }), remapped)).allow).toBe(true);
  });

  test('run_as any holds only on a dockerd with userns-remap: elsewhere root in the container would be root on the host', async () => {
    const asBob = (method: string, uri: string, body: Record<string, unknown>): AuthzRequest => request(method, uri, body, 'bob');
    const root = asBob('POST', '/containers/create', { Image: 'busybox:1.36', User: '0:0', Labels: { 'dockauth.owner': 'bob' }, HostConfig: { SecurityOpt: NNP } });
    const imageUser = asBob('POST', '/containers/create', { Image: 'busybox:1.36', Labels: { 'dockauth.owner': 'bob' }, HostConfig: { SecurityOpt: NNP } });
    const himself = asBob('POST', '/containers/create', { Image: 'busybox:1.36', User: '1002:1002', HostConfig: { SecurityOpt: NNP } });
    const execRoot = asBob('POST', '/containers/bob-db/exec', { Cmd: ['sh'], User: '0' });
    const notRemapped = inputs(); // the stand-in dockerd runs without userns-remap
    for (const denied of [root, imageUser, execRoot]) {
      expect((await decide(denied, notRemapped)).message).toMatch(/only on a dockerd with userns-remap, and this one runs without it: run as yourself with -u 1002:1002/);
    }
    expect((await decide(himself, notRemapped)).allow).toBe(true);
    const remapped = { ...inputs(), docker: { ...docker, usernsRemapped: async () => true } };
    for (const allowed of [root, imageUser, execRoot, himself]) expect((await decide(allowed, remapped)).allow).toBe(true);
  });
});

describe('only your own containers', () => {
  test.each([
    ['GET', '/containers/alice-web/json', true],
    ['GET', '/containers/aaaa/logs', true],
    ['POST', '/containers/labelled/stop', true],
    ['DELETE', '/containers/alice-web', true],
    ['GET', '/containers/bob-db/json', false],
    ['GET', '/containers/bob-db/logs', false],
    ['GET', '/containers/bob-db/attach/ws', false],
    ['GET', '/containers/bob-db/export', false],
    ['GET', '/containers/bob-db/archive?path=/', false],
    ['POST', '/containers/bob-db/stop', false],
    ['POST', '/containers/bob-db/kill', false],
    ['DELETE', '/containers/bob-db', false],
    ['POST', '/exec/e1/start', true],
    ['POST', '/exec/e2/start', false],
    ['GET', '/exec/e2/json', false],
    ['POST', '/exec/e2/resize', false],
    ['GET', '/containers/nosuch/json', false],
  ])('%s %s → allowed: %s', async (method, uri, allowed) => {
    expect((await decide(request(method, uri, method === 'POST' && uri.includes('/exec/') ? {} : undefined), inputs())).allow).toBe(allowed);
  });

  test('exec: into your own container as yourself; never privileged, never as someone else', async () => {
    expect((await decide(request('POST', '/containers/alice-web/exec', { Cmd: ['sh'] }), inputs())).allow).toBe(true);
    expect((await decide(request('POST', '/containers/bob-db/exec', { Cmd: ['sh'] }), inputs())).message).toMatch(/not yours/);
    expect((await decide(request('POST', '/containers/alice-web/exec', { Cmd: ['sh'], Privileged: true }), inputs())).message).toMatch(/--privileged is not allowed/);
    expect((await decide(request('POST', '/containers/alice-web/exec', { Cmd: ['sh'], User: 'root' }), inputs())).message).toMatch(/-u root: give your numeric uid and gid/);
  });

  test('start re-checks mounts: a path swapped for a symlink since create is refused', async () => {
    expect((await decide(request('POST', '/containers/alice-web/start'), inputs())).allow).toBe(true);
    const swapped = fakeDocker({ containers: [container('dddd4444', 'swapped', own, { binds: ['/home/alice/escape:/data'] })] });
    const decision = await decide(request('POST', '/containers/swapped/start'), { ...inputs(), docker: swapped });
    expect(decision.message).toMatch(/the mount of \/home\/alice\/escape: .* which you can rename or replace/);
  });
});

describe('volumes, networks, pulls', () => {
  test('volume create: plain local only', async () => {
    expect((await decide(request('POST', '/volumes/create', { Name: 'v' }), inputs())).allow).toBe(true);
    expect((await decide(request('POST', '/volumes/create', { Name: 'v', DriverOpts: { type: 'none', o: 'bind', device: '/' } }), inputs())).message).toMatch(/volume options .* are not allowed/);
    expect((await decide(request('POST', '/volumes/create', { Name: 'v', Driver: 'nfs' }), inputs())).message).toMatch(/volume driver nfs/);
  });

  test('volume remove only of your own', async () => {
    expect((await decide(request('DELETE', '/volumes/plain'), inputs())).allow).toBe(true);
    expect((await decide(request('DELETE', '/volumes/bobs'), inputs())).message).toMatch(/volume bobs is not yours/);
  });

  test('network connect only your own containers, never host', async () => {
    expect((await decide(request('POST', '/networks/n1/connect', { Container: 'alice-web' }), inputs())).allow).toBe(true);
    expect((await decide(request('POST', '/networks/n1/connect', { Container: 'bob-db' }), inputs())).allow).toBe(false);
    expect((await decide(request('POST', '/networks/host/connect', { Container: 'alice-web' }), inputs())).allow).toBe(false);
  });

  test('pull only allowed images; import is its own action', async () => {
    expect((await decide(request('POST', '/images/create?fromImage=busybox&tag=1.36'), inputs())).allow).toBe(true);
    expect((await decide(request('POST', '/images/create?fromImage=evil&tag=latest'), inputs())).allow).toBe(false);
    expect((await decide(request('POST', '/images/create?fromSrc=-&repo=busybox'), inputs())).action).toBe('image.import');
  });
});
