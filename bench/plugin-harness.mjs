// The plugin as the benchmarks run it: a CA, a user's certificate, `dockauth authz serve`
// pinned to one core, a stand-in for dockerd's root socket, and raw keep-alive clients.
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const bin = join(root, 'packages/cli/bin/dockauth.js');

/** Starts the plugin for the given local users (each gets a certificate); returns what the clients need. */
export async function startBenchPlugin(users, { caInitArgs = [] } = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'dockauth-bench-'));
  const state = join(dir, 'state');
  const run = (...args) => execFileSync(process.execPath, [bin, '--dir', state, ...args], { encoding: 'utf8' });
  // caInitArgs: --inventory postgres://… for the shared inventory (bench/plugin-postgres.mjs).
  run('ca', 'init', ...caInitArgs);
  run('authz', 'init');
  run('user', 'add', ...users, '--out', join(dir, 'ship'));
  const passwd = readFileSync('/etc/passwd', 'utf8').split('\n');
  const identities = Object.fromEntries(users.map((user) => {
    const [uid, gid, , home] = passwd.find((line) => line.startsWith(`${user}:`)).split(':').slice(2, 6);
    return [user, { uid, gid, home, certificate: readFileSync(join(dir, 'ship', user, 'cert.pem'), 'utf8') }];
  }));
  const socket = join(dir, 'plugin.sock');
  // A stand-in for dockerd's root socket: the image look-up answered as dockerd answers it.
  const dockerSocket = join(dir, 'docker.sock');
  const fakeDockerd = createServer((req, res) => {
    const image = /^\/images\/(.+)\/json$/.exec(req.url ?? '');
    const answer = image ? { Id: 'sha256:'.padEnd(71, '0'), RepoTags: [decodeURIComponent(image[1])], RepoDigests: [] } : { SecurityOptions: [] };
    res.writeHead(200, { 'Content-Type': 'application/json' });
    res.end(JSON.stringify(answer));
  });
  await new Promise((resolve) => fakeDockerd.listen(dockerSocket, resolve));
  const taskset = spawnSync('sh', ['-c', 'command -v taskset']).status === 0;
  const argv = [bin, '--dir', state, 'authz', 'serve', '--socket', socket, '--audit', join(dir, 'audit.log'), '--docker-socket', dockerSocket, '--owners', join(dir, 'owners.jsonl')];
  const nodeFlags = (process.env.BENCH_PLUGIN_NODE_FLAGS ?? '').split(' ').filter(Boolean);
  const command = [process.execPath, ...nodeFlags, ...argv];
  const plugin = taskset ? spawn('taskset', ['-c', '0', ...command], { stdio: 'ignore' }) : spawn(command[0], command.slice(1), { stdio: 'ignore' });
  for (let i = 0; i < 100 && !existsSync(socket); i++) await new Promise((resolve) => setTimeout(resolve, 50));
  return {
    socket,
    state,
    taskset,
    identities,
    stop() {
      plugin.kill('SIGTERM');
      fakeDockerd.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** What the docker CLI sends for: docker run -u UID:GID --security-opt no-new-privileges -v $HOME:$HOME busybox:1.36 id */
export function ordinaryCreate({ uid, gid, home }) {
  return {
    Hostname: '', User: `${uid}:${gid}`, AttachStdout: true, AttachStderr: true, Tty: false, Env: [], Cmd: ['id'], Image: 'busybox:1.36',
    Volumes: {}, WorkingDir: '', Entrypoint: null, Labels: {},
    HostConfig: {
      Binds: [`${home}:${home}`], NetworkMode: 'default', PortBindings: {}, RestartPolicy: { Name: 'no', MaximumRetryCount: 0 },
      AutoRemove: true, CapAdd: null, CapDrop: null, CgroupnsMode: '', Dns: [], IpcMode: '', Privileged: false, SecurityOpt: ['no-new-privileges'],
      UTSMode: '', UsernsMode: '', LogConfig: { Type: '', Config: {} },
    },
    NetworkingConfig: { EndpointsConfig: {} },
  };
}

/** One AuthZReq for a create by `user`, framed as dockerd frames it. */
export function authzRequest(user, certificate, body) {
  const payload = JSON.stringify({
    User: user, UserAuthNMethod: 'TLS', RequestMethod: 'POST', RequestUri: '/v1.41/containers/create',
    RequestBody: Buffer.from(JSON.stringify(body)).toString('base64'),
    RequestHeaders: { 'Content-Type': 'application/json', 'User-Agent': 'Docker-Client/28.2.2 (linux)' },
    RequestPeerCertificates: [Buffer.from(certificate).toString('base64')],
  });
  const head = `POST /AuthZPlugin.AuthZReq HTTP/1.1\r\nHost: plugin\r\nContent-Type: application/vnd.docker.plugins.v1+json\r\nContent-Length: ${Buffer.byteLength(payload)}\r\n\r\n`;
  return Buffer.from(head + payload);
}

/**
 * A raw keep-alive HTTP/1.1 client on the plugin's socket, one request at a time, as dockerd's
 * Go client makes them: the Node HTTP client would cost as much CPU as the plugin itself on a
 * 2-core machine and measure itself instead.
 */
export function connection(socket, message) {
  const sock = connect(socket);
  let buffer = '';
  const waiting = [];
  sock.on('data', (chunk) => {
    buffer += chunk.toString('latin1');
    for (;;) {
      const end = buffer.indexOf('\r\n\r\n');
      if (end < 0) return;
      const length = Number(/content-length: (\d+)/i.exec(buffer.slice(0, end))?.[1] ?? 0);
      if (buffer.length < end + 4 + length) return;
      const body = buffer.slice(end + 4, end + 4 + length);
      buffer = buffer.slice(end + 4 + length);
      waiting.shift()?.(body);
    }
  });
  return {
    send: () => new Promise((resolve) => { waiting.push(resolve); sock.write(message); }),
    close: () => sock.destroy(),
  };
}

/** Times one request on a connection. */
export async function timed(conn) {
  const started = process.hrtime.bigint();
  const text = await conn.send();
  return { ns: Number(process.hrtime.bigint() - started), text };
}

export const percentile = (sorted, p) => sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))] / 1e6;
