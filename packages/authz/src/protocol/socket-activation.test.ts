import { chmodSync, closeSync, openSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { join } from 'node:path';
import { checkInheritedSocket, listenFdFromEnvironment } from './socket-activation.js';
import { makeTempDir } from '../../../../test/support/temp.js';

describe('socket activation: what systemd passed', () => {
  test('LISTEN_FDS=1 for this very pid is fd 3; the variables are removed either way', () => {
    const env: NodeJS.ProcessEnv = { LISTEN_FDS: '1', LISTEN_PID: '4242', LISTEN_FDNAMES: 'dockauth-authz.socket', PATH: '/bin' };
    expect(listenFdFromEnvironment(env, 4242)).toBe(3);
    expect(env).toEqual({ PATH: '/bin' });
  });

  test('without LISTEN_FDS (or with 0) there is nothing inherited: the plugin makes its own socket, as before', () => {
    expect(listenFdFromEnvironment({}, 1)).toBeUndefined();
    expect(listenFdFromEnvironment({ LISTEN_FDS: '0', LISTEN_PID: '1' }, 1)).toBeUndefined();
  });

  test('sockets meant for another process, several sockets or a garbled count are refused, saying what to fix', () => {
    expect(() => listenFdFromEnvironment({ LISTEN_FDS: '1', LISTEN_PID: '99' }, 100)).toThrow(/LISTEN_PID=99 is not this process \(100\)/);
    expect(() => listenFdFromEnvironment({ LISTEN_FDS: '1' }, 100)).toThrow(/LISTEN_PID=\(unset\)/);
    expect(() => listenFdFromEnvironment({ LISTEN_FDS: '2', LISTEN_PID: '7' }, 7)).toThrow(/2 of them, and the plugin serves one/);
    expect(() => listenFdFromEnvironment({ LISTEN_FDS: 'x', LISTEN_PID: '7' }, 7)).toThrow(/LISTEN_FDS="x"/);
  });
});

describe('socket activation: the inherited socket is checked before it is served', () => {
  let temp: ReturnType<typeof makeTempDir>;
  const servers: Server[] = [];
  const listening = (where: string | { port: number; host: string }): Promise<number> =>
    new Promise((resolve) => {
      const server = createServer();
      servers.push(server);
      server.listen(where, () => resolve((server as unknown as { _handle: { fd: number } })._handle.fd));
    });
  beforeAll(() => (temp = makeTempDir()));
  afterAll(async () => {
    await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
    temp.cleanup();
  });

  test('a unix stream socket only its owner can reach is served; its path is named', async () => {
    const path = join(temp.dir, 'plugin.sock');
    const fd = await listening(path);
    chmodSync(path, 0o600);
    expect(checkInheritedSocket(fd)).toBe(path);
  });

  test('a socket others could connect to is refused: whoever calls the plugin can feed it forged responses', async () => {
    const path = join(temp.dir, 'open.sock');
    const fd = await listening(path);
    chmodSync(path, 0o666);
    expect(() => checkInheritedSocket(fd)).toThrow(/open\.sock is mode 0666, owner uid \d+, so others could talk to the plugin/);
  });

  test('an abstract socket, a TCP socket and a file are refused', async () => {
    const abstract = await listening(`\0dockauth-test-${process.pid}`);
    expect(() => checkInheritedSocket(abstract)).toThrow(/abstract socket, which anyone may connect to/);
    const tcp = await listening({ port: 0, host: '127.0.0.1' });
    expect(() => checkInheritedSocket(tcp)).toThrow(/not a unix socket/);
    writeFileSync(join(temp.dir, 'file'), '');
    const file = openSync(join(temp.dir, 'file'), 'r');
    try {
      expect(() => checkInheritedSocket(file)).toThrow(/file descriptor \d+ as the plugin's socket: it is not a socket/);
    } finally {
      closeSync(file);
    }
  });
});
