import { request } from 'node:http';
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { dockauth } from '../support/dockauth.js';
import { closed, heldSocket, spawnActivated, untilListening } from '../support/socket-activation.js';
import { makeTempDir } from '../support/temp.js';

/** What dockerd sends for `docker ps` on its root socket (no TLS): the administrator's, allowed. */
const AUTHZ_REQ = JSON.stringify({ User: '', UserAuthNMethod: '', RequestMethod: 'GET', RequestURI: '/v1.43/containers/json', RequestHeaders: {} });

/** One AuthZReq on a connection of its own; resolves with the answer's body, rejects on any failure. */
function authzOnNewConnection(socketPath: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = request({ socketPath, path: '/AuthZPlugin.AuthZReq', method: 'POST', agent: false, headers: { 'Content-Type': 'application/json' } }, (res) => {
      let text = '';
      res.on('data', (chunk: Buffer) => (text += chunk.toString()));
      res.on('end', () => (res.statusCode === 200 ? resolve(text) : reject(new Error(`status ${res.statusCode}: ${text}`))));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(AUTHZ_REQ);
  });
}

describe('authz serve on a socket it inherits (systemd socket activation, emulated)', () => {
  let temp: ReturnType<typeof makeTempDir>;
  let state: string;
  let socket: string;
  let held: ReturnType<typeof heldSocket>;
  const args = (): string[] => ['--dir', state, 'authz', 'serve', '--socket', socket, '--audit', 'none', '--owners', join(temp.dir, 'owners.jsonl')];

  beforeAll(() => {
    temp = makeTempDir();
    state = join(temp.dir, 'state');
    expect(dockauth(['--dir', state, 'ca', 'init']).status).toBe(0);
    expect(dockauth(['--dir', state, 'authz', 'init']).status).toBe(0);
    socket = join(temp.dir, 'dockauth.sock');
    held = heldSocket(socket);
  });
  afterAll(() => {
    held?.close();
    temp?.cleanup();
  });

  test('restarted three times while clients keep asking on new connections: no request fails, and none waits long', async () => {
    let plugin = spawnActivated(held.fd, args());
    expect(await untilListening(plugin)).toContain(`listening on ${socket} (from systemd, fd 3)`);

    let running = true;
    const failures: string[] = [];
    const waits: number[] = [];
    const client = async (): Promise<void> => {
      while (running) {
        const start = process.hrtime.bigint();
        try {
          expect(JSON.parse(await authzOnNewConnection(socket))).toEqual({ Allow: true });
        } catch (error) {
          failures.push((error as Error).message);
        }
        waits.push(Number(process.hrtime.bigint() - start) / 1e6);
      }
    };
    const clients = [client(), client(), client(), client()];
    const pause = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
    const restarts: number[] = [];
    try {
      for (let round = 0; round < 3; round++) {
        await pause(300);
        const begin = Date.now();
        plugin.kill('SIGTERM');
        expect(await closed(plugin)).toBe(0);
        // The socket is systemd's: still there, still 0600, after the plugin exits.
        expect(existsSync(socket) && (statSync(socket).mode & 0o777).toString(8)).toBe('600');
        plugin = spawnActivated(held.fd, args());
        await untilListening(plugin);
        restarts.push(Date.now() - begin);
      }
      await pause(300);
    } finally {
      running = false;
      await Promise.all(clients);
      plugin.kill('SIGTERM');
      await closed(plugin);
    }
    const longest = Math.max(...waits);
    const median = [...waits].sort((a, b) => a - b)[Math.floor(waits.length / 2)] as number;
    console.log(`${waits.length} requests over 3 restarts (${restarts.join(', ')} ms from SIGTERM to listening): ${failures.length} failed; median ${median.toFixed(1)} ms, longest wait ${longest.toFixed(0)} ms`);
    expect(failures).toEqual([]);
    expect(waits.length).toBeGreaterThan(100);
    // The longest wait is the restart itself (a node start), far below dockerd's ~30 s of retries.
    expect(longest).toBeLessThan(Math.max(...restarts) + 1000);
  }, 120_000);

  test('LISTEN_FDS meant for another process is refused, and the socket is left alone', async () => {
    const { spawn } = await import('node:child_process');
    const { DOCKAUTH_BIN } = await import('../support/dockauth.js');
    const child = spawn(process.execPath, [DOCKAUTH_BIN, ...args()], { stdio: ['ignore', 'pipe', 'pipe', held.fd], env: { ...process.env, LISTEN_FDS: '1', LISTEN_PID: '1' } });
    let stderr = '';
    child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    expect(await closed(child)).toBe(1);
    expect(stderr).toContain('LISTEN_PID=1 is not this process');
    expect(existsSync(socket)).toBe(true);
  });
});
