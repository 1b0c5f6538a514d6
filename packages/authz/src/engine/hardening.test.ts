import { join } from 'node:path';
import { CaStore, createCa } from '@dockauth/ca';
import { decide, type DecisionInputs } from './decide.js';
import { OwnerRecords } from './owner-records.js';
import { parsePolicy } from './policy.js';
import type { AuthzRequest } from '../protocol/authz-request.js';
import { ALICE, BOB, container, fakeDocker, fakeFileSystem, statusOf } from '../../test/fixtures.js';
import { makeTempDir } from '../../../../test/support/temp.js';

// Each class of escape found on a real dockerd, from its mechanism, table-driven.

let temp: ReturnType<typeof makeTempDir>;
let store: CaStore;
let alicePem: string;
let bobPem: string;

beforeAll(async () => {
  temp = makeTempDir();
  ({ store } = await CaStore.initialize(join(temp.dir, 'state'), await createCa({ subject: { commonName: 'Hardening CA' } })));
  alicePem = (await store.issueClient({ user: 'alice' })).certificatePem;
  await store.issueClient({ user: 'builder' });
  bobPem = (await store.issueClient({ user: 'bob' })).certificatePem;
});
afterAll(() => {
  store.close();
  temp.cleanup();
});

const POLICY = parsePolicy(
  `version: 1
base:
  allow: [system.*, container.*, exec.*, image.*, volume.*, network.*, distribution.inspect]
  deny: [image.import]
  images:
    allow: ['^docker\\.io/library/busybox:1\\.', '^docker\\.io/{user}/']
  mounts: ['~', '/srv/scratch']
users:
  builder:
    build: true
`,
  'hardening.yaml',
);

const own = '1001:1001';
const ID = (c: string): string => c.repeat(64);
const records = new OwnerRecords();
records.remember('volume', 'bobvol', 'bob');
records.remember('volume', 'alicevol', 'alice');
records.remember('network', ID('b'), 'bob');
records.remember('container', ID('c'), 'alice');
const docker = fakeDocker({
  containers: [
    container(ID('c'), 'alice-web', own, { binds: ['/home/alice:/h'] }),
    container(ID('d'), 'alice-old', own, { binds: ['/home/alice/data:/d'] }),
    container(ID('e'), 'bob-db', '1002:1002'),
  ],
  volumes: [
    { name: 'bobvol', driver: 'local', options: {}, labels: {} },
    { name: 'alicevol', driver: 'local', options: {}, labels: {} },
    { name: 'bobs-labelled', driver: 'local', options: {}, labels: { 'dockauth.owner': 'bob' } },
    { name: 'adminvol', driver: 'local', options: {}, labels: {} },
  ],
  networks: [
    { id: ID('b'), name: 'bobnet', driver: 'bridge', labels: {} },
    { id: ID('a'), name: 'alicenet', driver: 'bridge', labels: { 'dockauth.owner': 'alice' } },
    { id: ID('f'), name: 'bridge', driver: 'bridge', labels: {} },
  ],
});

const inputs = (): DecisionInputs => ({
  policy: POLICY,
  inventory: statusOf(store),
  accounts: { lookup: (user) => ({ alice: ALICE, bob: BOB, builder: { ...ALICE, name: 'builder' } })[user as 'alice'] },
  docker,
  paths: fakeFileSystem(),
  records,
});

function request(method: string, uri: string, body?: unknown, headers: Record<string, string> = { 'Content-Type': 'application/json' }): AuthzRequest {
  return {
    user: 'alice',
    authMethod: 'TLS',
    method,
    uri,
    body: body === undefined ? undefined : Buffer.from(typeof body === 'string' ? body : JSON.stringify(body)),
    headers,
    peerCertificates: [],
  };
}

/** Tables are built before the CA exists: the user's certificate is filled in when a request is decided. */
const withCertificate = (req: AuthzRequest): AuthzRequest =>
  req.peerCertificates.length > 0 ? req : { ...req, peerCertificates: [req.user === 'alice' ? alicePem : statusOf(store).records().find((r) => r.user === req.user)?.certificatePem ?? alicePem] };

