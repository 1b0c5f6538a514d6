// The plugin's cost as users feel it: a real dockerd over TLS, `docker ps` and container
// create+remove in a loop, with the dockauth plugin and without it. Needs root, docker.io and
// busybox-static; prints JSON (or {"skipped": reason}).
// Usage: node bench/dockerd-overhead.mjs [runs]   (three dockerds side by side: no plugin, a do-nothing plugin, dockauth)
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { stats } from './lib.mjs';

const runs = Number(process.argv[2] ?? 20);
const root = fileURLToPath(new URL('..', import.meta.url));
const bin = join(root, 'packages/cli/bin/dockauth.js');
const has = (tool) => spawnSync('sh', ['-c', `command -v ${tool}`]).status === 0;
if (process.geteuid?.() !== 0 || !has('dockerd') || !has('docker') || !existsSync('/bin/busybox')) {
  console.log(JSON.stringify({ skipped: 'needs root, docker.io and busybox-static' }));
  process.exit(0);
}
const dir = mkdtempSync('/tmp/dabench-');
chmodSync(dir, 0o755);
const state = join(dir, 'state');
const dockauth = (...args) => execFileSync(process.execPath, [bin, '--dir', state, '-y', ...args], { encoding: 'utf8' });
const freePort = () => new Promise((resolve) => { const s = createServer().listen(0, '127.0.0.1', () => { const { port } = s.address(); s.close(() => resolve(port)); }); });
const wait = async (check, what) => { for (let i = 0; i < 600; i++) { if (check()) return; await new Promise((r) => setTimeout(r, 100)); } throw new Error(`timed out: ${what}`); };

dockauth('ca', 'init');
dockauth('server', 'issue', '--host', 'localhost', '--ip', '127.0.0.1', '--out', join(dir, 'ssl'));
dockauth('authz', 'init');
dockauth('user', 'add', 'nobody', '--out', join(dir, 'certs'));
const policy = join(state, 'policy.yaml');
writeFileSync(policy, readFileSync(policy, 'utf8').replace("      - '^docker\\.io/library/(alpine|busybox|debian|ubuntu|python):'", "      - '^docker\\.io/library/(alpine|busybox|debian|ubuntu|python):'\n      - '^docker\\.io/dockauth-bench/busybox:'"));
const [uid, gid] = readFileSync('/etc/passwd', 'utf8').split('\n').find((line) => line.startsWith('nobody:')).split(':').slice(2, 4);

// An authorization plugin that allows everything and does nothing else: what dockerd's own
// plugin machinery costs (two calls per API request), whoever the plugin is.
const NULL_PLUGIN = `
const { createServer } = require('node:net');
const answer = (body) => Buffer.from('HTTP/1.1 200 OK\\r\\nContent-Type: application/vnd.docker.plugins.v1+json\\r\\nContent-Length: ' + body.length + '\\r\\n\\r\\n' + body);
const activated = answer('{"Implements":["authz"]}');
const allowed = answer('{"Allow":true}');
createServer((socket) => {
  let buffer = Buffer.alloc(0);
  socket.on('data', (chunk) => {
    buffer = Buffer.concat([buffer, chunk]);
    for (;;) {
      const end = buffer.indexOf('\\r\\n\\r\\n');
      if (end < 0) return;
      const head = buffer.toString('latin1', 0, end);
      const length = Number(/content-length: *(\\d+)/i.exec(head)?.[1] ?? 0);
      if (buffer.length < end + 4 + length) return;
      buffer = buffer.subarray(end + 4 + length);
      socket.write(head.startsWith('POST /Plugin.Activate') ? activated : allowed);
    }
  });
}).listen(process.argv[1]);
`;

