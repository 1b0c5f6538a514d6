import { spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { closed, heldSocket, spawnActivated, untilListening } from '../support/socket-activation.js';
import { makeTempDir } from '../support/temp.js';
import { createUser, removeUser, type LocalUser } from '../support/users.js';
import { asUser, e2eSkipReason, finishHost, prepareHost, startEngine, type Engine } from './engine.js';
import { engineBuild } from './engines.js';

const IMAGE = 'dockauth-test/busybox:latest';
// More for a soak: DOCKAUTH_PLUGIN_RESTARTS=20.
const RESTARTS = Number(process.env.DOCKAUTH_PLUGIN_RESTARTS ?? 3);

/**
 * The plugin restarted under a real dockerd, socket-activated as dockauth-authz.socket runs it:
 * this process holds the plugin's socket (systemd's part), and each plugin inherits it as fd 3.
 * A real user runs `docker ps` in a loop meanwhile; every one must succeed, none may wait long.
 * One describe per engine build; a missing engine is skipped with its reason (or fails under
 * DOCKAUTH_E2E=required), as in the end-to-end suite.
 */
describe.each(['bookworm', 'trixie', 'sid'])('the plugin restarts under dockerd (%s) without losing a request', (suite) => {
  const build = engineBuild(suite);
  const named = (title: string): string => `dockerd ${build.name}: ${title}`;
  const skip = e2eSkipReason(build);
  if (skip && process.env.DOCKAUTH_E2E === 'required') {
    test(named('the plugin restart test can run (DOCKAUTH_E2E=required)'), () => {
      throw new Error(`cannot run on dockerd ${build.name} (Debian ${build.suite}): ${skip}`);
    });
    return;
  }
  if (skip) {
    test.skip(named(`plugin restarts (skipped: ${skip})`), () => undefined);
    return;
  }

  let temp: ReturnType<typeof makeTempDir>;
  let engine: Engine;
  let user: LocalUser;
  let profile: string;
  let held: ReturnType<typeof heldSocket>;
  let plugin: ChildProcess | undefined;
  let pluginArgs: string[];

  /** A plugin on the held socket, as systemd starts dockauth-authz.service. */
  const startPlugin = async (): Promise<ChildProcess> => {
    const child = spawnActivated(held.fd, pluginArgs);
    await untilListening(child);
    return child;
  };

  beforeAll(async () => {
    temp = makeTempDir('darestart-');
    chmodSync(temp.dir, 0o755);
    const host = prepareHost(temp.dir);
    user = createUser('e2r');
    host.ok(['user', 'add', user.name]);
    const policyText = host.policyTemplate.replace(
      "      - '^docker\\.io/library/(alpine|busybox|debian|ubuntu|python):'",
      "      - '^docker\\.io/library/(alpine|busybox|debian|ubuntu|python):'\n      - '^docker\\.io/dockauth-test/busybox:'",
    );
    engine = await startEngine({ build, dir: temp.dir, state: host.state, policyText, label: 'restart' });
    profile = finishHost(engine, temp.dir, host.ok, IMAGE);
    // The harness started its plugin on a socket of its own; the same plugin (same arguments, same
    // socket path, which is how dockerd finds it) now runs socket-activated instead.
    pluginArgs = engine.plugin.child.spawnargs.slice(2);
    await engine.plugin.stop();
    held = heldSocket(engine.pluginSocket);
    plugin = await startPlugin();
  }, 240_000);

  afterAll(async () => {
    // dockerd asks the plugin about the harness's own clean-up: stop dockerd first.
    await engine?.stop();
    if (plugin) {
      plugin.kill('SIGTERM');
      await closed(plugin);
    }
    held?.close();
    if (user) removeUser(user);
    temp?.cleanup();
  }, 120_000);

  test(named(`a user's docker ps loop while the plugin is restarted ${RESTARTS} times: every one succeeds`), async () => {
    expect(asUser(user.name, profile, 'docker ps -q', {}, build)).toMatchObject({ status: 0 });
    const stop = join(temp.dir, 'stop-loop');
    // Each line: the exit status of one `docker ps` and how long it took, in ms.
    const loop = `while [ ! -e ${stop} ]; do s=$(date +%s%N); docker ps -q >/dev/null; r=$?; e=$(date +%s%N); echo "$r $(( (e - s) / 1000000 ))"; done`;
    // asUser's login shell, started without waiting for it (asUser itself waits), so the plugin can be restarted meanwhile.
    const shell = spawn('su', ['-', user.name, '-s', '/bin/sh', '-c', `. ${profile}; export PATH='${build.docker.replace(/\/docker$/, '')}':"$PATH"; ${loop}`], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    shell.stdout?.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    shell.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const pause = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
    const restarts: number[] = [];
    try {
      for (let round = 0; round < RESTARTS; round++) {
        await pause(1000);
        const begin = Date.now();
        (plugin as ChildProcess).kill('SIGTERM');
        expect(await closed(plugin as ChildProcess)).toBe(0);
        plugin = undefined;
        plugin = await startPlugin();
        restarts.push(Date.now() - begin);
      }
      await pause(1500);
    } finally {
      writeFileSync(stop, '');
      await closed(shell);
    }
    const runs = stdout.trim().split('\n').filter(Boolean).map((line) => line.split(' ').map(Number) as [number, number]);
    const waits = runs.map(([, ms]) => ms);
    const longest = Math.max(...waits);
    const median = [...waits].sort((a, b) => a - b)[Math.floor(waits.length / 2)] as number;
    const failed = runs.filter(([status]) => status !== 0).length;
    // dockerd's plugin client logs each failed attempt before it retries (after 1 s, 2 s, …).
    const retries = readFileSync(join(engine.dir, 'dockerd.log'), 'utf8').split('\n').filter((line) => line.includes('Unable to connect to plugin'));
    console.log(
      `dockerd ${build.name}: ${runs.length} docker ps over ${RESTARTS} plugin restarts (${restarts.join(', ')} ms from SIGTERM to listening): ` +
        `${failed} failed, ${retries.length} retried by dockerd; median ${median} ms, longest ${longest} ms`,
    );
    expect({ failed, stderr, retries }).toEqual({ failed: 0, stderr: '', retries: [] });
    expect(runs.length).toBeGreaterThan(RESTARTS * 3);
    // A docker ps plus one plugin start (under a second here), never dockerd's retries (1 s, 2 s, … ~30 s, then refused).
    expect(longest).toBeLessThan(3000);
  }, 180_000);
});