const create = (hostConfig: Record<string, unknown> = {}, config: Record<string, unknown> = {}): AuthzRequest =>
  request('POST', '/v1.41/containers/create', { Image: 'busybox:1.36', User: own, ...config, HostConfig: { SecurityOpt: ['no-new-privileges'], ...hostConfig } });

const verdict = async (req: AuthzRequest, extra: Partial<DecisionInputs> = {}): Promise<string> => {
  const decision = await decide(withCertificate(req), { ...inputs(), ...extra });
  return decision.allow ? 'allow' : decision.message;
};

test('the baseline create is allowed, so every refusal below is the rule under test', async () => {
  expect(await verdict(create({ Binds: ['/home/alice:/home/alice'] }))).toBe('allow');
});

describe('inputs the plugin never judged: every input dockerd reads, per route', () => {
  const form = { 'Content-Type': 'application/x-www-form-urlencoded' };
  test.each([
    ['a form body on a pull (dockerd reads it before the query)', request('POST', '/images/create?fromImage=busybox&tag=1.36', 'fromImage=&fromSrc=http://10.0.0.1/x.tar&repo=busybox', form), /form-urlencoded body is not accepted/],
    ['the form type in another case, with a charset', request('POST', '/images/create?fromImage=busybox&tag=1.36', undefined, { 'content-type': 'Application/X-WWW-Form-URLEncoded; charset=utf-8' }), /form-urlencoded body is not accepted/],
    ['a multipart form', request('POST', '/containers/alice-web/stop', undefined, { 'Content-Type': 'multipart/form-data; boundary=x' }), /multipart\/form-data body is not accepted/],
    ['a form body on a create', request('POST', '/containers/create?name=x', 'name=y', form), /form-urlencoded/],
    ['a query parameter the route does not take', request('POST', '/containers/alice-web/stop?t=1&force=1'), /"force" is not one dockauth knows/],
    ['a parameter in another case (Go keys are exact)', request('POST', '/images/create?fromimage=busybox&tag=1.36'), /"fromimage" is not one dockauth knows/],
    ['a parameter given twice (r.Form.Get takes the first)', request('POST', '/images/create?fromImage=busybox&fromImage=evil&tag=1.36'), /given 2 times/],
    ['a bad escape Go would refuse', request('POST', '/images/create?fromImage=busy%zzbox&tag=1.36'), /not valid percent-encoding/],
    ['a body on a route that reads none', request('POST', '/containers/alice-web/start', { HostConfig: { Privileged: true } }), /takes no request body/],
    ['a create whose body was not forwarded (over 1 MiB, or chunked)', request('POST', '/containers/create', undefined), /did not reach the plugin/],
    ['a create sent with Content-Length: 0', request('POST', '/containers/create', undefined, { 'Content-Type': 'application/json', 'Content-Length': '0' }), /did not reach the plugin/],
    ['a create with an empty forwarded body', request('POST', '/containers/create', ''), /did not reach the plugin/],
    ['a JSON body under another content type', request('POST', '/containers/create', { Image: 'busybox:1.36' }, { 'Content-Type': 'text/plain' }), /did not reach the plugin/],
    ['fromImage with a tag, and another tag (pulled as busybox:2.0)', request('POST', '/images/create?fromImage=docker.io/library/busybox:1.36&tag=latest'), /busybox:latest is not on the allowed list/],
    ['a pull of a name with no tag (every tag of it)', request('POST', '/images/create?fromImage=busybox'), /dockerd would pull every tag/],
    ['a trailing ":" (what docker pull -a sends)', request('POST', '/images/create?fromImage=busybox%3A'), /not an image reference|every tag/],
    ['an allowed tag beside a digest (the digest is what is fetched)', request('POST', `/images/create?fromImage=busybox:1.36@sha256:${'ab'.repeat(32)}`), /busybox@sha256:abab.* is not on the allowed list/],
    ['a pull that carries import parameters', request('POST', '/images/create?fromImage=busybox&tag=1.36&repo=x'), /belongs to an import/],
    ['a daemon-side fetch of any registry', request('GET', '/distribution/10.1.2.3:5000/x/json'), /will not contact its registry/],
    ['a push to a registry the user names', request('POST', '/images/10.1.2.3:5000/x/push?tag=1'), /will not contact its registry/],
    ['an image tagged over a shared name', request('POST', '/images/alice/x/tag?repo=busybox&tag=1.36'), /tag under your own name/],
    ['an encoded slash in a name', request('DELETE', '/images/alice%2F..%2Fbusybox'), /encoded "\/"/],
    ['a repeated HostConfig (Go merges the two)', request('POST', '/containers/create', '{"Image":"busybox:1.36","User":"1001:1001","HostConfig":{"Privileged":true},"HostConfig":{"SecurityOpt":["no-new-privileges"]}}'), /appears twice/],
    ['a field no supported engine decodes (a newer engine\'s)', create({ FutureEscape: true }), /does not know \(HostConfig.FutureEscape\)/],
    ['a nested unknown field', create({ Mounts: [{ Type: 'bind', Source: '/home/alice', Target: '/h', BindOptions: { NewOption: true } }] }), /HostConfig.Mounts\[0\].BindOptions.NewOption/],
    ['endpoint driver options (host sysctls from API 1.47)', create({}, { NetworkingConfig: { EndpointsConfig: { alicenet: { DriverOpts: { 'com.docker.network.endpoint.sysctls': 'net.ipv4.conf.IFNAME.forwarding=1' } } } } }), /endpoint driver options are not allowed/],
  ])('%s is refused', async (_case, req, message) => {
    expect(await verdict(req)).toMatch(message);
  });

  test.each([
    ['a pull with fromImage and tag', request('POST', '/images/create?fromImage=busybox&tag=1.36', undefined, { 'Content-Type': 'text/plain', 'Content-Length': '0' })],
    ['a pull whose tag is in the name', request('POST', '/images/create?fromImage=busybox:1.36')],
    ["a pull by digest (the tag in the name is dropped, as dockerd does)", request("POST", `/images/create?fromImage=alice/tool:1&tag=sha256:${'0'.repeat(64)}`)],
    ['a stop with its timeout', request('POST', '/containers/alice-web/stop?t=1', undefined, { 'Content-Type': 'text/plain', 'Content-Length': '0' })],
    ['a listing with filters', request('GET', '/containers/json?all=1&filters=%7B%7D')],
  ])('%s is allowed', async (_case, req) => {
    expect(await verdict(req)).toBe('allow');
  });
});

