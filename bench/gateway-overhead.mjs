// The gateway's cost as users feel it: one private dockerd with the dockauth plugin, reached by the
// docker CLI as a TLS user either through `dockauth gateway serve` or directly on dockerd's own TLS
// listener, side by side, round by round. `docker ps`, container create+rm, and `docker save` /
// `docker load` of an image of about 500 MB made at bench time (busybox-static and a file of random
// bytes, so no compression anywhere flatters either side). Needs root, docker.io and busybox-static;
// prints JSON (or {"skipped": reason}).
// Usage: node bench/gateway-overhead.mjs [runs] [bigRuns] [bigMiB]   (defaults 40, 3, 500)
//
// The direct side of `docker load` is dockerd's root socket: the plugin refuses image.load to users
// on dockerd's own listener (only the gateway can check which names an archive takes), so there is
// no direct TLS load to compare with. `docker save` is also timed on the root socket, which shows
// what TLS and the plugin cost on a bulk transfer by themselves.
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { stats } from './lib.mjs';

const runs = Number(process.argv[2] ?? 40);
const bigRuns = Number(process.argv[3] ?? 3);
const bigMiB = Number(process.argv[4] ?? 500);
const root = fileURLToPath(new URL('..', import.meta.url));
const bin = join(root, 'packages/cli/bin/dockauth.js');
const has = (tool) => spawnSync('sh', ['-c', `command -v ${tool}`]).status === 0;
if (process.geteuid?.() !== 0 || !has('dockerd') || !has('docker') || !existsSync('/bin/busybox')) {
  console.log(JSON.stringify({ skipped: 'needs root, docker.io and busybox-static' }));
  process.exit(0);
}
const progress = (line) => process.stderr.write(`gateway-overhead: ${line}\n`);
const dir = mkdtempSync('/tmp/dagwbench-');
chmodSync(dir, 0o755);
const state = join(dir, 'state');
const ssl = join(dir, 'ssl');
const certs = join(dir, 'certs');
const USER = 'nobody';
const IMAGE = 'dockauth-bench/busybox:latest';
const BIG = `${USER}/big:latest`; // under the user's own name: theirs to save, and to load through the gateway
const dockauth = (...args) => execFileSync(process.execPath, [bin, '--dir', state, '-y', ...args], { encoding: 'utf8' });
const freePort = () => new Promise((resolve) => { const s = createServer().listen(0, '127.0.0.1', () => { const { port } = s.address(); s.close(() => resolve(port)); }); });
const wait = async (check, what) => { for (let i = 0; i < 600; i++) { if (await check()) return; await new Promise((r) => setTimeout(r, 100)); } throw new Error(`timed out: ${what}`); };
const accepting = (port) => new Promise((resolve) => { const s = connect({ host: '127.0.0.1', port }, () => { s.destroy(); resolve(true); }); s.on('error', () => resolve(false)); });

const children = [];
const start = (command, args, log) => { const child = spawn(command, args, { detached: true, stdio: ['ignore', openSync(log, 'a'), openSync(log, 'a')] }); children.push(child); return child; };
let rootSocket;
const admin = (...args) => spawnSync('docker', ['-H', `unix://${rootSocket}`, ...args], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });

async function stopAll() {
  if (rootSocket && existsSync(rootSocket)) for (const id of admin('ps', '-aq').stdout.split('\n').filter(Boolean)) admin('rm', '-f', id);
  // The gateway first, then dockerd, then the plugin dockerd calls.
  for (const child of [...children].reverse()) {
    if (child.exitCode !== null || child.signalCode !== null) continue;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    try { process.kill(-child.pid, 'SIGTERM'); } catch { continue; }
    const timer = setTimeout(() => { try { process.kill(-child.pid, 'SIGKILL'); } catch { /* gone */ } }, 20_000);
    await exited;
    clearTimeout(timer);
  }
  spawnSync('sh', ['-c', `grep -o ' ${dir}[^ ]*' /proc/mounts | sort -r | xargs -r -n1 umount -l`]);
}

