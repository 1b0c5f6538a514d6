import { connect } from 'node:net';
import { join } from 'node:path';
import { createPluginHttpServer, MAX_REQUEST_BODY, type PluginHttpServer } from './plugin-http.js';
import { makeTempDir } from '../../../../test/support/temp.js';

/** Writes raw bytes (in the pieces given, one write each) and collects everything until the server closes or `until` says enough. */
function exchange(socketPath: string, pieces: Array<string | Buffer>, until: (text: string) => boolean = () => false): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(socketPath);
    let text = '';
    socket.on('data', (chunk: Buffer) => {
      text += chunk.toString('latin1');
      if (until(text)) socket.destroy();
    });
    socket.on('close', () => resolve(text));
    socket.on('error', reject);
    socket.on('connect', async () => {
      for (const piece of pieces) {
        socket.write(piece);
        await new Promise((wait) => setTimeout(wait, 5));
      }
    });
  });
}

const post = (path: string, body: string, extra = ''): string => `POST ${path} HTTP/1.1\r\nHost: plugin\r\n${extra}Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`;
const responses = (text: string): number => (text.match(/HTTP\/1\.1 /g) ?? []).length;

describe('the plugin socket speaks the part of HTTP/1.1 dockerd uses, and refuses the rest', () => {
  let temp: ReturnType<typeof makeTempDir>;
  let server: PluginHttpServer;
  let socketPath: string;
  const errors: Error[] = [];

  beforeAll(async () => {
    temp = makeTempDir();
    socketPath = join(temp.dir, 'plugin.sock');
    // Echoes the call back, answering "/slow" later than the others: answers must still come in order.
    server = createPluginHttpServer((path, body) => {
      const reply = { status: 200, body: { path, body: body.toString('utf8') } };
      if (path === '/throws') throw new Error('handler failed');
      return path === '/slow' ? new Promise((resolve) => setTimeout(() => resolve(reply), 50)) : reply;
    }, (error) => errors.push(error));
    await server.listen(socketPath);
  });
  afterAll(async () => {
    await server.close();
    temp.cleanup();
  });

  test('a request split across many small writes is read whole', async () => {
    const request = post('/AuthZPlugin.AuthZReq', '{"User":"alice"}');
    const text = await exchange(socketPath, [...request].map((char) => char), (seen) => seen.endsWith('}'));
    expect(text).toMatch(/^HTTP\/1\.1 200 OK\r\nContent-Type: application\/vnd\.docker\.plugins\.v1\+json\r\nContent-Length: \d+\r\n\r\n/);
    expect(JSON.parse(text.slice(text.indexOf('\r\n\r\n') + 4))).toEqual({ path: '/AuthZPlugin.AuthZReq', body: '{"User":"alice"}' });
  });

  test('pipelined requests are answered one at a time, in order, even when the first is slower', async () => {
    const text = await exchange(socketPath, [post('/slow', 'one') + post('/fast', 'two') + post('/fast', 'three')], (seen) => responses(seen) === 3 && seen.endsWith('}'));
    const bodies = text.split(/HTTP\/1\.1 200 OK\r\n[^]*?\r\n\r\n/).filter(Boolean).map((body) => JSON.parse(body).body);
    expect(bodies).toEqual(['one', 'two', 'three']);
  });

  test('the connection stays open between calls, and closes after "Connection: close"', async () => {
    const text = await exchange(socketPath, [post('/a', '1'), post('/b', '2', 'Connection: close\r\n')]);
    expect(responses(text)).toBe(2);
    expect(text).toContain('Connection: close\r\n');
  });

  test.each([
    ['chunked transfer coding', 'POST /x HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n', 501],
    ['two different Content-Lengths', 'POST /x HTTP/1.1\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nab', 400],
    ['a Content-Length that is not a number', 'POST /x HTTP/1.1\r\nContent-Length: 1e3\r\n\r\n', 400],
    ['a folded header line', 'POST /x HTTP/1.1\r\nContent-Length: 1\r\n  continued\r\n\r\na', 400],
    ['a space before the colon', 'POST /x HTTP/1.1\r\nContent-Length : 1\r\n\r\na', 400],
    ['another method', 'GET /x HTTP/1.1\r\n\r\n', 405],
    ['a request line that is not HTTP', 'HELLO\r\n\r\n', 400],
    ['Expect: 100-continue', 'POST /x HTTP/1.1\r\nExpect: 100-continue\r\nContent-Length: 1\r\n\r\n', 417],
    ['a body over the limit', `POST /x HTTP/1.1\r\nContent-Length: ${MAX_REQUEST_BODY + 1}\r\n\r\n`, 413],
  ])('%s is refused: the status for it, an error, a closed connection', async (_what, raw, status) => {
    const text = await exchange(socketPath, [raw]);
    expect(text.startsWith(`HTTP/1.1 ${status} `)).toBe(true);
    expect(text).toContain('Connection: close\r\n');
    expect(JSON.parse(text.slice(text.indexOf('\r\n\r\n') + 4)).Err).toEqual(expect.any(String));
    expect(responses(text)).toBe(1);
  });

  test('a head over 64 KiB is refused, whether it never ends or ends in the same write', async () => {
    const filler = `X-Filler: ${'a'.repeat(70 * 1024)}`;
    for (const pieces of [['POST /x HTTP/1.1\r\n', filler], [`POST /x HTTP/1.1\r\n${filler}\r\nContent-Length: 0\r\n\r\n`]]) {
      expect((await exchange(socketPath, pieces)).startsWith('HTTP/1.1 400 ')).toBe(true);
    }
  });

  test('a handler that throws gets a 500 the client can see, and the error is reported', async () => {
    const text = await exchange(socketPath, [post('/throws', '{}')], (seen) => seen.endsWith('}'));
    expect(text.startsWith('HTTP/1.1 500 ')).toBe(true);
    expect(errors.map((error) => error.message)).toContain('handler failed');
  });

  test('close() ends idle keep-alive connections instead of waiting for them', async () => {
    const other = createPluginHttpServer(() => ({ status: 200, body: {} }), () => undefined);
    const path = join(temp.dir, 'other.sock');
    await other.listen(path);
    const idle = connect(path);
    await new Promise((resolve) => idle.on('connect', resolve));
    const closed = new Promise((resolve) => idle.on('close', resolve));
    await other.close();
    await closed;
  });
});