describe('identity: only the requester, only as their own uid and gid', () => {
  test('a CA-signed certificate without a CN reaches the plugin as User "" over TLS: refused', async () => {
    const decision = await decide(withCertificate({ ...request('GET', '/_ping'), user: '' }), inputs());
    expect(decision).toMatchObject({ allow: false, user: '', rule: 'identity' });
    expect(decision.message).toMatch(/names no user/);
    expect((await decide(withCertificate({ ...request('GET', '/_ping'), user: undefined, authMethod: undefined }), inputs())).allow).toBe(false);
  });

  test('another user\'s certificate under this name is refused', async () => {
    expect(await verdict({ ...request('GET', '/_ping'), peerCertificates: [bobPem] })).toMatch(/issued to bob, not to alice/);
  });

  test.each([
    ['a uid without a gid (the image picks the gid and groups)', '1001', /give your numeric uid and gid/],
    ['her uid with gid 0', '1001:0', /gid 0 is not one of your groups/],
    ['root by name', 'root', /give your numeric uid and gid/],
    ['uid 0', '0:0', /is not you/],
    ['her name (resolved in the image)', 'alice', /give your numeric uid and gid/],
    ['another uid with her gid', '1002:1001', /is not you/],
  ])('exec -u %s is refused', async (_case, user, message) => {
    expect(await verdict(request('POST', '/containers/alice-web/exec', { Cmd: ['id'], User: user }))).toMatch(message);
    expect(await verdict(create({}, { User: user }))).toMatch(message);
  });

  test('exec as herself (uid and a gid of hers), or as the container\'s own user, is allowed', async () => {
    expect(await verdict(request('POST', '/containers/alice-web/exec', { Cmd: ['id'], User: '1001:2000' }))).toBe('allow');
    expect(await verdict(request('POST', '/containers/alice-web/exec', { Cmd: ['id'] }))).toBe('allow');
  });
});

