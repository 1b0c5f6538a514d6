import { execFileSync, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import { dirname, join } from 'node:path';
import { DOCKAUTH_BIN, dockauth } from '../support/dockauth.js';
import { engineBuild, type EngineBuild } from './engines.js';

/** The engine a caller that names none gets: Debian 12's docker.io, installed by apt. */
const SYSTEM_SUITE = 'bookworm';

/**
 * Why an end-to-end suite cannot run here on `build` (by default the system's engine), or
 * undefined when it can: first what the host lacks, then what the build lacks (engines.ts).
 */
export function e2eSkipReason(build: EngineBuild = engineBuild(SYSTEM_SUITE)): string | undefined {
  return hostSkipReason() ?? build.skip;
}

function hostSkipReason(): string | undefined {
  if (process.geteuid?.() !== 0) return 'needs root (to run dockerd and create local users)';
  for (const tool of ['useradd', 'su']) {
    if (spawnSync('sh', ['-c', `command -v ${tool}`]).status !== 0) return `${tool} is not installed (apt-get install -y passwd util-linux)`;
  }
  const ldd = spawnSync('ldd', ['/bin/busybox'], { encoding: 'utf8' });
  if (!existsSync('/bin/busybox') || !`${ldd.stdout}${ldd.stderr}`.includes('not a dynamic executable')) {
    return 'static busybox is not installed (apt-get install -y busybox-static)';
  }
  return undefined;
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

export async function waitFor(what: string, check: () => boolean, timeoutMs = 30_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    if (check()) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`timed out waiting for ${what}`);
}

/** A process started by the harness, stopped by its process group (and killed if it will not stop). */
export class Managed {
  constructor(
    readonly name: string,
    readonly child: ChildProcess,
    readonly log: string,
  ) {}

  get alive(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  async stop(): Promise<void> {
    if (!this.alive || this.child.pid === undefined) return;
    const exited = new Promise((resolve) => this.child.once('exit', resolve));
    try {
      process.kill(-this.child.pid, 'SIGTERM');
    } catch {
      return;
    }
    const timer = setTimeout(() => {
      try {
        process.kill(-(this.child.pid as number), 'SIGKILL');
      } catch {
        // gone
      }
    }, 20_000);
    await exited;
    clearTimeout(timer);
  }
}

export function startManaged(name: string, command: string, args: string[], log: string, env: NodeJS.ProcessEnv = process.env): Managed {
  const fd = openSync(log, 'a');
  const child = spawn(command, args, { detached: true, stdio: ['ignore', fd, fd], env });
  return new Managed(name, child, log);
}

/** PATH with a build's own directories first, so its dockerd and CLI find their own helpers. */
function pathFor(build: EngineBuild): string {
  return [build.binDir, process.env.PATH ?? '/usr/sbin:/usr/bin:/sbin:/bin'].filter(Boolean).join(':');
}

export interface Engine {
  build: EngineBuild;
  dir: string;
  state: string;
  port: number;
  dockerHost: string;
  rootSocket: string;
  pluginName: string;
  pluginSocket: string;
  audit: string;
  policy: string;
  dockerd: Managed;
  plugin: Managed;
  /** The engine's own docker CLI against the root socket: the administrator. */
  admin(args: string[]): { status: number; stdout: string; stderr: string };
  stop(): Promise<void>;
}

/**
 * A private dockerd configured by `dockauth daemon configure`, with its hosts
 * rewritten to a private unix socket and TCP on 127.0.0.1, private data and exec
 * roots, no bridge and no iptables — it touches no address but loopback — and
 * the plugin run by `dockauth authz serve` on a socket of its own.
 */
export async function startEngine(options: { build?: EngineBuild; dir: string; state: string; usernsRemap?: string; policyText: string; label: string; pluginArgs?: string[] }): Promise<Engine> {
  const build = options.build ?? engineBuild(SYSTEM_SUITE);
  if (build.skip) throw new Error(`dockerd ${build.name} (${build.suite}) cannot run here: ${build.skip}`);
  const dir = join(options.dir, options.label);
  mkdirSync(dir, { recursive: true });
  const port = await freePort();
  const pluginName = `dockauth-e2e-${randomBytes(4).toString('hex')}`;
  const pluginSocket = `/run/docker/plugins/${pluginName}.sock`;
  const rootSocket = join(dir, 'docker.sock');
  const ssl = join(options.dir, 'ssl');
  const daemonJson = join(dir, 'daemon.json');
  const unit = join(dir, 'docker.service');
  writeFileSync(unit, `[Service]\nExecStart=${build.dockerd}\n`);
  // With the build's directories first on PATH, configure validates with this very dockerd (23+).
  const env = { PATH: pathFor(build) };
  const configured = dockauth(['--dir', options.state, '--json', 'daemon', 'configure', '--daemon-json', daemonJson, '--tls-dir', ssl,
    '--listen', `tcp://127.0.0.1:${port}`, '--systemd-dropin', join(dir, 'dropin.conf'), '--systemd-unit', unit,
    ...(options.usernsRemap ? ['--userns-remap', options.usernsRemap] : [])], { env });
  if (configured.status !== 0) throw new Error(`daemon configure failed: ${configured.stderr}`);
  const config = JSON.parse(readFileSync(daemonJson, 'utf8')) as Record<string, unknown>;
  // The harness's own rewrites: a private socket instead of the system's, this run's plugin name.
  config.hosts = [`unix://${rootSocket}`, `tcp://127.0.0.1:${port}`];
  config['authorization-plugins'] = [pluginName];
  writeFileSync(daemonJson, JSON.stringify(config, null, 2));
  const policy = join(dir, 'policy.yaml');
  writeFileSync(policy, options.policyText);
  const audit = join(dir, 'audit.log');

  const plugin = startManaged('plugin', process.execPath, [DOCKAUTH_BIN, '--dir', options.state, 'authz', 'serve', '--socket', pluginSocket,
    '--policy', policy, '--audit', audit, '--docker-socket', rootSocket, '--owners', join(dir, 'owners.jsonl'), ...(options.pluginArgs ?? [])], join(dir, 'plugin.log'));
  await waitFor('the plugin socket', () => existsSync(pluginSocket));
  const dockerd = startManaged('dockerd', build.dockerd, ['--config-file', daemonJson, '--data-root', join(dir, 'data'), '--exec-root', join(dir, 'exec'),
    '--pidfile', join(dir, 'dockerd.pid'), '--bridge=none', '--iptables=false', '--ip-masq=false'], join(dir, 'dockerd.log'), { ...process.env, ...env });
  const admin = (args: string[]): { status: number; stdout: string; stderr: string } => {
    const result = spawnSync(build.docker, ['-H', `unix://${rootSocket}`, ...args], { encoding: 'utf8', env: { ...process.env, DOCKER_HOST: undefined, DOCKER_CONTEXT: undefined } });
    return { status: result.status ?? -1, stdout: result.stdout, stderr: result.stderr };
  };
  try {
    await waitFor('dockerd', () => existsSync(rootSocket) && admin(['version', '--format', '{{.Server.Version}}']).status === 0, 60_000);
  } catch (error) {
    await plugin.stop();
    await dockerd.stop();
    throw new Error(`dockerd ${build.name} (${build.dockerd}): ${(error as Error).message}\n${readFileSync(join(dir, 'dockerd.log'), 'utf8').split('\n').slice(-20).join('\n')}`);
  }
  return {
    build,
    dir,
    state: options.state,
    port,
    dockerHost: `tcp://127.0.0.1:${port}`,
    rootSocket,
    pluginName,
    pluginSocket,
    audit,
    policy,
    dockerd,
    plugin,
    admin,
    async stop() {
      for (const id of admin(['ps', '-aq']).stdout.split('\n').filter(Boolean)) admin(['rm', '-f', id]);
      await dockerd.stop();
      await plugin.stop();
      spawnSync('sh', ['-c', `grep -o ' ${dir}[^ ]*' /proc/mounts | sort -r | xargs -r -n1 umount -l`]);
    },
  };
}

/** A root filesystem holding the static busybox, imported without any registry; `changes` as for `docker import --change`. */
export function importTestImage(engine: Engine, name: string, changes: string[] = []): void {
  const rootfs = mkdtempSync(join(engine.dir, 'rootfs-'));
  for (const dir of ['bin', 'etc', 'tmp']) mkdirSync(join(rootfs, dir));
  chmodSync(join(rootfs, 'tmp'), 0o1777);
  execFileSync('cp', ['/bin/busybox', join(rootfs, 'bin', 'busybox')]);
  for (const applet of ['sh', 'id', 'ls', 'cat', 'touch', 'echo', 'sleep', 'stat', 'mkdir', 'true']) execFileSync('ln', ['-s', 'busybox', join(rootfs, 'bin', applet)]);
  writeFileSync(join(rootfs, 'etc', 'passwd'), 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/:/bin/sh\n');
  writeFileSync(join(rootfs, 'etc', 'group'), 'root:x:0:\nnogroup:x:65534:\n');
  const tar = spawnSync('tar', ['-C', rootfs, '-c', '.'], { maxBuffer: 64 * 1024 * 1024 });
  const imported = spawnSync(engine.build.docker, ['-H', `unix://${engine.rootSocket}`, 'import', ...changes.flatMap((change) => ['--change', change]), '-', name], { input: tar.stdout, encoding: 'utf8' });
  if (imported.status !== 0) throw new Error(`docker import failed: ${imported.stderr}`);
  rmSync(rootfs, { recursive: true, force: true });
}

/**
 * Sends one hand-made HTTP request to the engine's TLS port with a user's certificate (from their
 * ~/.docker, as `dockauth user add` installed it): for requests the docker CLI would never send.
 * Resolves to the status line and body of the answer; a connection dockerd closes while the body is
 * still being written (it answered early) still resolves, with what arrived.
 */
export function rawTlsRequest(engine: Engine, home: string, head: string, body: Buffer): Promise<{ status: string; body: string }> {
  const file = (name: string): Buffer => readFileSync(join(home, '.docker', name));
  return new Promise((resolve) => {
    let text = '';
    const socket = tlsConnect({ host: '127.0.0.1', port: engine.port, servername: 'localhost', ca: file('ca.pem'), cert: file('cert.pem'), key: file('key.pem') }, () => {
      socket.write(head);
      socket.end(body);
    });
    socket.setTimeout(30_000, () => socket.destroy());
    socket.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
    socket.on('error', () => undefined); // EPIPE/ECONNRESET after an early answer: what arrived is the answer
    socket.on('close', () => {
      const [headers = '', rest = ''] = text.split('\r\n\r\n', 2);
      resolve({ status: headers.split('\r\n')[0] ?? '', body: rest });
    });
  });
}

/**
 * Runs a command as a local user in a login shell that sources the profile.d script, with the real
 * docker CLI. With `build`, `docker` in the command is that engine's own CLI: its directory goes
 * first on PATH after the login shell has set PATH (where /usr/local/bin, with whatever docker
 * happens to be there, would otherwise win).
 */
export function asUser(user: string, profile: string, command: string, env: Record<string, string> = {}, build?: EngineBuild): { status: number; stdout: string; stderr: string } {
  const exports = Object.entries(env).map(([key, value]) => `export ${key}='${value}'; `).join('');
  const path = build ? `export PATH='${dirname(build.docker)}':"$PATH"; ` : '';
  const result = spawnSync('su', ['-', user, '-s', '/bin/sh', '-c', `${exports}. ${profile}; ${path}${command}`], { encoding: 'utf8', timeout: 120_000 });
  return { status: result.status ?? -1, stdout: result.stdout.trim(), stderr: result.stderr.trim() };
}

/** Runs dockauth on the state directory and returns its stdout; any failure stops the setup. */
export function dockauthOk(state: string): (args: string[]) => string {
  return (args) => {
    const result = dockauth(['--dir', state, ...args]);
    if (result.status !== 0) throw new Error(`dockauth ${args.join(' ')}: ${result.stderr}`);
    return result.stdout;
  };
}

/** What a sysadmin does before starting the engine: the CA, the daemon's certificate, the bundled policy. */
export function prepareHost(dir: string): { state: string; ok: (args: string[]) => string; policyTemplate: string } {
  const state = join(dir, 'state');
  const ok = dockauthOk(state);
  ok(['ca', 'init', '--cn', 'E2E CA']);
  ok(['server', 'issue', '--host', 'localhost', '--ip', '127.0.0.1', '--out', join(dir, 'ssl')]);
  ok(['authz', 'init']);
  return { state, ok, policyTemplate: readFileSync(join(state, 'policy.yaml'), 'utf8') };
}

/** And after: the login script users source, and the test image. Returns the script's path. */
export function finishHost(engine: Engine, dir: string, ok: (args: string[]) => string, image: string): string {
  ok(['profile-d', '--out', join(dir, 'profile.d'), '--docker-host', engine.dockerHost]);
  importTestImage(engine, image);
  return join(dir, 'profile.d', 'dockauth.sh');
}
