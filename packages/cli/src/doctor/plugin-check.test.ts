import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkPlugin, checkPolicy } from './plugin-check.js';
import type { Finding } from './finding.js';

/** A tiny stand-in for a plugin on a unix socket, answering Plugin.Activate as told. */
async function fakePlugin(socket: string, answer: (path: string) => { status: number; body: string } | 'hang'): Promise<Server> {
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      const reply = answer(req.url ?? '');
      if (reply === 'hang') return;
      res.writeHead(reply.status, { 'Content-Type': 'application/vnd.docker.plugins.v1+json' }).end(reply.body);
    });
  });
  await new Promise<void>((resolve) => server.listen(socket, resolve));
  return server;
}

describe('doctor: the plugin and its policy', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'doctor-plugin-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const run = async (socket: string): Promise<Finding[]> => {
    const findings: Finding[] = [];
    await checkPlugin(socket, findings, 300);
    return findings;
  };

  test('a plugin that answers {"Implements":["authz"]} is ok', async () => {
    const socket = join(dir, 'dockauth.sock');
    const server = await fakePlugin(socket, (path) => (path === '/Plugin.Activate' ? { status: 200, body: '{"Implements":["authz"]}' } : { status: 404, body: '' }));
    try {
      expect(await run(socket)).toEqual([{ severity: 'ok', check: 'plugin', message: `the authorization plugin answers on ${socket}` }]);
    } finally {
      server.close();
    }
  });

  test.each([
    ['another kind of plugin', { status: 200, body: '{"Implements":["VolumeDriver"]}' }, 'not as an authz plugin'],
    ['an error status', { status: 500, body: 'policy broken' }, 'answered 500: policy broken'],
    ['not JSON', { status: 200, body: 'hello' }, 'not JSON'],
    ['no answer at all', 'hang' as const, 'no answer within 300 ms'],
  ])('%s is an error with the command that restarts it', async (_name, reply, text) => {
    const socket = join(dir, 'dockauth.sock');
    const server = await fakePlugin(socket, () => reply);
    try {
      const [finding] = await run(socket);
      expect(finding).toMatchObject({ severity: 'error', check: 'plugin', message: expect.stringContaining(text), fix: expect.stringContaining('dockauth-authz.service') });
    } finally {
      server.closeAllConnections();
      server.close();
    }
  });

  test('no socket: the plugin is not running; a regular file in its place is not a socket', async () => {
    const socket = join(dir, 'dockauth.sock');
    expect(await run(socket)).toEqual([expect.objectContaining({ severity: 'error', message: expect.stringContaining('not running'), fix: 'systemctl enable --now dockauth-authz.service' })]);
    writeFileSync(socket, '');
    expect(await run(socket)).toEqual([expect.objectContaining({ severity: 'error', message: `${socket} is not a socket, so dockerd cannot reach the plugin` })]);
  });

  test('a policy that does not parse is an error naming its line and column; a missing one says how to write it', () => {
    const policy = join(dir, 'policy.yaml');
    writeFileSync(policy, 'version: 1\nbase:\n  allow: [\n');
    const findings: Finding[] = [];
    checkPolicy(policy, findings);
    expect(findings).toEqual([expect.objectContaining({ severity: 'error', check: 'policy', message: expect.stringMatching(new RegExp(`${policy}:\\d+:\\d+: `)) })]);
    const missing: Finding[] = [];
    checkPolicy(join(dir, 'none.yaml'), missing);
    expect(missing).toEqual([expect.objectContaining({ severity: 'error', fix: 'dockauth authz init' })]);
  });
});