describe('bind sources dockerd resolves again: only what the user cannot swap', () => {
  test.each([
    ['a directory in her home', ['/home/alice/data:/d'], /passes \/home\/alice\/data, which you can rename or replace/],
    ['a symlink she made to a directory of hers', ['/home/alice/link:/d'], /passes \/home\/alice\/link/],
    ['a path that does not exist yet in her home', ['/home/alice/new:/d'], /does not exist yet/],
    ['.. out of her home', ['/home/alice/../bob:/b'], /outside the directories you may mount/],
    ['her own entry in a sticky world-writable root', ['/srv/scratch/alice:/s'], /\/srv\/scratch\/alice, which you can rename or replace/],
    ['a name she could create first in a sticky root', ['/srv/scratch/later:/s'], /does not exist yet/],
  ])('-v %s is refused', async (_case, binds, message) => {
    expect(await verdict(create({ Binds: binds }))).toMatch(message);
    expect(await verdict(create({ Mounts: [{ Type: 'bind', Source: binds[0]!.split(':')[0], Target: '/m' }] }))).toMatch(message);
  });

  test.each([['her home itself', '/home/alice'], ['a sticky root itself', '/srv/scratch'], ['a root-made entry in it', '/srv/scratch/root-made']])('-v %s is allowed', async (_case, source) => {
    expect(await verdict(create({ Binds: [`${source}:/m`] }))).toBe('allow');
  });

  test.each([
    ['start', request('POST', '/containers/alice-old/start')],
    ['restart', request('POST', '/containers/alice-old/restart')],
    ['docker cp out (GET archive)', request('GET', '/containers/alice-old/archive?path=/d')],
    ['docker cp stat (HEAD archive)', request('HEAD', '/containers/alice-old/archive?path=/d')],
    ['--volumes-from it', create({ VolumesFrom: ['alice-old'] })],
  ])('a container made with a swappable source is refused at %s (dockerd resolves it again)', async (_case, req) => {
    expect(await verdict(req)).toMatch(/\/home\/alice\/data, which you can rename or replace/);
  });

  test('her own container with her home is started and copied from', async () => {
    expect(await verdict(request('POST', '/containers/alice-web/start'))).toBe('allow');
    expect(await verdict(request('GET', '/containers/alice-web/archive?path=/h'))).toBe('allow');
  });

  test('a path with more steps than any real one is refused, not walked to its end', async () => {
    expect(await verdict(create({ Binds: [`/etc${'/../etc'.repeat(70)}:/m`] }))).toMatch(/more than 128 components/);
  });

  test('more than 64 mounts in one create is refused before any is walked', async () => {
    expect(await verdict(create({ Binds: Array.from({ length: 65 }, (_, i) => `/home/alice:/m${i}`) }))).toMatch(/at most 64/);
  });
});