describe('large calls', () => {
  test('a body over the large-body size reaches the handler as its head and its length, and the connection stays in step', async () => {
    const { createPluginHttpServer, KEPT_OF_LARGE } = await import('./plugin-http.js');
    const { makeTempDir } = await import('../../../../test/support/temp.js');
    const { connect } = await import('node:net');
    const temp = makeTempDir();
    const seen: Array<[number, number]> = [];
    const http = createPluginHttpServer((_path, body, length) => (seen.push([body.length, length]), { status: 200, body: { ok: true } }), () => undefined, 1000);
    const socket = `${temp.dir}/p.sock`;
    await http.listen(socket);
    try {
      const big = 'y'.repeat(50_000);
      const call = (body: string): string => `POST /AuthZPlugin.AuthZReq HTTP/1.1\r\nHost: p\r\nContent-Length: ${body.length}\r\n\r\n${body}`;
      const replies = await new Promise<string>((resolve) => {
        const client = connect(socket);
        let text = '';
        client.on('data', (chunk) => {
          text += chunk.toString();
          if (text.split('HTTP/1.1 200').length === 3) {
            client.destroy();
            resolve(text);
          }
        });
        client.write(call(big) + call('{"small":1}'));
      });
      expect(replies.split('HTTP/1.1 200 OK')).toHaveLength(3);
      expect(seen).toEqual([[KEPT_OF_LARGE, 50_000], [11, 11]]);
    } finally {
      await http.close();
      temp.cleanup();
    }
  });
});

describe('fair scheduling', () => {
  test('one user\'s decisions run one at a time; another user\'s are not held behind them', async () => {
    const { PerKeyQueue, peekRequest } = await import('./fair-scheduling.js');
    const queue = new PerKeyQueue();
    const order: string[] = [];
    let release: () => void = () => undefined;
    const slow = queue.run('bob', () => new Promise<void>((resolve) => (release = () => (order.push('bob 1'), resolve()))));
    const bobAgain = queue.run('bob', async () => void order.push('bob 2'));
    await queue.run('alice', async () => void order.push('alice'));
    release();
    await Promise.all([slow, bobAgain]);
    expect(order).toEqual(['alice', 'bob 1', 'bob 2']);
    expect(peekRequest(Buffer.from('{"User":"al\\u0069ce","UserAuthNMethod":"TLS","RequestMethod":"POST","RequestUri":"/v1.41/containers/create","RequestBody":"x"}'))).toEqual({ tls: true, user: 'alice', method: 'POST', uri: '/v1.41/containers/create' });
    expect(peekRequest(Buffer.from('{"UserAuthNMethod":"TLS","RequestMethod":"GET"}'))).toMatchObject({ tls: true, user: '' });
    expect(peekRequest(Buffer.from('{"RequestMethod":"GET","RequestUri":"/_ping"}'))).toMatchObject({ tls: false });
  });
});
