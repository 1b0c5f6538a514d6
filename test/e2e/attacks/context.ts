import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { makeTempDir } from '../../support/temp.js';
import { createUser, removeUser, type LocalUser } from '../../support/users.js';
import { finishHost, prepareHost, startEngine, type Engine } from '../engine.js';
import { startGatewayEngine } from '../gateway.js';
import type { EngineBuild } from '../engines.js';
import { hex, runAsync, sleep, type Run } from './run.js';

/*
 * What every class of attack shares: one dockerd with the dockauth plugin, the users who attack
 * it (with their certificates), and the helpers that act as them and look at what dockerd did.
 */

export const IMAGE = 'dockauth-test/busybox:latest';
export const API = '/v1.41';
export const REFUSED_BY_PLUGIN = /authorization denied by plugin/i;
/** Through the gateway: its refusals, the plugin's behind it, and another user's object answered as missing. */
export const REFUSED_THROUGH_GATEWAY = /authorization denied by (plugin|dockauth)|No such (container|volume|network|exec instance|object|image)|not found/i;

/** The bundled policy, with the harness's test image allowed (as e2e.test.ts does). */
const POLICY = (template: string): string => {
  const line = "      - '^docker\\.io/library/(alpine|busybox|debian|ubuntu|python):'";
  if (!template.includes(line)) throw new Error('the bundled policy no longer holds the image line this suite extends');
  return template.replace(line, `${line}\n      - '^docker\\.io/dockauth-test/busybox:'`);
};

export interface ApiResult {
  code: number;
  body: string;
  headers: string;
  run: Run;
}

/**
 * The engine, the users and the helpers of one run of the suite. The fields are filled in by the
 * suite's beforeAll (see useAttackContext), so tests read them when they run, never when they are
 * defined; the helpers are bound, so they may be destructured.
 */
export class AttackContext {
  readonly build: EngineBuild;
  readonly label: string;
  temp!: ReturnType<typeof makeTempDir>;
  state!: string;
  ssl!: string;
  profile!: string;
  engine!: Engine;
  alice!: LocalUser;
  bob!: LocalUser;
  carol!: LocalUser; // a local user with no certificate
  dave!: LocalUser; // revoked by the identity tests
  evilTar!: Buffer;
  /** Bytes that must never reach alice: a line of bob's private key, bob's line of /etc/shadow. */
  needles!: Record<string, string>;

  /** 'gateway': every attack goes through `dockauth gateway`, with the plugin behind it. */
  readonly via: 'plugin' | 'gateway';

  constructor(build: EngineBuild, label: string, via: 'plugin' | 'gateway' = 'plugin') {
    this.build = build;
    this.label = label;
    this.via = via;
  }

  get refused(): RegExp {
    return this.via === 'gateway' ? REFUSED_THROUGH_GATEWAY : REFUSED_BY_PLUGIN;
  }