/** Starts a private dockerd (without a plugin, with a do-nothing one, or with dockauth), ready for the docker CLI as a TLS user. */
async function startEngine(label) {
  const withPlugin = label !== 'without';
  const port = await freePort();
  const engineDir = join(dir, label);
  mkdirSync(engineDir);
  const rootSocket = join(engineDir, 'docker.sock');
  const daemonJson = join(engineDir, 'daemon.json');
  dockauth('daemon', 'configure', '--daemon-json', daemonJson, '--tls-dir', join(dir, 'ssl'), '--listen', `tcp://127.0.0.1:${port}`,
    '--systemd-dropin', join(engineDir, 'dropin.conf'), '--systemd-unit', '/dev/null', ...(withPlugin ? [] : ['--no-authz']));
  const config = JSON.parse(readFileSync(daemonJson, 'utf8'));
  const pluginName = `dockauth-bench-${randomBytes(4).toString('hex')}`;
  config.hosts = [`unix://${rootSocket}`, `tcp://127.0.0.1:${port}`];
  if (withPlugin) config['authorization-plugins'] = [pluginName];
  writeFileSync(daemonJson, JSON.stringify(config));
  const children = [];
  const start = (command, args, log) => { const child = spawn(command, args, { detached: true, stdio: ['ignore', openSync(log, 'a'), openSync(log, 'a')] }); children.push(child); return child; };
  const admin = (...args) => spawnSync('docker', ['-H', `unix://${rootSocket}`, ...args], { encoding: 'utf8' });
  const engine = {
    label,
    env: { ...process.env, DOCKER_HOST: `tcp://127.0.0.1:${port}`, DOCKER_TLS_VERIFY: '1', DOCKER_CERT_PATH: join(dir, 'certs', 'nobody') },
    async stop() {
      for (const id of admin('ps', '-aq').stdout.split('\n').filter(Boolean)) admin('rm', '-f', id);
      for (const child of children.reverse()) {
        try { process.kill(-child.pid, 'SIGTERM'); } catch { /* gone */ }
        await new Promise((resolve) => (child.exitCode !== null ? resolve() : child.once('exit', resolve)));
      }
      spawnSync('sh', ['-c', `grep -o ' ${engineDir}[^ ]*' /proc/mounts | sort -r | xargs -r -n1 umount -l`]);
    },
  };
  engines.push(engine);
  if (withPlugin) {
    const socket = `/run/docker/plugins/${pluginName}.sock`;
    if (label === 'null') start(process.execPath, ['-e', NULL_PLUGIN, socket], join(engineDir, 'plugin.log'));
    else start(process.execPath, [bin, '--dir', state, 'authz', 'serve', '--socket', socket, '--audit', join(engineDir, 'audit.log'), '--docker-socket', rootSocket, '--owners', join(engineDir, 'owners.jsonl')], join(engineDir, 'plugin.log'));
    await wait(() => existsSync(socket), 'plugin');
  }
  start('dockerd', ['--config-file', daemonJson, '--data-root', join(engineDir, 'data'), '--exec-root', join(engineDir, 'exec'), '--pidfile', join(engineDir, 'pid'),
    '--bridge=none', '--iptables=false', '--ip-masq=false'], join(engineDir, 'dockerd.log'));
  await wait(() => existsSync(rootSocket) && admin('version').status === 0, 'dockerd');
  const rootfs = join(engineDir, 'rootfs');
  for (const sub of ['bin', 'etc']) mkdirSync(join(rootfs, sub), { recursive: true });
  execFileSync('cp', ['/bin/busybox', join(rootfs, 'bin/busybox')]);
  execFileSync('ln', ['-s', 'busybox', join(rootfs, 'bin/true')]);
  spawnSync('sh', ['-c', `tar -C ${rootfs} -c . | docker -H unix://${rootSocket} import - dockauth-bench/busybox:latest`]);
  return engine;
}

function docker(engine, args) {
  const result = spawnSync('docker', args, { env: engine.env, encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`docker ${args.join(' ')} (${engine.label} plugin): ${result.stderr}`);
  return result.stdout;
}

function timed(work) {
  const started = process.hrtime.bigint();
  work();
  return Number(process.hrtime.bigint() - started) / 1e6;
}

/** One round on an engine: `docker ps`, then a container created and removed. */
function round(engine) {
  const ps = timed(() => docker(engine, ['ps']));
  const createRemove = timed(() => {
    const id = docker(engine, ['create', '-u', `${uid}:${gid}`, '--security-opt', 'no-new-privileges', 'dockauth-bench/busybox:latest', 'true']).trim();
    docker(engine, ['rm', id]);
  });
  return { ps, createRemove };
}

const engines = [];
try {
  const started = [await startEngine('without'), await startEngine('null'), await startEngine('with')];
  // Warm-up, discarded: a plugin in service has long since compiled its hot paths.
  for (let i = 0; i < 30; i++) for (const engine of started) round(engine);
  // Side by side, rotating who goes first: all see the same noise from the shared host.
  const times = Object.fromEntries(started.map((engine) => [engine.label, { ps: [], createRemove: [] }]));
  for (let i = 0; i < runs; i++) {
    for (let k = 0; k < started.length; k++) {
      const engine = started[(i + k) % started.length];
      const { ps, createRemove } = round(engine);
      times[engine.label].ps.push(ps);
      times[engine.label].createRemove.push(createRemove);
    }
  }
  const result = Object.fromEntries(Object.entries(times).map(([label, t]) => [label, { ps: stats(t.ps), createRemove: stats(t.createRemove) }]));
  // Per-round ratios (the three engines ran back to back in each round), then their median.
  const paired = (a, b, what) => stats(times[a][what].map((time, i) => time / times[b][what][i])).median;
  const ratio = (a, b) => ({ ps: paired(a, b, 'ps'), createRemove: paired(a, b, 'createRemove') });
  console.log(JSON.stringify({ runs, ...result, ratios: ratio('with', 'without'), nullRatios: ratio('null', 'without'), overNull: ratio('with', 'null') }));
} finally {
  for (const engine of engines) await engine.stop();
  rmSync(dir, { recursive: true, force: true });
}
