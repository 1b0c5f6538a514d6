import { X509Certificate } from 'node:crypto';
import { join } from 'node:path';
import { CaStore, createCa } from '@dockauth/ca';
import { ALICE, BOB, POLICY, container, fakeDocker, fakePaths, statusOf } from '../../test/fixtures.js';
import { makeTempDir } from '../../../../test/support/temp.js';
import { parseGoJson } from '../decode/go-json.js';
import { decide, type DecisionInputs } from '../engine/decide.js';
import { effectiveRules } from '../engine/effective-rules.js';
import { loadPolicyFile } from '../engine/policy-file.js';
import { relayKey, signRelay } from '../engine/relayed-identity.js';
import type { AuthzRequest } from '../protocol/authz-request.js';
import { encodeBody } from './canonical-json.js';
import { fillIn } from './fill-in.js';
import { forwardedHeaders, forwardedUri } from './forwarding.js';
import { judge } from './gateway-decision.js';
import { CONTAINER_CREATE_BODY } from '../decode/api-fields.js';

let temp: ReturnType<typeof makeTempDir>;
let store: CaStore;
let alicePem: string;
let bobPem: string;
let bobSerial: string;
let gatewayPem: string;
const key = relayKey('-----BEGIN PRIVATE KEY-----\ntest\n-----END PRIVATE KEY-----\n');

beforeAll(async () => {
  temp = makeTempDir();
  ({ store } = await CaStore.initialize(join(temp.dir, 'state'), await createCa({ subject: { commonName: 'Gateway CA' } })));
  alicePem = (await store.issueClient({ user: 'alice', groups: [] })).certificatePem;
  const bob = await store.issueClient({ user: 'bob' });
  bobPem = bob.certificatePem;
  bobSerial = bob.record.serial;
  gatewayPem = (await store.issueClient({ user: 'dockauth-gateway' })).certificatePem;
});
afterAll(() => {
  store.close();
  temp.cleanup();
});

const docker = fakeDocker({ containers: [container('aaaa1111', 'alice-web', '1001:1001'), container('bbbb2222', 'bob-db', '1002:1002')] });
const inputs = (extra: Partial<DecisionInputs> = {}): DecisionInputs => ({
  policy: POLICY,
  inventory: statusOf(store),
  accounts: { lookup: (user) => ({ alice: ALICE, bob: BOB })[user as 'alice' | 'bob'] },
  docker,
  paths: fakePaths,
  ...extra,
});
const rules = () => effectiveRules(POLICY, 'alice', ALICE.groups);

describe('fill-in', () => {
  const create = (body: string) => fillIn('container.create', parseGoJson(body), new Map(), ALICE, rules());

  test('a plain create gets the user\'s uid:gid, their other groups, no-new-privileges, the owner label and the pids limit', () => {
    const filled = create('{"Image":"busybox"}');
    const body = JSON.parse(encodeBody(filled.body!, CONTAINER_CREATE_BODY));
    expect(body.User).toBe(`${ALICE.uid}:${ALICE.gid}`);
    expect(body.HostConfig.GroupAdd).toEqual(ALICE.gids.filter((gid) => gid !== ALICE.gid).map(String));
    expect(body.HostConfig.SecurityOpt).toEqual(['no-new-privileges']);
    expect(body.Labels).toEqual({ 'dockauth.owner': 'alice' });
    expect(body.HostConfig.PidsLimit).toBe(rules().limits.pids);
    expect(filled.filled).toEqual(expect.arrayContaining(['User', 'HostConfig.SecurityOpt', 'Labels.dockauth.owner', 'HostConfig.PidsLimit']));
  });

  test('what the user gave is kept exactly, to be judged: -u 0:0, seccomp=unconfined, another owner, a pids limit', () => {
    const filled = create('{"Image":"busybox","User":"0:0","Labels":{"dockauth.owner":"bob"},"HostConfig":{"SecurityOpt":["seccomp=unconfined"],"PidsLimit":50}}');
    const body = JSON.parse(encodeBody(filled.body!, CONTAINER_CREATE_BODY));
    expect(body.User).toBe('0:0');
    expect(body.Labels['dockauth.owner']).toBe('bob');
    expect(body.HostConfig.SecurityOpt).toEqual(['seccomp=unconfined', 'no-new-privileges']);
    expect(body.HostConfig.PidsLimit).toBe(50);
    expect(body.HostConfig.GroupAdd).toBeUndefined(); // not running as herself: her groups are not added
  });

  test('written out again, a key takes the engine\'s spelling, numbers keep their digits, map keys stay exact', () => {
    const body = encodeBody(parseGoJson('{"image":"busybox","hostconfig":{"memory":1e3},"Labels":{"a.B":"x"}}'), CONTAINER_CREATE_BODY);
    expect(body).toBe('{"Image":"busybox","HostConfig":{"Memory":1e3},"Labels":{"a.B":"x"}}');
  });

  test('a built image gets the owner label in its labels parameter', () => {
    const filled = fillIn('image.build', undefined, new Map([['t', ['alice/x']], ['labels', ['{"a":"b"}']]]), ALICE, rules());
    expect(JSON.parse(filled.query.get('labels')![0]!)).toEqual({ a: 'b', 'dockauth.owner': 'alice' });
  });
});