  readonly self = (user: LocalUser): string => `-u ${user.uid}:${user.gid} --security-opt no-new-privileges`;
  readonly as = (user: LocalUser, command: string, options: { input?: string | Buffer; env?: Record<string, string> } = {}): Promise<Run> => {
    const exports = Object.entries(options.env ?? {}).map(([key, value]) => `export ${key}='${value}'; `).join('');
    // The engine's own docker CLI first on PATH, as its users would have it.
    const path = `export PATH='${dirname(this.build.docker)}':"$PATH"; `;
    return runAsync('su', ['-', user.name, '-s', '/bin/sh', '-c', `${exports}. ${this.profile}; ${path}${command}`], { input: options.input });
  };
  /** A raw API request with curl, as the user, with the user's own certificate. */
  readonly api = async (user: LocalUser, method: string, path: string, options: { headers?: string[]; body?: string | Buffer; head?: boolean } = {}): Promise<ApiResult> => {
    const headers = (options.headers ?? []).map((header) => `-H '${header}'`).join(' ');
    const data = options.body === undefined ? '' : '--data-binary @-';
    const verb = options.head ? '-I' : `-X ${method}`;
    const hdrFile = `$HOME/.curl-headers-${hex()}`;
    const command = `curl -sS --max-time 40 ${verb} --cert ~/.docker/cert.pem --key ~/.docker/key.pem --cacert ~/.docker/ca.pem ${headers} ${data} -D ${hdrFile} -o - -w '\\n%{http_code}' 'https://127.0.0.1:${this.engine.port}${path}'; cat ${hdrFile} >&2; rm -f ${hdrFile}`;
    const run = await this.as(user, command, { input: options.body });
    const lines = run.stdout.split('\n');
    const code = Number(lines.pop());
    return { code, body: lines.join('\n'), headers: run.stderr, run };
  };
  readonly containerIds = (): string[] => this.engine.admin(['ps', '-aq', '--no-trunc']).stdout.split('\n').filter(Boolean).sort();
  readonly imageId = (reference: string): string => this.engine.admin(['image', 'inspect', '-f', '{{.Id}}', reference]).stdout.trim();
  readonly imageIds = (): string[] => this.engine.admin(['images', '-aq', '--no-trunc']).stdout.split('\n').filter(Boolean).sort();
  readonly volumes = (): string[] => this.engine.admin(['volume', 'ls', '-q']).stdout.split('\n').filter(Boolean).sort();
  readonly running = (container: string): string => this.engine.admin(['inspect', '-f', '{{.State.Running}}', container]).stdout.trim();

  /**
   * Runs `attempt`, then removes any container it made (so one successful attack does not
   * disturb the next test) and asserts there was none.
   */
  readonly expectNoNewContainer = async <T>(attempt: () => Promise<T>): Promise<T> => {
    const before = this.containerIds();
    const result = await attempt();
    const created = this.containerIds().filter((id) => !before.includes(id));
    const described = created.map((id) => `${id.slice(0, 12)} ${this.engine.admin(['inspect', '-f', '{{.Name}} {{json .HostConfig.Binds}} privileged={{.HostConfig.Privileged}}', id]).stdout.trim()}`);
    for (const id of created) this.engine.admin(['rm', '-f', id]);
    expect(described).toEqual([]);
    return result;
  };
  readonly expectRefusedByPlugin = (result: Run): void => {
    expect(result.status).not.toBe(0);
    expect(result.stderr).toMatch(this.refused);
  };
  readonly expectApiRefusedByPlugin = (result: ApiResult): void => {
    expect(result.code).toBeGreaterThanOrEqual(400);
    expect(result.body).toMatch(this.refused);
  };
  /** The audit records written since `mark` (a count of lines). */
  readonly auditLines = (): Array<Record<string, unknown>> =>
    readFileSync(this.engine.audit, 'utf8').split('\n').filter(Boolean).map((line) => JSON.parse(line) as Record<string, unknown>);
  readonly auditSince = (mark: number): Array<Record<string, unknown>> => this.auditLines().slice(mark);
  /**
   * Writes the policy and waits until the plugin has it. The plugin re-reads it within 200 ms
   * (today: on the first request after that, logging the new hash), so after half a second a
   * ping is sent until the log names the new hash, for at most two seconds more.
   */
  readonly writePolicy = async (text: string): Promise<void> => {
    const log = join(this.engine.dir, 'plugin.log');
    const offset = readFileSync(log).length;
    writeFileSync(this.engine.policy, text);
    await sleep(500);
    const hash = createHash('sha256').update(text).digest('hex').slice(0, 12);
    const end = Date.now() + 2000;
    while (Date.now() < end && !readFileSync(log).subarray(offset).toString('utf8').includes(hash)) {
      await this.api(this.alice, 'GET', `${API}/_ping`);
      await sleep(50);
    }
  };
  /** Edits the policy for the length of `body`. */
  readonly withPolicy = async (edit: (text: string) => string, body: () => Promise<void>): Promise<void> => {
    const original = readFileSync(this.engine.policy, 'utf8');
    const edited = edit(original);
    if (edited === original) throw new Error('the policy edit changed nothing');
    await this.writePolicy(edited);
    try {
      await body();
    } finally {
      await this.writePolicy(original);
    }
  };
  readonly leaked = (bytes: Buffer | string): string[] => Object.entries(this.needles).filter(([, needle]) => bytes.includes(needle)).map(([what]) => what);
  readonly fileOf = (user: LocalUser, name: string): Buffer => (existsSync(join(user.home, name)) ? readFileSync(join(user.home, name)) : Buffer.alloc(0));
}