/** dockerd with the plugin (trusting the gateway's certificate), and the gateway in front of it. */
async function setUp() {
  dockauth('ca', 'init');
  dockauth('server', 'issue', '--host', 'localhost', '--ip', '127.0.0.1', '--out', ssl);
  dockauth('authz', 'init');
  dockauth('user', 'add', USER, '--out', certs);
  dockauth('gateway', 'issue');
  const policy = join(state, 'policy.yaml');
  writeFileSync(policy, readFileSync(policy, 'utf8').replace("      - '^docker\\.io/library/(alpine|busybox|debian|ubuntu|python):'", "      - '^docker\\.io/library/(alpine|busybox|debian|ubuntu|python):'\n      - '^docker\\.io/dockauth-bench/busybox:'"));
  const port = await freePort();
  const engineDir = join(dir, 'engine');
  mkdirSync(engineDir);
  rootSocket = join(engineDir, 'docker.sock');
  const daemonJson = join(engineDir, 'daemon.json');
  dockauth('daemon', 'configure', '--daemon-json', daemonJson, '--tls-dir', ssl, '--listen', `tcp://127.0.0.1:${port}`,
    '--systemd-dropin', join(engineDir, 'dropin.conf'), '--systemd-unit', '/dev/null');
  const config = JSON.parse(readFileSync(daemonJson, 'utf8'));
  const pluginName = `dockauth-gwbench-${randomBytes(4).toString('hex')}`;
  config.hosts = [`unix://${rootSocket}`, `tcp://127.0.0.1:${port}`];
  config['authorization-plugins'] = [pluginName];
  writeFileSync(daemonJson, JSON.stringify(config));
  const audit = join(engineDir, 'audit.log');
  const owners = join(engineDir, 'owners.jsonl');
  const socket = `/run/docker/plugins/${pluginName}.sock`;
  start(process.execPath, [bin, '--dir', state, 'authz', 'serve', '--socket', socket, '--policy', policy, '--audit', audit, '--docker-socket', rootSocket,
    '--owners', owners, '--gateway-certificate', join(state, 'dockauth-gateway', 'cert.pem')], join(engineDir, 'plugin.log'));
  await wait(() => existsSync(socket), 'plugin');
  start('dockerd', ['--config-file', daemonJson, '--data-root', join(engineDir, 'data'), '--exec-root', join(engineDir, 'exec'), '--pidfile', join(engineDir, 'pid'),
    '--bridge=none', '--iptables=false', '--ip-masq=false'], join(engineDir, 'dockerd.log'));
  await wait(() => existsSync(rootSocket) && admin('version').status === 0, 'dockerd');
  const gatewayPort = await freePort();
  const gateway = start(process.execPath, [bin, '--dir', state, 'gateway', 'serve', '--listen', `tcp://127.0.0.1:${gatewayPort}`, '--upstream', `tcp://127.0.0.1:${port}`,
    '--tls-dir', ssl, '--policy', policy, '--audit', audit, '--docker-socket', rootSocket, '--plugin-owners', owners], join(engineDir, 'gateway.log'));
  await wait(async () => gateway.exitCode !== null || (await accepting(gatewayPort)), 'gateway');
  if (gateway.exitCode !== null) throw new Error(`the gateway did not start: ${readFileSync(join(engineDir, 'gateway.log'), 'utf8')}`);

  // The small image, and the big one: busybox-static and a file of random bytes, imported by the administrator.
  const rootfs = join(dir, 'rootfs');
  for (const sub of ['bin', 'etc']) mkdirSync(join(rootfs, sub), { recursive: true });
  execFileSync('cp', ['/bin/busybox', join(rootfs, 'bin/busybox')]);
  execFileSync('ln', ['-s', 'busybox', join(rootfs, 'bin/true')]);
  const imported = (name) => { const r = spawnSync('sh', ['-c', `tar -C ${rootfs} -c . | docker -H unix://${rootSocket} import - ${name}`], { encoding: 'utf8' }); if (r.status !== 0) throw new Error(`import ${name}: ${r.stderr}`); };
  imported(IMAGE);
  execFileSync('sh', ['-c', `head -c ${bigMiB}M /dev/urandom > ${join(rootfs, 'random.bin')}`]);
  imported(BIG);
  rmSync(rootfs, { recursive: true, force: true });
  const tls = { DOCKER_TLS_VERIFY: '1', DOCKER_CERT_PATH: join(certs, USER) };
  return {
    gateway: { label: 'gateway', env: { ...process.env, ...tls, DOCKER_HOST: `tcp://127.0.0.1:${gatewayPort}` } },
    direct: { label: 'direct', env: { ...process.env, ...tls, DOCKER_HOST: `tcp://127.0.0.1:${port}` } },
    rootSide: { label: 'root socket', env: { ...process.env, DOCKER_TLS_VERIFY: '', DOCKER_CERT_PATH: '', DOCKER_HOST: `unix://${rootSocket}` } },
  };
}

