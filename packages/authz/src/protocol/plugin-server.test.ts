import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import { CaStore, createCa } from '@dockauth/ca';
import { startPlugin, type RunningPlugin } from './plugin-server.js';
import { fakeDocker, fakePaths } from '../../test/fixtures.js';
import { makeTempDir } from '../../../../test/support/temp.js';


/** POSTs to the plugin the way dockerd's plugin client does. */
function post(socketPath: string, path: string, body: unknown): Promise<{ status: number; type: string | undefined; json: any }> {
  return new Promise((resolve, reject) => {
    const text = JSON.stringify(body);
    const req = request({ socketPath, path, method: 'POST', headers: { 'Content-Type': 'application/vnd.docker.plugins.v1+json', 'Content-Length': Buffer.byteLength(text) } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, type: res.headers['content-type'], json: JSON.parse(Buffer.concat(chunks).toString()) }));
    });
    req.on('error', reject);
    req.end(text);
  });
}

describe('the plugin over its socket, as dockerd talks to it', () => {
  let temp: ReturnType<typeof makeTempDir>;
  let plugin: RunningPlugin;
  let socket: string;
  let policy: string;
  let audit: string;
  let store: CaStore;
  let user: string;
  let certificate: { pem: string; serial: string };
  const logs: string[] = [];

  const authzReq = (uri: string, body?: unknown, method = 'POST'): object => ({
    User: user,
    UserAuthNMethod: 'TLS',
    RequestMethod: method,
    RequestUri: uri,
    RequestBody: body === undefined ? undefined : Buffer.from(JSON.stringify(body)).toString('base64'),
    RequestHeaders: { 'Content-Type': 'application/json', 'User-Agent': 'Docker-Client/28.2.2 (linux)' },
    // Go marshals each peer certificate as the base64 of its PEM encoding.
    RequestPeerCertificates: [Buffer.from(certificate.pem).toString('base64')],
  });

  beforeAll(async () => {
    temp = makeTempDir();
    const state = join(temp.dir, 'state');
    ({ store } = await CaStore.initialize(state, await createCa({ subject: { commonName: 'Plugin CA' } })));
    // The plugin looks the user up on this host: "nobody" is on every one.
    user = 'nobody';
    const issued = await store.issueClient({ user });
    certificate = { pem: issued.certificatePem, serial: issued.record.serial };
    policy = join(state, 'policy.yaml');
    writeFileSync(policy, 'version: 1\nbase:\n  allow: [system.ping, container.list]\n');
    audit = join(temp.dir, 'log', 'audit.log');
    socket = join(temp.dir, 'run', 'dockauth.sock');
    plugin = await startPlugin({
      socket,
      stateDir: state,
      policyPath: policy,
      auditPath: audit,
      auditStdout: false,
      dockerSocket: join(temp.dir, 'no-docker.sock'),
      auditFailure: 'deny',
      log: (line) => logs.push(line),
      docker: fakeDocker(),
      paths: fakePaths,
    });
  });
  afterAll(async () => {
    await plugin.close();
    store.close();
    temp.cleanup();
  });

  test('Plugin.Activate answers that it implements authz, in the plugin content type', async () => {
    const activated = await post(socket, '/Plugin.Activate', {});
    expect(activated).toEqual({ status: 200, type: 'application/vnd.docker.plugins.v1+json', json: { Implements: ['authz'] } });
  });

  test('the socket is root\'s (0600) and AuthZRes always passes', async () => {
    const { statSync } = await import('node:fs');
    expect(statSync(socket).mode & 0o777).toBe(0o600);
    expect((await post(socket, '/AuthZPlugin.AuthZRes', { ...authzReq('/_ping', undefined, 'GET'), ResponseStatusCode: 200 })).json).toEqual({ Allow: true });
  });

  test('AuthZReq: an allowed and a denied request, each written to the audit log', async () => {
    expect((await post(socket, '/AuthZPlugin.AuthZReq', authzReq('/v1.41/_ping', undefined, 'GET'))).json).toEqual({ Allow: true });
    const denied = await post(socket, '/AuthZPlugin.AuthZReq', authzReq('/v1.41/containers/create', { Image: 'busybox', HostConfig: { Privileged: true } }));
    expect(denied.json.Allow).toBe(false);
    expect(denied.json.Msg).toMatch(/container.create is not allowed/);
    const records = readFileSync(audit, 'utf8').trim().split('\n').map((line) => JSON.parse(line));
    expect(records.slice(-2)).toEqual([
      expect.objectContaining({ user, serial: certificate.serial, method: 'GET', endpoint: '/_ping', action: 'system.ping', decision: 'allow' }),
      expect.objectContaining({ user, serial: certificate.serial, method: 'POST', endpoint: '/containers/create', action: 'container.create', decision: 'deny', reason: expect.stringMatching(/not allowed/) }),
    ]);
    expect(records.at(-1).policy).toMatch(/^[0-9a-f]{64}$/);
  });

  test('the administrator (no user) is allowed and not audited', async () => {
    const before = readFileSync(audit, 'utf8');
    const admin = { RequestMethod: 'POST', RequestUri: '/containers/create', RequestHeaders: {} };
    expect((await post(socket, '/AuthZPlugin.AuthZReq', admin)).json).toEqual({ Allow: true });
    expect(readFileSync(audit, 'utf8')).toBe(before);
  });

  test('a certificate without a CN (User omitted, TLS) is refused and audited; an oversize call is refused unparsed and audited, the administrator\'s allowed', async () => {
    const { User: _omitted, ...nameless } = authzReq('/v1.41/_ping', undefined, 'GET') as Record<string, unknown>;
    const refused = await post(socket, '/AuthZPlugin.AuthZReq', nameless);
    expect(refused.json).toMatchObject({ Allow: false, Msg: expect.stringMatching(/names no user/) });
    const padding = 'x'.repeat(300 * 1024);
    const oversize = await post(socket, '/AuthZPlugin.AuthZReq', authzReq('/v1.41/containers/create', { Image: 'busybox', Env: [padding] }));
    expect(oversize.json).toMatchObject({ Allow: false, Msg: expect.stringMatching(/KiB, over what dockauth judges \(192 KiB\)/) });
    const admin = { RequestMethod: 'POST', RequestUri: '/containers/create', RequestBody: Buffer.from(JSON.stringify({ Env: [padding] })).toString('base64'), RequestHeaders: {} };
    expect((await post(socket, '/AuthZPlugin.AuthZReq', admin)).json).toEqual({ Allow: true });
    const records = readFileSync(audit, 'utf8').trim().split('\n').map((line) => JSON.parse(line));
    expect(records.slice(-2)).toEqual([
      expect.objectContaining({ user: '', decision: 'deny', rule: 'identity' }),
      expect.objectContaining({ user, serial: certificate.serial, method: 'POST', endpoint: '/containers/create', action: 'container.create', decision: 'deny', rule: 'request size' }),
    ]);
  });

  test('the response to a create tells the plugin who owns the new container, so no look-up is needed for it', async () => {
    const original = readFileSync(policy, 'utf8');
    writeFileSync(policy, 'version: 1\nbase:\n  allow: [system.ping, container.*]\n');
    await new Promise((resolve) => setTimeout(resolve, 300));
    const id = randomBytes(32).toString('hex');
    const remove = authzReq(`/v1.41/containers/${id}`, undefined, 'DELETE');
    // The stand-in dockerd knows no containers: before the create's response, ownership cannot be shown.
    expect((await post(socket, '/AuthZPlugin.AuthZReq', remove)).json.Msg).toMatch(/no container/);
    const created = { ...authzReq('/v1.41/containers/create', { Image: 'busybox' }), ResponseStatusCode: 201, ResponseBody: Buffer.from(JSON.stringify({ Id: id, Warnings: [] })).toString('base64') };
    expect((await post(socket, '/AuthZPlugin.AuthZRes', created)).json).toEqual({ Allow: true });
    expect((await post(socket, '/AuthZPlugin.AuthZReq', remove)).json).toEqual({ Allow: true });
    writeFileSync(policy, original);
    await new Promise((resolve) => setTimeout(resolve, 300));
  });

  test('a policy edit counts within a second; a broken edit keeps the last good policy', async () => {
    const list = authzReq('/containers/json', undefined, 'GET');
    expect((await post(socket, '/AuthZPlugin.AuthZReq', list)).json.Allow).toBe(true);
    writeFileSync(policy, 'version: 1\nbase:\n  allow: [system.ping]\n');
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect((await post(socket, '/AuthZPlugin.AuthZReq', list)).json.Allow).toBe(false);
    writeFileSync(policy, 'version: 1\nbase:\n  allow: [system.ping, container.list\n');
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect((await post(socket, '/AuthZPlugin.AuthZReq', list)).json.Allow).toBe(false);
    expect((await post(socket, '/AuthZPlugin.AuthZReq', authzReq('/_ping', undefined, 'GET'))).json.Allow).toBe(true);
    expect(logs.join('\n')).toMatch(/policy\.yaml:\d+:\d+: .*keeping the last good policy/);
  });

  test('a revocation counts within a second, with no restart', async () => {
    const ping = authzReq('/_ping', undefined, 'GET');
    expect((await post(socket, '/AuthZPlugin.AuthZReq', ping)).json.Allow).toBe(true);
    const writer = await CaStore.open(join(temp.dir, 'state'));
    await writer.revoke(certificate.serial, 'keyCompromise');
    writer.close();
    await new Promise((resolve) => setTimeout(resolve, 300));
    const after = await post(socket, '/AuthZPlugin.AuthZReq', ping);
    expect(after.json).toEqual({ Allow: false, Msg: expect.stringMatching(/was revoked \(keyCompromise\)/) });
  });

  test('a rotated audit log is reopened; one that cannot be written denies', async () => {
    renameSync(audit, `${audit}.1`);
    await new Promise((resolve) => setTimeout(resolve, 1100));
    await post(socket, '/AuthZPlugin.AuthZReq', authzReq('/_ping', undefined, 'GET'));
    expect(readFileSync(audit, 'utf8').trim().split('\n')).toHaveLength(1);
    // A directory where the log should be: even root cannot append to it.
    renameSync(audit, `${audit}.2`);
    mkdirSync(audit);
    await new Promise((resolve) => setTimeout(resolve, 1100));
    const refused = await post(socket, '/AuthZPlugin.AuthZReq', authzReq('/_ping', undefined, 'GET'));
    expect(refused.json).toEqual({ Allow: false, Msg: expect.stringMatching(/audit log cannot be written/) });
    expect(logs.join('\n')).toMatch(/failed to write the audit log/);
  });

  test('garbage from the socket is denied, not allowed', async () => {
    const broken = await post(socket, '/AuthZPlugin.AuthZReq', { User: 'x', RequestPeerCertificates: 'nope' });
    expect(broken.json.Allow).toBe(false);
  });
});

describe('starting the plugin', () => {
  test('a broken policy stops it from starting, naming line and column', async () => {
    const temp = makeTempDir();
    try {
      const state = join(temp.dir, 'state');
      const { store } = await CaStore.initialize(state, await createCa({ subject: { commonName: 'X' } }));
      store.close();
      const policy = join(temp.dir, 'policy.yaml');
      writeFileSync(policy, 'version: 1\nbase:\n  allow: [system.ping]\n  mounts: ["relative/path"]\n');
      await expect(
        startPlugin({ socket: join(temp.dir, 's.sock'), stateDir: state, policyPath: policy, auditPath: undefined, auditStdout: false, dockerSocket: '/nonexistent', auditFailure: 'deny', log: () => undefined }),
      ).rejects.toThrow(/policy\.yaml:4:\d+: base\.mounts: "relative\/path" must be absolute or start with ~/);
    } finally {
      temp.cleanup();
    }
  });
});