describe('other users\' objects, by name', () => {
  test.each([
    ['-v of a volume bob made', create({ Binds: ['bobvol:/v'] }), /volume bobvol is not yours/],
    ['--mount of it', create({ Mounts: [{ Type: 'volume', Source: 'bobvol', Target: '/v' }] }), /volume bobvol is not yours/],
    ['a volume labelled bob\'s', create({ Binds: ['bobs-labelled:/v'] }), /not yours/],
    ['a volume nobody recorded (the administrator\'s)', create({ Binds: ['adminvol:/v'] }), /volume adminvol is not yours/],
    ['removing bob\'s volume', request('DELETE', '/volumes/bobvol'), /not yours/],
    ['inspecting it', request('GET', '/volumes/bobvol'), /not yours/],
    ['"creating" bob\'s volume to take it over', request('POST', '/volumes/create', { Name: 'bobvol' }), /not yours/],
    ['joining bob\'s network', create({ NetworkMode: 'bobnet' }), /network "bobnet" is not yours/],
    ['an endpoint on bob\'s network', create({}, { NetworkingConfig: { EndpointsConfig: { bobnet: {} } } }), /network "bobnet" is not yours/],
    ['connecting to bob\'s network', request('POST', '/networks/bobnet/connect', { Container: 'alice-web' }), /not yours/],
    ['removing the shared bridge', request('DELETE', '/networks/bridge'), /not yours/],
    ['--volumes-from bob\'s container', create({ VolumesFrom: ['bob-db'] }), /container "bob-db" is not yours/],
    ['--network container:bob\'s', create({ NetworkMode: 'container:bob-db' }), /not yours/],
    ['a volume labelled as bob\'s on create', request('POST', '/volumes/create', { Name: 'x', Labels: { 'dockauth.owner': 'bob' } }), /is not you/],
  ])('%s is refused', async (_case, req, message) => {
    expect(await verdict(req)).toMatch(message);
  });

  test.each([
    ['her recorded volume', create({ Binds: ['alicevol:/v'] })],
    ['a new volume (dockerd makes it; recorded as hers)', create({ Binds: ['fresh:/v'] })],
    ['an anonymous volume', create({ Binds: ['/v'] })],
    ['removing her own volume made by plain docker volume create', request('DELETE', '/volumes/alicevol')],
    ['her own network', create({ NetworkMode: 'alicenet' }, { NetworkingConfig: { EndpointsConfig: { alicenet: {} } } })],
    ['the shared bridge', create({ NetworkMode: 'bridge' })],
    ['a compose-style network create', request('POST', '/networks/create', { Name: 'proj_default', Driver: 'bridge', Internal: false, Attachable: false, Labels: { 'com.docker.compose.network': 'default' }, IPAM: { Driver: 'default', Config: [], Options: {} }, Options: {} })],
    ['removing her own network', request('DELETE', '/networks/alicenet')],
    ['asking after a network that does not exist yet (compose does, before it creates one)', request('GET', '/networks/proj_default')],
  ])('%s is allowed', async (_case, req) => {
    expect(await verdict(req)).toBe('allow');
  });

  test('a network create with driver options or another driver is refused', async () => {
    expect(await verdict(request('POST', '/networks/create', { Name: 'n', Driver: 'macvlan', Options: { parent: 'eth0' } }))).toMatch(/network driver macvlan is not allowed.*driver options/);
  });
});