function docker(side, args) {
  const result = spawnSync('docker', args, { env: side.env, encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`docker ${args.join(' ')} (${side.label}): ${result.stderr}`);
  return result.stdout;
}

function timed(work) {
  const started = process.hrtime.bigint();
  work();
  return Number(process.hrtime.bigint() - started) / 1e6;
}

const [uid, gid] = readFileSync('/etc/passwd', 'utf8').split('\n').find((line) => line.startsWith(`${USER}:`)).split(':').slice(2, 4);
/** One round on one side: `docker ps`, then a container created and removed (the gateway fills in -u and no-new-privileges itself). */
function round(side) {
  const ps = timed(() => docker(side, ['ps']));
  const createRemove = timed(() => {
    const options = side.label === 'direct' ? ['-u', `${uid}:${gid}`, '--security-opt', 'no-new-privileges'] : [];
    const id = docker(side, ['create', ...options, IMAGE, 'true']).trim();
    docker(side, ['rm', id]);
  });
  return { ps, createRemove };
}

/** A shell command line as a side's docker CLI; its wall time (throws if it fails). */
function timedShell(side, command) {
  const started = process.hrtime.bigint();
  const result = spawnSync('sh', ['-c', command], { env: side.env, encoding: 'utf8' });
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  if (result.status !== 0) throw new Error(`${command} (${side.label}): ${result.stderr}`);
  return ms;
}
// Untimed between bulk transfers: what the last one left in the page cache goes to disk now, not during the next.
const settle = () => spawnSync('sync');

try {
  const { gateway, direct, rootSide } = await setUp();
  const sides = [gateway, direct];
  progress(`warm-up, then ${runs} rounds of ps and create+rm`);
  // Warm-up, discarded: a gateway and plugin in service have long since compiled their hot paths.
  for (let i = 0; i < 30; i++) for (const side of sides) round(side);
  const times = { gateway: { ps: [], createRemove: [] }, direct: { ps: [], createRemove: [] } };
  for (let i = 0; i < runs; i++) {
    for (let k = 0; k < sides.length; k++) {
      const side = sides[(i + k) % sides.length];
      const { ps, createRemove } = round(side);
      times[side.label].ps.push(ps);
      times[side.label].createRemove.push(createRemove);
    }
  }
  const paired = (what) => stats(times.gateway[what].map((time, i) => time / times.direct[what][i])).median;

  // docker save: to /dev/null, through the gateway, directly over TLS, and on the root socket.
  const archive = join(dir, 'big.tar');
  if (admin('save', '-o', archive, BIG).status !== 0) throw new Error('docker save on the root socket failed');
  const bytes = statSync(archive).size;
  progress(`${bigRuns} rounds of docker save and docker load of ${(bytes / 2 ** 20).toFixed(0)} MiB`);
  const saveSides = [gateway, direct, rootSide];
  const save = { gateway: [], direct: [], 'root socket': [] };
  for (let i = 0; i < bigRuns; i++) {
    for (let k = 0; k < saveSides.length; k++) {
      const side = saveSides[(i + k) % saveSides.length];
      settle();
      save[side.label].push(timedShell(side, `docker save ${BIG} > /dev/null`));
    }
  }
  // docker load of the same archive, the image removed before each (so every load stores its layer):
  // through the gateway, and on the root socket (the plugin refuses users' loads on dockerd's listener).
  const loadSides = [gateway, rootSide];
  const load = { gateway: [], 'root socket': [] };
  for (let i = 0; i < bigRuns; i++) {
    for (let k = 0; k < loadSides.length; k++) {
      const side = loadSides[(i + k) % loadSides.length];
      if (admin('rmi', BIG).status !== 0) throw new Error(`docker rmi ${BIG} before a load failed`);
      settle();
      load[side.label].push(timedShell(side, `docker load -q -i ${archive} > /dev/null`));
    }
  }
  const summary = (series) => ({ ...stats(series), mbPerSecond: stats(series.map((ms) => bytes / 1e6 / (ms / 1000))).median });
  // Throughput ratio per round: the other side's time over the gateway's.
  const throughput = (series, over, side = 'gateway') => stats(series[side].map((ms, i) => series[over][i] / ms)).median;
  console.log(JSON.stringify({
    runs,
    bigRuns,
    archiveBytes: bytes,
    gateway: { ps: stats(times.gateway.ps), createRemove: stats(times.gateway.createRemove) },
    direct: { ps: stats(times.direct.ps), createRemove: stats(times.direct.createRemove) },
    ratios: { ps: paired('ps'), createRemove: paired('createRemove') },
    save: { gateway: summary(save.gateway), direct: summary(save.direct), rootSocket: summary(save['root socket']) },
    load: { gateway: summary(load.gateway), rootSocket: summary(load['root socket']) },
    throughputRatios: { save: throughput(save, 'direct'), saveOverRootSocket: throughput(save, 'root socket'), load: throughput(load, 'root socket'), directOverRootSocket: throughput(save, 'root socket', 'direct') },
    times: { save, load },
  }));
} finally {
  await stopAll();
  rmSync(dir, { recursive: true, force: true });
}