describe('forwarding', () => {
  test('the URI is written out from the decoded path and query', () => {
    expect(forwardedUri('1.41', '/images/docker.io/library/busybox:1.36/json', new Map([['a b', ['c&d', 'e']]]))).toBe('/v1.41/images/docker.io/library/busybox:1.36/json?a%20b=c%26d&a%20b=e');
  });

  test('headers: the user\'s own X-Dockauth-* are dropped, the gateway\'s set once; a JSON body\'s length is the judged one\'s', () => {
    const headers = forwardedHeaders({ 'x-dockauth-user': 'bob', 'x-dockauth-signature': 'forged', 'content-type': 'text/plain', 'x-registry-auth': 'abc', cookie: 'x' },
      { body: 'json' } as never, { uri: '/x', body: Buffer.from('{}'), user: 'alice', serial: '01' }, 'sig');
    expect(headers).toEqual({ host: 'dockerd', 'x-registry-auth': 'abc', 'content-type': 'application/json', 'content-length': '2', 'x-dockauth-user': 'alice', 'x-dockauth-serial': '01', 'x-dockauth-signature': 'sig' });
  });
});

describe('the plugin behind the gateway', () => {
  const gatewayDer = (): Buffer => new X509Certificate(gatewayPem).raw;
  const relayed = (peer: string, headers: Record<string, string>, uri = '/v1.41/containers/bbbb2222/json'): AuthzRequest => ({
    user: peer === gatewayPem ? 'dockauth-gateway' : 'alice', authMethod: 'TLS', method: 'GET', uri, body: undefined, headers, peerCertificates: [peer],
  });
  const named = (uri = '/v1.41/containers/bbbb2222/json', signature = signRelay(key, 'GET', uri, 'bob', bobSerial)) => ({ 'X-Dockauth-User': 'bob', 'X-Dockauth-Serial': bobSerial, 'X-Dockauth-Signature': signature });

  test('judges the named user when the peer is the gateway and the signature holds', async () => {
    const decision = await decide(relayed(gatewayPem, named()), inputs({ gatewayCertificate: gatewayDer(), relayKey: key }));
    expect(decision).toMatchObject({ allow: true, user: 'bob', via: 'gateway' });
  });

  test.each([
    ['a user\'s own certificate', () => relayed(alicePem, named()), /not yours/],
    ['no signature', () => relayed(gatewayPem, { ...named(), 'X-Dockauth-Signature': '' }), /gateway's signature/],
    ['a signature for another request', () => relayed(gatewayPem, named('/v1.41/containers/bbbb2222/json', signRelay(key, 'GET', '/v1.41/containers/aaaa1111/json', 'bob', bobSerial))), /gateway's signature/],
    ['a signature from another key', () => relayed(gatewayPem, named('/v1.41/containers/bbbb2222/json', signRelay(relayKey('other'), 'GET', '/v1.41/containers/bbbb2222/json', 'bob', bobSerial))), /gateway's signature/],
    ['an old signature', () => relayed(gatewayPem, named('/v1.41/containers/bbbb2222/json', signRelay(key, 'GET', '/v1.41/containers/bbbb2222/json', 'bob', bobSerial, Date.now() - 3_600_000))), /gateway's signature/],
  ])('refuses %s', async (_what, make, message) => {
    const decision = await decide(make(), inputs({ gatewayCertificate: gatewayDer(), relayKey: key }));
    expect(decision.allow).toBe(false);
    expect(decision.message).toMatch(message);
  });

  test('docker events and docker load pass only through the gateway: straight to dockerd they are refused, saying why', async () => {
    // The bundled policy allows both.
    const bundled = { policy: loadPolicyFile(join(process.cwd(), 'templates', 'policy.yaml')), gatewayCertificate: gatewayDer(), relayKey: key };
    const direct = await decide({ ...relayed(bobPem, {}, '/v1.41/events'), user: 'bob' }, inputs(bundled));
    expect(direct).toMatchObject({ allow: false, message: expect.stringContaining('only through the dockauth gateway') });
    const relayedEvents = await decide(relayed(gatewayPem, named('/v1.41/events'), '/v1.41/events'), inputs(bundled));
    expect(relayedEvents).toMatchObject({ allow: true, user: 'bob', via: 'gateway' });
    const load = await decide({ ...relayed(bobPem, {}, '/v1.41/images/load'), method: 'POST', user: 'bob' }, inputs(bundled));
    expect(load).toMatchObject({ allow: false, message: expect.stringContaining('only through the dockauth gateway') });
  });

  test('without --gateway-certificate the gateway\'s certificate is just a name with no account', async () => {
    expect(await decide(relayed(gatewayPem, named()), inputs())).toMatchObject({ allow: false, user: 'dockauth-gateway' });
  });
});

describe('the gateway\'s own decision', () => {
  test('judges the request as rewritten, and names what it filled in', async () => {
    const judged = await judge({ method: 'POST', url: '/v1.41/containers/create', headers: { 'content-type': 'application/json' }, body: Buffer.from('{"Image":"busybox:1.36"}'), commonName: 'alice', certificatePem: alicePem }, inputs());
    expect(judged.decision).toMatchObject({ allow: true, decidedBy: 'gateway', user: 'alice' });
    expect(JSON.parse(judged.forward!.body!.toString()).User).toBe(`${ALICE.uid}:${ALICE.gid}`);
  });

  test('another user\'s certificate name does not make a request theirs', async () => {
    const judged = await judge({ method: 'GET', url: '/v1.41/containers/json', headers: {}, body: Buffer.alloc(0), commonName: 'bob', certificatePem: alicePem }, inputs());
    expect(judged.decision).toMatchObject({ allow: false, rule: 'identity' });
  });

  test('BuildKit is refused with what to use instead', async () => {
    const judged = await judge({ method: 'POST', url: '/session', headers: { upgrade: 'h2c' }, body: undefined, commonName: 'alice', certificatePem: alicePem }, inputs());
    expect(judged.decision.message).toContain('DOCKER_BUILDKIT=0');
  });
});