/** Makes the context and registers the beforeAll that fills it in and the afterAll that tears it down. */
export function useAttackContext(build: EngineBuild, label: string, via: 'plugin' | 'gateway' = 'plugin'): AttackContext {
  const ctx = new AttackContext(build, label, via);
  beforeAll(async () => {
    ctx.temp = makeTempDir('daatk-');
    chmodSync(ctx.temp.dir, 0o755);
    const host = prepareHost(ctx.temp.dir);
    ctx.state = host.state;
    ctx.ssl = join(ctx.temp.dir, 'ssl');
    ctx.alice = createUser('ata');
    ctx.bob = createUser('atb');
    ctx.carol = createUser('atc');
    ctx.dave = createUser('atd');
    host.ok(['user', 'add', ctx.alice.name, ctx.bob.name, ctx.dave.name]);
    // The harness makes directories and sockets from the label: keep it to safe characters.
    const engineLabel = `attacks-${label.replace(/[^A-Za-z0-9]+/g, '-').replace(/^-|-$/g, '')}`;
    const engineOptions = { build, dir: ctx.temp.dir, state: ctx.state, policyText: POLICY(host.policyTemplate), label: engineLabel };
    if (via === 'gateway') {
      // Users (and curl) reach the gateway where they would reach dockerd; dockerd's own port stays loopback behind it.
      const engine = await startGatewayEngine({ ...engineOptions, ok: host.ok });
      ctx.engine = Object.assign(engine, { port: engine.gatewayPort, dockerHost: engine.gatewayHost });
    } else ctx.engine = await startEngine(engineOptions);
    ctx.profile = finishHost(ctx.engine, ctx.temp.dir, host.ok, IMAGE);

    const rootfs = mkdtempSync(join(ctx.temp.dir, 'evil-'));
    writeFileSync(join(rootfs, 'pwned'), 'the attacker\'s image\n');
    ctx.evilTar = spawnSync('tar', ['-C', rootfs, '-c', '.']).stdout;
    const keyLines = readFileSync(join(ctx.bob.home, '.docker', 'key.pem'), 'utf8').split('\n').filter((line) => !line.startsWith('-----') && line.length > 0);
    const shadowLine = readFileSync('/etc/shadow', 'utf8').split('\n').find((line) => line.startsWith(`${ctx.bob.name}:`));
    if (!keyLines[0] || !shadowLine) throw new Error('could not read bob\'s key or his /etc/shadow line');
    ctx.needles = { "bob's private key": keyLines.sort((a, b) => b.length - a.length)[0] as string, '/etc/shadow': shadowLine };
  }, 240_000);

  afterAll(async () => {
    // DOCKAUTH_E2E_KEEP=DIR keeps the audit log and the plugin's and dockerd's logs for a post-mortem.
    const keep = process.env.DOCKAUTH_E2E_KEEP;
    if (keep && ctx.engine) {
      const into = join(keep, ctx.engine.dir.split('/').pop() as string);
      mkdirSync(into, { recursive: true });
      for (const file of ['audit.log', 'plugin.log', 'dockerd.log', 'policy.yaml']) if (existsSync(join(ctx.engine.dir, file))) copyFileSync(join(ctx.engine.dir, file), join(into, file));
    }
    if (ctx.engine) {
      for (const id of ctx.engine.admin(['ps', '-aq']).stdout.split('\n').filter(Boolean)) ctx.engine.admin(['rm', '-f', id]);
      ctx.engine.admin(['network', 'prune', '-f']);
      await ctx.engine.stop();
    }
    for (const user of [ctx.alice, ctx.bob, ctx.carol, ctx.dave]) if (user) removeUser(user);
    ctx.temp?.cleanup();
  }, 180_000);
  return ctx;
}