describe('bounds: what one container may take', () => {
  test.each([
    ['--shm-size 100g', { ShmSize: 100 * 1024 ** 3 }, /--shm-size 100g is over this host's limit of 1g/],
    ['--tmpfs of 100g', { Tmpfs: { '/t': 'size=100g' } }, /--tmpfs \/t: size 100g is over/],
    ['--tmpfs without a size', { Tmpfs: { '/t': 'rw,noexec' } }, /give its size/],
    ['--mount type=tmpfs without a size', { Mounts: [{ Type: 'tmpfs', Target: '/t' }] }, /give its size/],
    ['--oom-kill-disable', { OomKillDisable: true }, /--oom-kill-disable is not allowed/],
    ['--pids-limit -1', { PidsLimit: -1 }, /unlimited\) is not allowed/],
    ['--pids-limit 1000000', { PidsLimit: 1_000_000 }, /over this host's limit of 4096/],
    ['--ulimit rtprio', { Ulimits: [{ Name: 'rtprio', Soft: 99, Hard: 99 }] }, /--ulimit rtprio is not allowed/],
    ['--ulimit memlock=-1', { Ulimits: [{ Name: 'memlock', Soft: -1, Hard: -1 }] }, /--ulimit memlock is not allowed/],
    ['--ulimit nofile beyond the bound', { Ulimits: [{ Name: 'nofile', Soft: 1024, Hard: 1e9 }] }, /over this host's limit/],
    ['--log-opt max-size=100g', { LogConfig: { Type: 'json-file', Config: { 'max-size': '100g' } } }, /max-size=100g is over/],
    ['--log-opt max-size=-1', { LogConfig: { Type: 'json-file', Config: { 'max-size': '-1' } } }, /max-size=-1 is over/],
    ['--log-opt with a buffer of its own', { LogConfig: { Type: 'json-file', Config: { mode: 'non-blocking', 'max-buffer-size': '100g' } } }, /--log-opt mode is not allowed/],
    ['--restart always (keeps running after revocation)', { RestartPolicy: { Name: 'always' } }, /--restart always is not allowed/],
    ['--restart unless-stopped', { RestartPolicy: { Name: 'unless-stopped' } }, /not allowed/],
  ])('%s is refused', async (_case, hostConfig, message) => {
    expect(await verdict(create(hostConfig))).toMatch(message);
  });

  test('docker update is held to the same bounds', async () => {
    expect(await verdict(request('POST', '/containers/alice-web/update', { RestartPolicy: { Name: 'always' } }))).toMatch(/docker update --restart always/);
    expect(await verdict(request('POST', '/containers/alice-web/update', { PidsLimit: -1 }))).toMatch(/unlimited/);
    expect(await verdict(request('POST', '/containers/alice-web/update', { Memory: 1024 ** 3 }))).toBe('allow');
  });

  test('within the bounds is allowed', async () => {
    expect(await verdict(create({ ShmSize: 64 * 1024 ** 2, Tmpfs: { '/t': 'size=64m' }, PidsLimit: 100, Ulimits: [{ Name: 'nofile', Soft: 1024, Hard: 4096 }], LogConfig: { Type: 'json-file', Config: { 'max-size': '10m', 'max-file': '3' } }, RestartPolicy: { Name: 'no' } }))).toBe('allow');
  });
});

describe('build, when the policy allows it', () => {
  const build = (query: string, user = 'builder'): AuthzRequest => ({ ...request('POST', `/build?${query}`, undefined, { 'Content-Type': 'application/x-tar' }), user });
  test.each([
    ['off by default', build('t=alice/x', 'alice'), /not enabled on this host/],
    ['a shared name', build('t=busybox:1.36'), /tag under your own name/],
    ['another user\'s name', build('t=bob/x&t=builder/x'), /-t bob\/x: tag under your own name/],
    ['a remote context dockerd fetches', build('t=builder/x&remote=http://10.0.0.1/ctx.tar'), /remote build context/],
    ['the host network', build('t=builder/x&networkmode=host'), /--network host/],
    ['a cgroup parent', build('t=builder/x&cgroupparent=/'), /--cgroup-parent/],
    ['BuildKit', build('t=builder/x&version=2'), /DOCKER_BUILDKIT=0/],
  ])('%s is refused', async (_case, req, message) => {
    const decision = await decide(withCertificate(req), { ...inputs(), accounts: { lookup: () => ({ ...ALICE, name: req.user as string }) } });
    expect(decision.message).toMatch(message);
  });

  test('a classic build under her own name is allowed, and she may run what she built', async () => {
    const builder = { ...inputs(), accounts: { lookup: () => ({ ...ALICE, name: 'builder' }) } };
    expect((await decide(withCertificate(build('t=builder/tool:1&version=1&buildargs=%7B%7D&labels=%7B%7D&cachefrom=%5B%5D&ulimits=null&networkmode=default&rm=1')), builder)).allow).toBe(true);
    expect((await decide(withCertificate({ ...create({}, { Image: 'builder/tool:1' }), user: 'builder' }), builder)).message).not.toMatch(/allowed list/);
  });
});

test('a directory of her own counts as writable whatever its mode: she can chmod it back', async () => {
  const locked = fakeFileSystem({ '/home/alice': { uid: 1001, gid: 1001, mode: 0o555, directory: true }, '/home/alice/data': { uid: 1001, gid: 1001, mode: 0o555, directory: true }, '/home/alice/data/sub': { uid: 1001, gid: 1001, mode: 0o755, directory: true } });
  const decision = await decide(withCertificate(create({ Binds: ['/home/alice/data/sub:/d'] })), { ...inputs(), paths: locked });
  expect(decision.message).toMatch(/passes \/home\/alice\/data, which you can rename or replace/);
});
