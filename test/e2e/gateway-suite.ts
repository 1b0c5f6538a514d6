import { chmodSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { makeTempDir } from '../support/temp.js';
import { createUser, removeUser, type LocalUser } from '../support/users.js';
import { asUser, e2eSkipReason, finishHost, prepareHost } from './engine.js';
import { engineBuild, type EngineBuild } from './engines.js';
import { startGatewayEngine, type GatewayEngine } from './gateway.js';

export const IMAGE = 'dockauth-test/busybox:latest';
const POLICY = (template: string): string =>
  template.replace("      - '^docker\\.io/library/(alpine|busybox|debian|ubuntu|python):'", "      - '^docker\\.io/library/(alpine|busybox|debian|ubuntu|python):'\n      - '^docker\\.io/dockauth-test/busybox:'");

/** The engine, users and helpers of one gateway suite; filled in by beforeAll. */
export interface GatewayHost {
  build: EngineBuild;
  temp: ReturnType<typeof makeTempDir>;
  state: string;
  engine: GatewayEngine;
  /** The login script pointing users at the gateway (the recommended layout). */
  profile: string;
  alice: LocalUser;
  bob: LocalUser;
  /** dockauth on the host's state directory; fails the setup on an error. */
  ok(args: string[]): string;
  run(user: LocalUser, command: string, env?: Record<string, string>): { status: number; stdout: string; stderr: string };
  audit(): Array<Record<string, unknown>>;
  /** curl as the user, with their own certificate, to `port` (the gateway's or dockerd's own): status code and body. */
  api(user: LocalUser, port: number, method: string, path: string, options?: { headers?: string[]; body?: string }): { code: number; body: string };
  /** The reasons of the refusals recorded since the last call: shown when a test that expects none fails. */
  denials(): string[];
}

/**
 * The gateway layout on a real dockerd, used by real local users through that engine's own
 * docker CLI, with nothing on their command lines but what they would type anyway.
 */
export function gatewaySuite(suite: string, tests: (host: GatewayHost, named: (title: string) => string) => void): void {
  const build = engineBuild(suite);
  const named = (title: string): string => `dockerd ${build.name} via the gateway: ${title}`;
  const skip = e2eSkipReason(build);
  if (skip && process.env.DOCKAUTH_E2E === 'required') {
    test(named('the gateway suite can run (DOCKAUTH_E2E=required)'), () => {
      throw new Error(`the gateway suite cannot run on dockerd ${build.name}: ${skip}`);
    });
    return;
  }
  if (skip) {
    test.skip(named(`skipped: ${skip}`), () => undefined);
    return;
  }
  describe(`the gateway in front of dockerd ${build.name}`, () => {
    const host = { build } as GatewayHost;
    host.run = (user, command, env = {}) => asUser(user.name, host.profile, command, env, build);
    host.audit = () => readFileSync(host.engine.audit, 'utf8').split('\n').filter(Boolean).map((line) => JSON.parse(line) as Record<string, unknown>);
    host.api = (user, port, method, path, options = {}) => {
      const headers = (options.headers ?? []).map((header) => `-H '${header}'`).join(' ');
      const data = options.body === undefined ? '' : `--data-binary '${options.body}' -H 'Content-Type: application/json'`;
      const result = host.run(user, `curl -sS --max-time 30 -X ${method} --cert ~/.docker/cert.pem --key ~/.docker/key.pem --cacert ~/.docker/ca.pem ${headers} ${data} -o - -w '\\n%{http_code}' 'https://127.0.0.1:${port}${path}'`);
      const lines = result.stdout.split('\n');
      const code = Number(lines.pop());
      return { code, body: lines.join('\n') };
    };
    let seen = 0;
    host.denials = () => {
      const records = host.audit();
      const fresh = records.slice(seen);
      seen = records.length;
      return fresh.filter((entry) => entry.decision === 'deny').map((entry) => `${entry.decided_by} ${entry.action}: ${entry.reason}`);
    };
    beforeAll(async () => {
      host.temp = makeTempDir('dagw-');
      chmodSync(host.temp.dir, 0o755);
      const prepared = prepareHost(host.temp.dir);
      host.state = prepared.state;
      host.ok = prepared.ok;
      host.alice = createUser('gwa', ['audio']);
      host.bob = createUser('gwb');
      prepared.ok(['user', 'add', host.alice.name, host.bob.name]);
      host.engine = await startGatewayEngine({ build, dir: host.temp.dir, state: host.state, policyText: POLICY(prepared.policyTemplate), label: 'gateway', ok: prepared.ok });
      finishHost(host.engine, host.temp.dir, prepared.ok, IMAGE);
      prepared.ok(['profile-d', '--out', join(host.temp.dir, 'profile.gateway'), '--docker-host', host.engine.gatewayHost]);
      host.profile = join(host.temp.dir, 'profile.gateway', 'dockauth.sh');
    }, 180_000);
    afterAll(async () => {
      await host.engine?.stop();
      for (const user of [host.alice, host.bob]) if (user) removeUser(user);
      host.temp?.cleanup();
    }, 120_000);
    // Each test sees only the refusals made while it ran.
    beforeEach(() => host.denials());
    tests(host, named);
  });
}

