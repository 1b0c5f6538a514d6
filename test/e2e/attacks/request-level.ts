import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { connect as tlsConnect } from 'node:tls';
import { API, IMAGE, type AttackContext, type ApiResult } from './context.js';
import { hex, runAsync } from './run.js';

/** Class 8: request-level hardening (CVE-2024-41110 and its relatives): what the plugin sees of a request versus what dockerd acts on. */
export function describeRequestLevel(ctx: AttackContext): void {
  const { api, expectNoNewContainer } = ctx;
  describe('8. request-level hardening (CVE-2024-41110 and its relatives)', () => {
    /** A create dockerd would carry out: alice's own uid, no-new-privileges, her label — and privileged with / bound. */
    const attackBody = (padding = 0): string =>
      JSON.stringify({
        Image: IMAGE,
        Cmd: ['true'],
        User: `${ctx.alice.uid}:${ctx.alice.gid}`,
        Labels: { 'dockauth.owner': ctx.alice.name, ...(padding > 0 ? { pad: 'x'.repeat(padding) } : {}) },
        HostConfig: { Privileged: true, Binds: ['/:/host'], SecurityOpt: ['no-new-privileges'] },
      });
    const create = (headers: string[], body: string, query = ''): Promise<ApiResult> =>
      expectNoNewContainer(() => api(ctx.alice, 'POST', `${API}/containers/create?name=${ctx.alice.name}-req-${hex()}${query}`, { headers, body }));
    const over1MiB = 1_100_000;

    test('a body over 1 MiB with Content-Length: no container', async () => {
      const result = await create(['Content-Type: application/json'], attackBody(over1MiB));
      expect(result.code).toBeGreaterThanOrEqual(400);
    });

    test('a body over 1 MiB, chunked: no container', async () => {
      const result = await create(['Content-Type: application/json', 'Transfer-Encoding: chunked'], attackBody(over1MiB));
      expect(result.code).toBeGreaterThanOrEqual(400);
    });

    test('a small body, chunked: no container', async () => {
      const result = await create(['Content-Type: application/json', 'Transfer-Encoding: chunked'], attackBody());
      expect(result.code).toBeGreaterThanOrEqual(400);
    });

    test('Content-Length: 0 followed by the body on a raw TLS connection: no container', async () => {
      const body = attackBody();
      const name = `${ctx.alice.name}-cl0-${hex()}`;
      const request = `POST ${API}/containers/create?name=${name} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 0\r\n\r\n${body}`;
      const answer = await expectNoNewContainer(
        () =>
          new Promise<string>((resolve) => {
            const docker = join(ctx.alice.home, '.docker');
            let received = '';
            const socket = tlsConnect(
              { host: '127.0.0.1', port: ctx.engine.port, servername: 'localhost', cert: readFileSync(join(docker, 'cert.pem')), key: readFileSync(join(docker, 'key.pem')), ca: readFileSync(join(docker, 'ca.pem')) },
              () => socket.write(request),
            );
            // dockerd may wait for the rest of a "next request" that never ends: stop 1.5 s after its last answer.
            const timer = setTimeout(() => socket.destroy(), 10_000);
            let idle: NodeJS.Timeout | undefined;
            socket.on('data', (chunk: Buffer) => {
              received += chunk.toString('utf8');
              clearTimeout(idle);
              idle = setTimeout(() => socket.destroy(), 1500);
            });
            socket.on('error', () => undefined);
            socket.on('close', () => {
              clearTimeout(timer);
              clearTimeout(idle);
              resolve(received);
            });
          }),
      );
      expect(answer).not.toMatch(/^HTTP\/1\.1 201/);
      expect(ctx.engine.admin(['ps', '-a', '--format', '{{.Names}}']).stdout).not.toContain(name);
    });

    test('a query ending in /auth (a dockerd that skips the body of any URI ending in /auth would forward none): no container', async () => {
      const result = await create(['Content-Type: application/json'], attackBody(), '&x=%2Fauth');
      const literal = await create(['Content-Type: application/json'], attackBody(), '&x=/auth');
      expect([result.code, literal.code].every((code) => code >= 400)).toBe(true);
    });

    test.each([
      ['text/plain'],
      ['application/json; charset=utf-8'],
      ['application/json;charset=latin1'],
      ['Application/JSON'],
      ['application/json ; charset="utf-8"'],
      ['application/x-www-form-urlencoded'],
      ['application/octet-stream'],
    ])('a JSON body with Content-Type: %s: no container', async (contentType) => {
      const result = await create([`Content-Type: ${contentType}`], attackBody());
      expect(result.code).toBeGreaterThanOrEqual(400);
    });

    test('no Content-Type at all, with a JSON body: no container', async () => {
      const result = await create(['Content-Type:'], attackBody());
      expect(result.code).toBeGreaterThanOrEqual(400);
    });

    const spellings: Array<[string, (body: string) => string]> = [
      ['lower-case keys', (b) => b.replace('"HostConfig"', '"hostconfig"').replace('"Privileged"', '"privileged"')],
      ['a duplicate key, the last one wins', (b) => b.replace('"HostConfig":{', '"HostConfig":{"Privileged":false,')],
      ['Unicode case folding (ſ, the long s, for the s of HostConfig)', (b) => b.replace('"HostConfig"', '"Ho\u017ftConfig"')],
      ['Unicode case folding (ſ for the s of Binds) and an escaped key', (b) => b.replace('"Privileged":true', '"Privileged":false,"\\u0050rivileged":true').replace('"Binds"', '"Bind\u017f"')],
    ];
    test.each(spellings)('a privileged create spelt with %s: no container', async (_what, respell) => {
      const result = await create(['Content-Type: application/json'], respell(attackBody()));
      expect(result.code).toBeGreaterThanOrEqual(400);
    });

    test('control: through the root socket (no user), dockerd does create a privileged container with / bound from each of these bodies', async () => {
      const rootCreate = async (body: string, headers: string[] = []): Promise<string> => {
        const name = `control-${hex()}`;
        const result = await runAsync('curl', ['-sS', '--max-time', '30', '--unix-socket', ctx.engine.rootSocket, '-X', 'POST', '-H', 'Content-Type: application/json', ...headers.flatMap((header) => ['-H', header]),
          '--data-binary', '@-', '-o', '/dev/null', '-w', '%{http_code}', `http://localhost${API}/containers/create?name=${name}`], { input: body });
        const made = ctx.engine.admin(['inspect', '-f', '{{.HostConfig.Privileged}} {{json .HostConfig.Binds}}', name]).stdout.trim();
        ctx.engine.admin(['rm', '-f', name]);
        return `${result.stdout} ${made}`;
      };
      const made = '201 true ["/:/host"]';
      const codes: Record<string, string> = {
        'over 1 MiB': await rootCreate(attackBody(over1MiB)),
        'over 1 MiB, chunked': await rootCreate(attackBody(over1MiB), ['Transfer-Encoding: chunked']),
      };
      for (const [what, respell] of spellings) codes[what] = await rootCreate(respell(attackBody()));
      expect(codes).toEqual(Object.fromEntries(Object.keys(codes).map((key) => [key, made])));
    });
  });
}
