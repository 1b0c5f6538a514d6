import { spawn, spawnSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { chmodSync, chownSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { dirname, join } from 'node:path';
import { connect as tlsConnect } from 'node:tls';
import { dockauth } from '../support/dockauth.js';
import { makeTempDir } from '../support/temp.js';
import { createUser, removeUser, type LocalUser } from '../support/users.js';
import { e2eSkipReason, finishHost, prepareHost, startEngine, type Engine } from './engine.js';
import { engineBuild } from './engines.js';

/*
 * The attacks an ordinary user with nothing but a valid `dockauth user add` certificate and the
 * bundled policy can make on a real dockerd, replayed as tests. Every test asserts on what dockerd
 * did (no container made, an image ID unchanged, a secret not read, a listener never reached) and
 * that the request was refused — loosely ("authorization denied by plugin", a non-zero exit or an
 * HTTP error), never on the exact wording. Raw requests go through curl run as the user with their
 * own certificate, so the bytes are exactly what an attacker would send.
 */

const IMAGE = 'dockauth-test/busybox:latest';
const API = '/v1.41';
const REFUSED_BY_PLUGIN = /authorization denied by plugin/i;

/** The bundled policy, with the harness's test image allowed (as e2e.test.ts does). */
const POLICY = (template: string): string => {
  const line = "      - '^docker\\.io/library/(alpine|busybox|debian|ubuntu|python):'";
  if (!template.includes(line)) throw new Error('the bundled policy no longer holds the image line this suite extends');
  return template.replace(line, `${line}\n      - '^docker\\.io/dockauth-test/busybox:'`);
};

interface Run {
  status: number;
  stdout: string;
  stderr: string;
}

interface ApiResult {
  code: number;
  body: string;
  headers: string;
  run: Run;
}

interface Listener {
  port: number;
  /** TCP connections accepted (a TLS hello counts, a request need not follow). */
  readonly connections: number;
  requests: string[];
  close(): Promise<void>;
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
const hex = (bytes = 3): string => randomBytes(bytes).toString('hex');

/**
 * Runs a command (argv, or a login shell of a user when `user` is given) without blocking the
 * event loop — the listeners this suite runs live in this process — killed by its process group
 * after `timeoutMs`.
 */
function runAsync(command: string, args: string[], options: { input?: string | Buffer; env?: NodeJS.ProcessEnv; timeoutMs?: number } = {}): Promise<Run> {
  return new Promise((resolve) => {
    const child = spawn(command, args, { detached: true, stdio: ['pipe', 'pipe', 'pipe'], env: options.env ?? process.env });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    const timer = setTimeout(() => {
      try {
        process.kill(-(child.pid as number), 'SIGKILL');
      } catch {
        // gone
      }
    }, options.timeoutMs ?? 90_000);
    child.stdout.on('data', (chunk: Buffer) => out.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => err.push(chunk));
    child.stdin.on('error', () => undefined);
    child.on('error', () => undefined);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ status: code ?? -1, stdout: Buffer.concat(out).toString('utf8').trim(), stderr: Buffer.concat(err).toString('utf8').trim() });
    });
    child.stdin.end(options.input ?? '');
  });
}

/** A TCP listener on loopback that counts connections and, given a tar, serves it to every GET. */
async function startListener(tar?: Buffer): Promise<Listener> {
  let connections = 0;
  const requests: string[] = [];
  const server = createServer((request, response) => {
    requests.push(`${request.method} ${request.url}`);
    request.resume();
    if (tar && request.method === 'GET') {
      response.writeHead(200, { 'Content-Type': 'application/x-tar', 'Content-Length': tar.length });
      response.end(tar);
    } else {
      response.writeHead(404);
      response.end();
    }
  });
  server.on('connection', () => {
    connections += 1;
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    get connections() {
      return connections;
    },
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export function describeAttacks(suite: string): void {
  const build = engineBuild(suite);
  const label = `dockerd ${build.name}`;
  const skip = e2eSkipReason(build);
  if (skip && process.env.DOCKAUTH_E2E === 'required') {
    test(`${label}: the attack suite can run (DOCKAUTH_E2E=required)`, () => {
      throw new Error(`the attack suite cannot run on ${label} (Debian ${build.suite}): ${skip}`);
    });
    return;
  }
  if (skip) {
    test.skip(`${label}: attacks on a real dockerd (skipped: ${skip})`, () => undefined);
    return;
  }
  describe(`${label}: attacks by an ordinary user with a valid certificate`, () => {
    let temp: ReturnType<typeof makeTempDir>;
    let state: string;
    let ssl: string;
    let profile: string;
    let engine: Engine;
    let alice: LocalUser;
    let bob: LocalUser;
    let carol: LocalUser; // a local user with no certificate
    let dave: LocalUser; // revoked by the identity tests
    let evilTar: Buffer;
    /** Bytes that must never reach alice: a line of bob's private key, bob's line of /etc/shadow. */
    let needles: Record<string, string>;

    const self = (user: LocalUser): string => `-u ${user.uid}:${user.gid} --security-opt no-new-privileges`;
    const as = (user: LocalUser, command: string, options: { input?: string | Buffer; env?: Record<string, string> } = {}): Promise<Run> => {
      const exports = Object.entries(options.env ?? {}).map(([key, value]) => `export ${key}='${value}'; `).join('');
      // The engine's own docker CLI first on PATH, as its users would have it.
      const path = `export PATH='${dirname(build.docker)}':"$PATH"; `;
      return runAsync('su', ['-', user.name, '-s', '/bin/sh', '-c', `${exports}. ${profile}; ${path}${command}`], { input: options.input });
    };
    /** A raw API request with curl, as the user, with the user's own certificate. */
    const api = async (user: LocalUser, method: string, path: string, options: { headers?: string[]; body?: string | Buffer; head?: boolean } = {}): Promise<ApiResult> => {
      const headers = (options.headers ?? []).map((header) => `-H '${header}'`).join(' ');
      const data = options.body === undefined ? '' : '--data-binary @-';
      const verb = options.head ? '-I' : `-X ${method}`;
      const hdrFile = `$HOME/.curl-headers-${hex()}`;
      const command = `curl -sS --max-time 40 ${verb} --cert ~/.docker/cert.pem --key ~/.docker/key.pem --cacert ~/.docker/ca.pem ${headers} ${data} -D ${hdrFile} -o - -w '\\n%{http_code}' 'https://127.0.0.1:${engine.port}${path}'; cat ${hdrFile} >&2; rm -f ${hdrFile}`;
      const run = await as(user, command, { input: options.body });
      const lines = run.stdout.split('\n');
      const code = Number(lines.pop());
      return { code, body: lines.join('\n'), headers: run.stderr, run };
    };
    const containerIds = (): string[] => engine.admin(['ps', '-aq', '--no-trunc']).stdout.split('\n').filter(Boolean).sort();
    const imageId = (reference: string): string => engine.admin(['image', 'inspect', '-f', '{{.Id}}', reference]).stdout.trim();
    const imageIds = (): string[] => engine.admin(['images', '-aq', '--no-trunc']).stdout.split('\n').filter(Boolean).sort();
    const volumes = (): string[] => engine.admin(['volume', 'ls', '-q']).stdout.split('\n').filter(Boolean).sort();
    const running = (container: string): string => engine.admin(['inspect', '-f', '{{.State.Running}}', container]).stdout.trim();

    /**
     * Runs `attempt`, then removes any container it made (so one successful attack does not
     * disturb the next test) and asserts there was none.
     */
    const expectNoNewContainer = async <T>(attempt: () => Promise<T>): Promise<T> => {
      const before = containerIds();
      const result = await attempt();
      const created = containerIds().filter((id) => !before.includes(id));
      const described = created.map((id) => `${id.slice(0, 12)} ${engine.admin(['inspect', '-f', '{{.Name}} {{json .HostConfig.Binds}} privileged={{.HostConfig.Privileged}}', id]).stdout.trim()}`);
      for (const id of created) engine.admin(['rm', '-f', id]);
      expect(described).toEqual([]);
      return result;
    };
    const expectRefusedByPlugin = (result: Run): void => {
      expect(result.status).not.toBe(0);
      expect(result.stderr).toMatch(REFUSED_BY_PLUGIN);
    };
    const expectApiRefusedByPlugin = (result: ApiResult): void => {
      expect(result.code).toBeGreaterThanOrEqual(400);
      expect(result.body).toMatch(REFUSED_BY_PLUGIN);
    };
    /** The audit records written since `mark` (a count of lines). */
    const auditLines = (): Array<Record<string, unknown>> =>
      readFileSync(engine.audit, 'utf8').split('\n').filter(Boolean).map((line) => JSON.parse(line) as Record<string, unknown>);
    const auditSince = (mark: number): Array<Record<string, unknown>> => auditLines().slice(mark);
    /**
     * Writes the policy and waits until the plugin has it. The plugin re-reads it within 200 ms
     * (today: on the first request after that, logging the new hash), so after half a second a
     * ping is sent until the log names the new hash, for at most two seconds more.
     */
    const writePolicy = async (text: string): Promise<void> => {
      const log = join(engine.dir, 'plugin.log');
      const offset = readFileSync(log).length;
      writeFileSync(engine.policy, text);
      await sleep(500);
      const hash = createHash('sha256').update(text).digest('hex').slice(0, 12);
      const end = Date.now() + 2000;
      while (Date.now() < end && !readFileSync(log).subarray(offset).toString('utf8').includes(hash)) {
        await api(alice, 'GET', `${API}/_ping`);
        await sleep(50);
      }
    };
    /** Edits the policy for the length of `body`. */
    const withPolicy = async (edit: (text: string) => string, body: () => Promise<void>): Promise<void> => {
      const original = readFileSync(engine.policy, 'utf8');
      const edited = edit(original);
      if (edited === original) throw new Error('the policy edit changed nothing');
      await writePolicy(edited);
      try {
        await body();
      } finally {
        await writePolicy(original);
      }
    };
    const leaked = (bytes: Buffer | string): string[] => Object.entries(needles).filter(([, needle]) => bytes.includes(needle)).map(([what]) => what);
    const fileOf = (user: LocalUser, name: string): Buffer => (existsSync(join(user.home, name)) ? readFileSync(join(user.home, name)) : Buffer.alloc(0));

    beforeAll(async () => {
      temp = makeTempDir('daatk-');
      chmodSync(temp.dir, 0o755);
      const host = prepareHost(temp.dir);
      state = host.state;
      ssl = join(temp.dir, 'ssl');
      alice = createUser('ata');
      bob = createUser('atb');
      carol = createUser('atc');
      dave = createUser('atd');
      host.ok(['user', 'add', alice.name, bob.name, dave.name]);
      // The harness makes directories and sockets from the label: keep it to safe characters.
      const engineLabel = `attacks-${label.replace(/[^A-Za-z0-9]+/g, '-').replace(/^-|-$/g, '')}`;
      engine = await startEngine({ build, dir: temp.dir, state, policyText: POLICY(host.policyTemplate), label: engineLabel });
      profile = finishHost(engine, temp.dir, host.ok, IMAGE);

      const rootfs = mkdtempSync(join(temp.dir, 'evil-'));
      writeFileSync(join(rootfs, 'pwned'), 'the attacker\'s image\n');
      evilTar = spawnSync('tar', ['-C', rootfs, '-c', '.']).stdout;
      const keyLines = readFileSync(join(bob.home, '.docker', 'key.pem'), 'utf8').split('\n').filter((line) => !line.startsWith('-----') && line.length > 0);
      const shadowLine = readFileSync('/etc/shadow', 'utf8').split('\n').find((line) => line.startsWith(`${bob.name}:`));
      if (!keyLines[0] || !shadowLine) throw new Error('could not read bob\'s key or his /etc/shadow line');
      needles = { "bob's private key": keyLines.sort((a, b) => b.length - a.length)[0] as string, '/etc/shadow': shadowLine };
    }, 240_000);

    afterAll(async () => {
      // DOCKAUTH_E2E_KEEP=DIR keeps the audit log and the plugin's and dockerd's logs for a post-mortem.
      const keep = process.env.DOCKAUTH_E2E_KEEP;
      if (keep && engine) {
        const into = join(keep, engine.dir.split('/').pop() as string);
        mkdirSync(into, { recursive: true });
        for (const file of ['audit.log', 'plugin.log', 'dockerd.log', 'policy.yaml']) if (existsSync(join(engine.dir, file))) copyFileSync(join(engine.dir, file), join(into, file));
      }
      if (engine) {
        for (const id of engine.admin(['ps', '-aq']).stdout.split('\n').filter(Boolean)) engine.admin(['rm', '-f', id]);
        engine.admin(['network', 'prune', '-f']);
        await engine.stop();
      }
      for (const user of [alice, bob, carol, dave]) if (user) removeUser(user);
      temp?.cleanup();
    }, 180_000);

    // ─── 1 ───────────────────────────────────────────────────────────────────────────────
    describe('1. inputs the plugin never judged', () => {
      /** Puts the shared image back if an attack re-pointed it, so later tests still run. */
      const restoreImage = (id: string): void => {
        if (id !== '' && imageId(IMAGE) !== id) engine.admin(['tag', id, IMAGE]);
      };

      test.each([
        ['application/x-www-form-urlencoded'],
        ['APPLICATION/X-WWW-Form-UrlEncoded'],
        ['application/x-www-form-urlencoded; charset=utf-8'],
      ])('a form body (%s) on POST /images/create cannot turn an allowed pull into an import over the shared image', async (contentType) => {
        const listener = await startListener(evilTar);
        const before = imageId(IMAGE);
        try {
          const result = await api(alice, 'POST', `${API}/images/create?fromImage=dockauth-test%2Fbusybox&tag=latest`, {
            headers: [`Content-Type: ${contentType}`],
            body: `fromImage=&fromSrc=http://127.0.0.1:${listener.port}/evil.tar&repo=dockauth-test/busybox&tag=latest`,
          });
          await sleep(300);
          expect({ image: imageId(IMAGE), fetched: listener.requests, connections: listener.connections }).toEqual({ image: before, fetched: [], connections: 0 });
          expectApiRefusedByPlugin(result);
        } finally {
          restoreImage(before);
          await listener.close();
        }
      });

      test('a form body naming another image to pull (fromImage in the body wins over the query) fetches nothing', async () => {
        const listener = await startListener();
        const before = imageIds();
        try {
          const result = await api(alice, 'POST', `${API}/images/create?fromImage=dockauth-test%2Fbusybox&tag=latest`, {
            headers: ['Content-Type: application/x-www-form-urlencoded'],
            body: `fromImage=127.0.0.1:${listener.port}/evil&tag=latest`,
          });
          await sleep(300);
          expect({ connections: listener.connections, images: imageIds() }).toEqual({ connections: 0, images: before });
          expectApiRefusedByPlugin(result);
        } finally {
          await listener.close();
        }
      });

      test('a form body on POST /containers/create (name= in the body) creates nothing', async () => {
        const name = `${alice.name}-form-${hex()}`;
        const result = await expectNoNewContainer(() =>
          api(alice, 'POST', `${API}/containers/create?name=${name}`, { headers: ['Content-Type: application/x-www-form-urlencoded'], body: `name=${name}-body` }),
        );
        expect(result.code).toBeGreaterThanOrEqual(400);
      });

      test('a form body on DELETE /containers/{id} (force=1 in the body, force=0 in the query) removes nothing', async () => {
        const name = `${alice.name}-keep-${hex()}`;
        expect((await as(alice, `docker run -d --name ${name} ${self(alice)} ${IMAGE} sleep 60`)).status).toBe(0);
        try {
          const result = await api(alice, 'DELETE', `${API}/containers/${name}?force=0`, { headers: ['Content-Type: application/x-www-form-urlencoded'], body: 'force=1&v=1' });
          expect(running(name)).toBe('true');
          expect(result.code).toBeGreaterThanOrEqual(400);
        } finally {
          engine.admin(['rm', '-f', name]);
        }
      });

      test('a query parameter the plugin does not know (start ?checkpoint=&checkpoint-dir=/etc) is refused by the plugin, and the container stays stopped', async () => {
        const name = `${alice.name}-ckpt-${hex()}`;
        expect((await as(alice, `docker create --name ${name} ${self(alice)} ${IMAGE} sleep 30`)).status).toBe(0);
        try {
          const mark = auditLines().length;
          const result = await api(alice, 'POST', `${API}/containers/${name}/start?checkpoint=c1&checkpoint-dir=%2Fetc`);
          expect(running(name)).toBe('false');
          expect(result.code).toBeGreaterThanOrEqual(400);
          // dockerd itself refuses checkpoints when not experimental; the plugin must not rely on that.
          const records = auditSince(mark).filter((record) => String(record.endpoint).endsWith('/start'));
          expect(records.map((record) => record.decision)).toEqual(['deny']);
        } finally {
          engine.admin(['rm', '-f', name]);
        }
      });

      describe('image and tag, combined the way dockerd combines them, against a policy that allows only busybox:1.0', () => {
        const onlyBusybox10 = (text: string): string =>
          text.replace("      - '^docker\\.io/library/(alpine|busybox|debian|ubuntu|python):'", "      - '^docker\\.io/library/busybox:1\\.0'");
        const digest = `sha256:${'ab'.repeat(32)}`;

        test.each([
          ['fromImage=busybox:1.0&tag=2.0', 'busybox:2.0'],
          [`fromImage=busybox:1.0&tag=${digest}`, 'busybox@sha256:… (any content)'],
          [`fromImage=busybox:1.0@${digest}`, 'busybox@sha256:… (any content)'],
        ])('POST /images/create?%s (dockerd pulls %s) is refused by the plugin and changes nothing', async (query) => {
          await withPolicy(onlyBusybox10, async () => {
            const before = imageIds();
            const mark = auditLines().length;
            const result = await api(alice, 'POST', `${API}/images/create?${query}`);
            expect(imageIds()).toEqual(before);
            const records = auditSince(mark).filter((record) => record.endpoint === '/images/create');
            expect(records.map((record) => record.decision)).toEqual(['deny']);
            expectApiRefusedByPlugin(result);
          });
        });

        test('control: busybox:1.0 itself is allowed by that policy (the edit took effect)', async () => {
          await withPolicy(onlyBusybox10, async () => {
            const mark = auditLines().length;
            await api(alice, 'POST', `${API}/images/create?fromImage=busybox&tag=1.0`);
            const records = auditSince(mark).filter((record) => record.endpoint === '/images/create');
            expect(records.map((record) => record.decision)).toEqual(['allow']);
          });
        });
      });

      test.each([
        ['fromImage=dockauth-test%2Fbusybox', 'no tag at all'],
        ['fromImage=dockauth-test%2Fbusybox%3A', 'a trailing ":" (what docker pull -a sends)'],
        ['fromImage=dockauth-test%2Fbusybox&tag=', 'an empty tag'],
      ])('a pull of every tag (POST /images/create?%s: %s) is refused by the plugin and changes nothing', async (query) => {
        const before = imageIds();
        const shared = imageId(IMAGE);
        const mark = auditLines().length;
        const result = await api(alice, 'POST', `${API}/images/create?${query}`);
        expect({ images: imageIds(), shared: imageId(IMAGE) }).toEqual({ images: before, shared });
        const records = auditSince(mark).filter((record) => record.endpoint === '/images/create');
        expect(records.map((record) => record.decision)).toEqual(['deny']);
        expectApiRefusedByPlugin(result);
      });
    });

    // ─── 2 ───────────────────────────────────────────────────────────────────────────────
    describe('2. identity taken from the image', () => {
      let box: string;
      beforeAll(async () => {
        box = `${alice.name}-box-${hex()}`;
        const started = await as(alice, `docker run -d --name ${box} ${self(alice)} -v $HOME:/h ${IMAGE} sleep 600`);
        if (started.status !== 0) throw new Error(`alice could not start her own container: ${started.stderr}`);
      });
      afterAll(() => {
        engine.admin(['rm', '-f', box]);
      });

      test.each<[string, (a: LocalUser) => string]>([
        ['-u <her uid> (no gid: the gid comes from the image, here 0)', (a) => `-u ${a.uid}`],
        ['-u <her uid>:0', (a) => `-u ${a.uid}:0`],
        ['-u root', () => '-u root'],
        ['-u 0', () => '-u 0'],
        ['-u 0:0', () => '-u 0:0'],
        ['-u <her own name>', (a) => `-u ${a.name}`],
        ['-u nobody (a name from the image)', () => '-u nobody'],
      ])('docker exec %s into her own container: refused, and the exec did not run', async (_what, flag) => {
        const marker = `ran-${hex()}`;
        const result = await as(alice, `docker exec ${flag(alice)} ${box} sh -c 'id > /tmp/${marker}; id > /h/${marker}'`);
        const inside = engine.admin(['exec', box, 'cat', `/tmp/${marker}`]);
        // What the exec ran as, when it ran: `id` inside her container.
        expect({ ranInside: inside.status === 0 ? inside.stdout.trim() : false, ranInHome: existsSync(join(alice.home, marker)) }).toEqual({ ranInside: false, ranInHome: false });
        expectRefusedByPlugin(result);
      });

      test.each<[string, (a: LocalUser) => string]>([
        ['--group-add 0', (a) => `${self(a)} --group-add 0`],
        ['--group-add root', (a) => `${self(a)} --group-add root`],
        ["--group-add <bob's gid>", (a) => `${self(a)} --group-add ${bob.gid}`],
        ['--group-add 42 (shadow, a gid she is not in)', (a) => `${self(a)} --group-add 42`],
        ['-u <her uid> with no gid', (a) => `-u ${a.uid} --security-opt no-new-privileges`],
        ['-u <her uid>:0', (a) => `-u ${a.uid}:0 --security-opt no-new-privileges`],
      ])('docker create %s: refused, no container', async (_what, flags) => {
        const result = await expectNoNewContainer(() => as(alice, `docker create ${flags(alice)} ${IMAGE} id`));
        expectRefusedByPlugin(result);
      });
    });

    // ─── 3 ───────────────────────────────────────────────────────────────────────────────
    describe('3. bind sources dockerd resolves again', () => {
      beforeAll(async () => {
        const made = await as(alice, 'mkdir -p $HOME/dir && ln -sfn $HOME/dir $HOME/link-to-dir && ln -sfn $HOME $HOME/link-to-home');
        if (made.status !== 0) throw new Error(made.stderr);
      });

      test.each([
        ['-v $HOME/dir:/d'],
        ['-v $HOME/link-to-dir:/d'],
        ['-v $HOME/link-to-home:/h'],
        ['-v $HOME/dir/not-yet:/d'],
        ['--mount type=bind,src=$HOME/dir,dst=/d'],
        ['--mount type=bind,source=$HOME/link-to-dir,target=/d,readonly'],
      ])('%s (a path component she can swap) is refused, no container', async (flags) => {
        const result = await expectNoNewContainer(() => as(alice, `docker create ${self(alice)} ${flags} ${IMAGE} true`));
        expectRefusedByPlugin(result);
      });

      test('control: -v $HOME:/h works (she cannot rename or replace her home)', async () => {
        const result = await as(alice, `docker run --rm ${self(alice)} -v $HOME:/h ${IMAGE} ls -d /h/dir`);
        expect(result).toMatchObject({ status: 0, stdout: '/h/dir' });
      });

      describe('a bind of $HOME/dir swapped for a symlink after create reaches nothing', () => {
        /** Makes $HOME/<dir>, asks for a container binding it, then swaps the directory for a symlink to `target`. */
        const prepare = async (kind: 'create' | 'run', dir: string, target: string): Promise<{ name: string; dir: string; create: Run }> => {
          const name = `${alice.name}-${dir}`;
          const command = kind === 'run' ? `docker run -d --name ${name} ${self(alice)} -v $HOME/${dir}:/d ${IMAGE} sleep 120` : `docker create --name ${name} ${self(alice)} -v $HOME/${dir}:/d ${IMAGE} sleep 120`;
          const create = await as(alice, `mkdir -p $HOME/${dir} && ${command}`);
          const swapped = await as(alice, `mv $HOME/${dir} $HOME/${dir}.old && ln -s ${target} $HOME/${dir}`);
          expect(swapped.status).toBe(0);
          return { name, dir, create };
        };

        test('docker cp and GET/HEAD /archive out of it do not read bob\'s key or /etc/shadow', async () => {
          const { name, dir } = await prepare('create', `swap-cp-${hex()}`, join(bob.home, '.docker'));
          try {
            const key = await as(alice, `docker cp ${name}:/d/key.pem - > $HOME/cp-key.tar`);
            const keyApi = await api(alice, 'GET', `${API}/containers/${name}/archive?path=%2Fd%2Fkey.pem`);
            expect((await as(alice, `rm $HOME/${dir} && ln -s /etc $HOME/${dir}`)).status).toBe(0);
            const shadow = await as(alice, `docker cp ${name}:/d/shadow - > $HOME/cp-shadow.tar`);
            const head = await api(alice, 'HEAD', `${API}/containers/${name}/archive?path=%2Fd%2Fshadow`, { head: true });
            expect({
              cpKey: leaked(fileOf(alice, 'cp-key.tar')),
              apiKey: leaked(keyApi.body),
              cpShadow: leaked(fileOf(alice, 'cp-shadow.tar')),
              headStat: head.headers.toLowerCase().includes('x-docker-container-path-stat'),
            }).toEqual({ cpKey: [], apiKey: [], cpShadow: [], headStat: false });
            expect([key.status, shadow.status]).not.toContain(0);
            expect(keyApi.code).toBeGreaterThanOrEqual(400);
          } finally {
            engine.admin(['rm', '-f', name]);
          }
        });

        test('docker restart does not mount what the swapped path now names', async () => {
          const { name } = await prepare('run', `swap-restart-${hex()}`, '/etc');
          try {
            const restart = await as(alice, `docker restart -t 0 ${name}`);
            const mine = await as(alice, `docker exec ${name} ls /d`);
            const rootView = engine.admin(['exec', name, 'ls', '/d']).stdout;
            expect({ hers: mine.stdout.includes('shadow'), dockerd: rootView.includes('shadow') }).toEqual({ hers: false, dockerd: false });
            expect(restart.status === 0 && rootView.includes('shadow')).toBe(false);
          } finally {
            engine.admin(['rm', '-f', name]);
          }
        });

        test('docker stop then docker start does not mount what the swapped path now names', async () => {
          const { name } = await prepare('run', `swap-start-${hex()}`, '/etc');
          try {
            await as(alice, `docker stop -t 0 ${name}`);
            const start = await as(alice, `docker start ${name}`);
            const rootView = engine.admin(['exec', name, 'ls', '/d']).stdout;
            expect(rootView.includes('shadow')).toBe(false);
            expect(start.status === 0 && running(name) === 'true' && rootView.includes('shadow')).toBe(false);
          } finally {
            engine.admin(['rm', '-f', name]);
          }
        });

        test('--volumes-from it does not mount what the swapped path now names', async () => {
          const { name } = await prepare('create', `swap-vf-${hex()}`, '/etc');
          try {
            const result = await expectNoNewContainer(() => as(alice, `docker run --rm ${self(alice)} --volumes-from ${name} ${IMAGE} sh -c 'ls /d; cat /d/shadow'`));
            expect({ listed: result.stdout.includes('passwd'), leaked: leaked(result.stdout) }).toEqual({ listed: false, leaked: [] });
            expect(result.status).not.toBe(0);
          } finally {
            engine.admin(['rm', '-f', name]);
          }
        });
      });

      describe('a container binding $HOME itself, with symlinks to /etc/shadow and bob\'s key inside it', () => {
        let holder: string;
        beforeAll(async () => {
          holder = `${alice.name}-home-${hex()}`;
          const made = await as(
            alice,
            `ln -sfn /etc/shadow $HOME/shadow-link && ln -sfn ${bob.home}/.docker/key.pem $HOME/bobkey-link && ln -sfn ${bob.home}/.docker $HOME/bobdir-link && ln -sfn / $HOME/root-link` +
              ` && docker run -d --name ${holder} ${self(alice)} -v $HOME:/h ${IMAGE} sleep 300`,
          );
          if (made.status !== 0) throw new Error(made.stderr);
        });
        afterAll(() => {
          engine.admin(['rm', '-f', holder]);
        });

        test('docker cp (with and without -L) and GET /archive read nothing of the host', async () => {
          const outputs: Record<string, Buffer | string> = {};
          const paths = ['/h/shadow-link', '/h/bobkey-link', '/h/bobdir-link/key.pem', '/h/root-link/etc/shadow', `/h/root-link${bob.home}/.docker/key.pem`, '/h/../../etc/shadow'];
          for (const [index, path] of paths.entries()) {
            await as(alice, `docker cp ${holder}:${path} - > $HOME/out-${index}.tar; docker cp -L ${holder}:${path} - > $HOME/outL-${index}.tar`);
            outputs[`cp ${path}`] = fileOf(alice, `out-${index}.tar`);
            outputs[`cp -L ${path}`] = fileOf(alice, `outL-${index}.tar`);
            outputs[`GET archive ${path}`] = (await api(alice, 'GET', `${API}/containers/${holder}/archive?path=${encodeURIComponent(path)}`)).body;
          }
          // Stopped, dockerd mounts the binds again for the copy.
          engine.admin(['stop', '-t', '0', holder]);
          for (const [index, path] of paths.entries()) {
            await as(alice, `docker cp -L ${holder}:${path} - > $HOME/outS-${index}.tar`);
            outputs[`cp -L (stopped) ${path}`] = fileOf(alice, `outS-${index}.tar`);
          }
          engine.admin(['start', holder]);
          // HEAD answers with a stat of the path (name, size, mode): nothing outside the container may be described.
          const heads: Record<string, number> = {};
          for (const path of ['/h/root-link/etc/shadow', '/h/bobdir-link/key.pem', `/h/root-link${bob.home}/.docker/key.pem`]) {
            heads[path] = (await api(alice, 'HEAD', `${API}/containers/${holder}/archive?path=${encodeURIComponent(path)}`, { head: true })).code;
          }
          const found = Object.entries(outputs).flatMap(([what, bytes]) => leaked(bytes).map((secret) => `${what}: ${secret}`));
          expect(found).toEqual([]);
          expect(Object.entries(heads).filter(([, code]) => code === 200)).toEqual([]);
        });

        test('docker restart then exec, and --volumes-from, read nothing of the host', async () => {
          const read = `cat /h/shadow-link /h/bobkey-link /h/bobdir-link/key.pem /h/root-link/etc/shadow /h/root-link${bob.home}/.docker/key.pem`;
          const restart = await as(alice, `docker restart -t 0 ${holder} && docker exec ${holder} sh -c '${read}'`);
          const from = await as(alice, `docker run --rm ${self(alice)} --volumes-from ${holder} ${IMAGE} sh -c '${read}'`);
          expect({ restart: leaked(restart.stdout), volumesFrom: leaked(from.stdout) }).toEqual({ restart: [], volumesFrom: [] });
        });
      });

      describe('a policy root that is a sticky, world-writable directory', () => {
        let root: string;
        let hers: string;
        const withRoot = (body: () => Promise<void>): Promise<void> => withPolicy((text) => text.replace("  mounts:\n    - '~'", `  mounts:\n    - '~'\n    - '${root}'`), body);
        beforeAll(async () => {
          root = `/srv/dockauth-attacks-${hex()}`;
          mkdirSync(root, { recursive: true });
          chmodSync(root, 0o1777);
          hers = join(root, `${alice.name}-dir`);
          const made = await as(alice, `mkdir ${hers}`);
          if (made.status !== 0) throw new Error(made.stderr);
        });
        afterAll(() => {
          rmSync(root, { recursive: true, force: true });
        });

        test('control: the root itself may be bound', async () => {
          await withRoot(async () => {
            const result = await as(alice, `docker run --rm ${self(alice)} -v ${root}:/s ${IMAGE} ls /s`);
            expect(result).toMatchObject({ status: 0, stdout: `${alice.name}-dir` });
          });
        });

        test('her own subdirectory in it (which she can rename and replace) may not, with -v or --mount', async () => {
          await withRoot(async () => {
            const volume = await expectNoNewContainer(() => as(alice, `docker create ${self(alice)} -v ${hers}:/d ${IMAGE} true`));
            const mount = await expectNoNewContainer(() => as(alice, `docker create ${self(alice)} --mount type=bind,src=${hers},dst=/d ${IMAGE} true`));
            expectRefusedByPlugin(volume);
            expectRefusedByPlugin(mount);
          });
        });
      });
    });

    // ─── 4 ───────────────────────────────────────────────────────────────────────────────
    describe('4. other users\' objects by name', () => {
      const secrets: Record<string, string> = {};
      const setupProblems: string[] = [];
      let bobvol: string;
      let bobvol2: string;
      let anonymous: string;
      let bobc: string;
      beforeAll(async () => {
        bobvol = `bobvol-${hex()}`;
        bobvol2 = `bobvol2-${hex()}`;
        bobc = `${bob.name}-c-${hex()}`;
        for (const key of ['plain', 'implicit', 'anonymous']) secrets[key] = `secret-${key}-${hex(8)}`;
        // A fresh volume mounted over the image's /tmp takes its mode (1777), so bob can write into it.
        const steps = [
          `docker volume create ${bobvol}`,
          `docker run --rm ${self(bob)} -v ${bobvol}:/tmp ${IMAGE} sh -c 'echo ${secrets.plain} > /tmp/secret'`,
          `docker run --rm ${self(bob)} -v ${bobvol2}:/tmp ${IMAGE} sh -c 'echo ${secrets.implicit} > /tmp/secret'`,
          `docker run -d --name ${bobc} ${self(bob)} -v /tmp ${IMAGE} sh -c 'echo ${secrets.anonymous} > /tmp/secret; sleep 600'`,
        ];
        // Each is ordinary work for bob; one he cannot do is reported by the test below, not by all of them.
        for (const step of steps) {
          const result = await as(bob, step);
          if (result.status !== 0) setupProblems.push(`${step}: ${result.stderr}`);
        }
        const found = engine.admin(['inspect', '-f', '{{range .Mounts}}{{.Name}}{{end}}', bobc]).stdout.trim();
        anonymous = /^[0-9a-f]{64}$/.test(found) ? found : `${'0'.repeat(63)}1`;
      });

      test('bob can make his own volumes three ways and use them (the setup of the attacks below)', () => {
        expect(setupProblems).toEqual([]);
        expect(volumes()).toEqual(expect.arrayContaining([bobvol, bobvol2, anonymous]));
      });
      afterAll(() => {
        engine.admin(['rm', '-f', bobc]);
      });

      test.each<[string, () => string, string]>([
        ['-v bobvol:/v (made with docker volume create)', () => `-v ${bobvol}:/v`, 'plain'],
        ['--mount type=volume,src=bobvol,dst=/v', () => `--mount type=volume,src=${bobvol},dst=/v`, 'plain'],
        ["-v bobvol2:/v (made implicitly by bob's -v bobvol2:/tmp)", () => `-v ${bobvol2}:/v`, 'implicit'],
        ['--mount type=volume,src=bobvol2,dst=/v,readonly', () => `--mount type=volume,src=${bobvol2},dst=/v,readonly`, 'implicit'],
        ["-v <the anonymous volume of bob's container, as docker volume ls names it>:/v", () => `-v ${anonymous}:/v`, 'anonymous'],
      ])("mounting bob's volume with %s: refused, and the secret is not read", async (_what, flags, secret) => {
        const result = await expectNoNewContainer(() => as(alice, `docker run --rm ${self(alice)} ${flags()} ${IMAGE} cat /v/secret`));
        expect(result.stdout).not.toContain(secrets[secret]);
        expectRefusedByPlugin(result);
      });

      test('alice "creating" bob\'s volume by its name (dockerd answers with his) does not make it hers', async () => {
        await as(alice, `docker volume create ${bobvol}`);
        const mount = await expectNoNewContainer(() => as(alice, `docker run --rm ${self(alice)} -v ${bobvol}:/v ${IMAGE} cat /v/secret`));
        const remove = await as(alice, `docker volume rm ${bobvol}`);
        expect({ read: mount.stdout.includes(secrets.plain as string), volumeExists: volumes().includes(bobvol) }).toEqual({ read: false, volumeExists: true });
        expectRefusedByPlugin(mount);
        expectRefusedByPlugin(remove);
      });

      test.each<[string, () => string, () => string]>([
        ['docker volume rm bobvol', () => `docker volume rm ${bobvol}`, () => bobvol],
        ['docker volume rm -f bobvol2', () => `docker volume rm -f ${bobvol2}`, () => bobvol2],
        ["docker volume rm -f <the anonymous volume of bob's container>", () => `docker volume rm -f ${anonymous}`, () => anonymous],
      ])('%s: refused, and the volume is still there', async (_what, command, volume) => {
        const result = await as(alice, command());
        expect(volumes()).toContain(volume());
        expect(result.status).not.toBe(0);
      });

      test.each([
        ['--volumes-from'],
        ['--network container:'],
        ['--pid container:'],
        ['--ipc container:'],
        ['--link'],
      ])('%s<bob\'s container>: refused, no container', async (flag) => {
        const reference = flag === '--link' ? `--link ${bobc}:db` : flag.endsWith(':') ? `${flag}${bobc}` : `${flag} ${bobc}`;
        const result = await expectNoNewContainer(() => as(alice, `docker run --rm ${self(alice)} ${reference} ${IMAGE} sh -c 'cat /tmp/secret /proc/1/environ 2>/dev/null; true'`));
        expect(result.stdout).not.toContain(secrets.anonymous);
        expectRefusedByPlugin(result);
      });
    });

    // ─── 5 ───────────────────────────────────────────────────────────────────────────────
    describe('5. identity edge cases', () => {
      /** A client certificate signed with the dockauth CA's own key by openssl, never recorded in the inventory. */
      const forge = (subject: string): string => {
        const dir = mkdtempSync(join(temp.dir, 'forged-'));
        const ext = join(dir, 'ext.cnf');
        writeFileSync(ext, 'basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=clientAuth\n');
        const openssl = (args: string[]): void => {
          const result = spawnSync('openssl', args, { encoding: 'utf8' });
          if (result.status !== 0) throw new Error(`openssl ${args.join(' ')}: ${result.stderr}`);
        };
        openssl(['req', '-new', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', join(dir, 'key.pem'), '-subj', subject, '-out', join(dir, 'req.csr')]);
        openssl(['x509', '-req', '-in', join(dir, 'req.csr'), '-CA', join(state, 'ca.pem'), '-CAkey', join(state, 'ca-key.pem'), '-set_serial', `0x${hex(12)}`, '-days', '2', '-extfile', ext, '-out', join(dir, 'cert.pem')]);
        copyFileSync(join(ssl, 'ca.pem'), join(dir, 'ca.pem'));
        return dir;
      };
      /** The docker CLI with a certificate directory, run as root (only the certificate names anyone to dockerd). */
      const dockerWith = (certDir: string, args: string): Promise<Run> =>
        runAsync('sh', ['-c', `docker ${args}`], {
          env: { ...process.env, DOCKER_HOST: engine.dockerHost, DOCKER_TLS_VERIFY: '1', DOCKER_CERT_PATH: certDir, DOCKER_CONTEXT: '', DOCKER_CONFIG: join(certDir, 'config') },
        });

      test('a certificate signed by the dockauth CA with no CN (the user is "") is refused for every request, and audited', async () => {
        const dir = forge('/O=dockauth');
        const mark = auditLines().length;
        const list = await dockerWith(dir, 'ps -a');
        const info = await dockerWith(dir, 'info');
        const create = await expectNoNewContainer(() => dockerWith(dir, `create --privileged -v /:/host ${IMAGE} true`));
        const records = auditSince(mark);
        expect({ records: records.length > 0, allowed: records.filter((record) => record.decision !== 'deny').map((record) => `${record.method} ${record.endpoint}`) }).toEqual({ records: true, allowed: [] });
        for (const result of [list, info, create]) expectRefusedByPlugin(result);
      });

      test.each([
        ['/CN=CAROL', 'a local user with no certificate'],
        ['/CN=ALICE', 'alice, forged'],
        ['/CN=root', 'root'],
      ])('a certificate with CN %s (%s) that the inventory does not hold is refused, no container', async (subject) => {
        const dir = forge(subject.replace('CAROL', carol.name).replace('ALICE', alice.name));
        const list = await dockerWith(dir, 'ps -a');
        const create = await expectNoNewContainer(() => dockerWith(dir, `create -u ${alice.uid}:${alice.gid} --security-opt no-new-privileges -v /:/host ${IMAGE} true`));
        expectRefusedByPlugin(list);
        expectRefusedByPlugin(create);
      });

      test('a container that would outlive a revocation (docker run -d --restart always) is refused, no container', async () => {
        const result = await expectNoNewContainer(() => as(dave, `docker run -d --restart always ${self(dave)} ${IMAGE} sleep 300`));
        expectRefusedByPlugin(result);
      });

      test('after dockauth user revoke, the user\'s running containers are stopped (and stay stopped)', async () => {
        const name = `${dave.name}-job-${hex()}`;
        const started = await as(dave, `docker run -d --name ${name} ${self(dave)} ${IMAGE} sleep 300`);
        expect(started.status).toBe(0);
        expect(running(name)).toBe('true');
        // Any DOCKER_HOST the command looks at names this engine's root socket.
        const revoked = dockauth(['--dir', state, 'user', 'revoke', dave.name, '--reason', 'keyCompromise'], { env: { DOCKER_HOST: `unix://${engine.rootSocket}` } });
        expect(revoked.status).toBe(0);
        const stopped = (): boolean => running(name) !== 'true';
        const end = Date.now() + 15_000;
        while (!stopped() && Date.now() < end) await sleep(250);
        await sleep(1500);
        expect({ runningAfterRevoke: running(name) === 'true' }).toEqual({ runningAfterRevoke: false });
        expectRefusedByPlugin(await as(dave, `docker start ${name}`));
      }, 40_000);
    });

    // ─── 6 ───────────────────────────────────────────────────────────────────────────────
    describe('6. daemon-side fetches the user points at an address', () => {
      test.each<[string, (port: number) => Promise<Run | ApiResult>]>([
        ['GET /distribution/127.0.0.1:PORT/x:1/json', (port) => api(alice, 'GET', `${API}/distribution/127.0.0.1:${port}/x:1/json`)],
        ['POST /images/create?fromSrc=http://127.0.0.1:PORT/x.tar', (port) => api(alice, 'POST', `${API}/images/create?fromSrc=${encodeURIComponent(`http://127.0.0.1:${port}/x.tar`)}&repo=dockauth-test%2Fbusybox&tag=latest`)],
        ['POST /build?remote=http://127.0.0.1:PORT/ctx.tar', (port) => api(alice, 'POST', `${API}/build?remote=${encodeURIComponent(`http://127.0.0.1:${port}/ctx.tar`)}&t=dockauth-test%2Fbusybox%3Alatest`)],
        ['POST /auth with serveraddress 127.0.0.1:PORT', (port) => api(alice, 'POST', `${API}/auth`, { headers: ['Content-Type: application/json'], body: JSON.stringify({ username: 'u', password: 'p', serveraddress: `127.0.0.1:${port}` }) })],
        ['docker login 127.0.0.1:PORT', (port) => as(alice, `echo p | docker login -u u --password-stdin 127.0.0.1:${port}`)],
        ['docker pull 127.0.0.1:PORT/x:1', (port) => as(alice, `docker pull 127.0.0.1:${port}/x:1`)],
        ['POST /plugins/pull?remote=127.0.0.1:PORT/x:1', (port) => api(alice, 'POST', `${API}/plugins/pull?remote=127.0.0.1:${port}%2Fx%3A1`, { headers: ['Content-Type: application/json'], body: '[]' })],
      ])('%s: the listener gets no connection, and the request is refused', async (_what, attempt) => {
        const listener = await startListener(evilTar);
        const shared = imageId(IMAGE);
        try {
          const result = await attempt(listener.port);
          await sleep(300);
          expect({ connections: listener.connections, requests: listener.requests, shared: imageId(IMAGE) }).toEqual({ connections: 0, requests: [], shared });
          if ('code' in result) expectApiRefusedByPlugin(result);
          else expectRefusedByPlugin(result);
        } finally {
          if (shared && imageId(IMAGE) !== shared) engine.admin(['tag', shared, IMAGE]);
          await listener.close();
        }
      });
    });

    // ─── 7 ───────────────────────────────────────────────────────────────────────────────
    describe('7. unbounded resources', () => {
      test.each([
        ['--shm-size 100g'],
        ['--tmpfs /t:size=100g'],
        ['--tmpfs /t'],
        ['--mount type=tmpfs,dst=/t'],
        ['--oom-kill-disable'],
        ['--pids-limit -1'],
        ['--ulimit rtprio=99'],
        ['--ulimit memlock=-1'],
        ['--ulimit nice=40'],
        ['--log-opt max-size=100g'],
        ['--restart always'],
        ['--restart unless-stopped'],
        ['--restart on-failure (no maximum: retries for ever)'],
      ])('docker create %s: refused, no container', async (flags) => {
        const result = await expectNoNewContainer(() => as(alice, `docker create ${self(alice)} ${flags.replace(/ \(.*\)$/, '')} ${IMAGE} true`));
        expectRefusedByPlugin(result);
      });
    });

    // ─── 8 ───────────────────────────────────────────────────────────────────────────────
    describe('8. request-level hardening (CVE-2024-41110 and its relatives)', () => {
      /** A create dockerd would carry out: alice's own uid, no-new-privileges, her label — and privileged with / bound. */
      const attackBody = (padding = 0): string =>
        JSON.stringify({
          Image: IMAGE,
          Cmd: ['true'],
          User: `${alice.uid}:${alice.gid}`,
          Labels: { 'dockauth.owner': alice.name, ...(padding > 0 ? { pad: 'x'.repeat(padding) } : {}) },
          HostConfig: { Privileged: true, Binds: ['/:/host'], SecurityOpt: ['no-new-privileges'] },
        });
      const create = (headers: string[], body: string, query = ''): Promise<ApiResult> =>
        expectNoNewContainer(() => api(alice, 'POST', `${API}/containers/create?name=${alice.name}-req-${hex()}${query}`, { headers, body }));
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
        const name = `${alice.name}-cl0-${hex()}`;
        const request = `POST ${API}/containers/create?name=${name} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 0\r\n\r\n${body}`;
        const answer = await expectNoNewContainer(
          () =>
            new Promise<string>((resolve) => {
              const docker = join(alice.home, '.docker');
              let received = '';
              const socket = tlsConnect(
                { host: '127.0.0.1', port: engine.port, servername: 'localhost', cert: readFileSync(join(docker, 'cert.pem')), key: readFileSync(join(docker, 'key.pem')), ca: readFileSync(join(docker, 'ca.pem')) },
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
        expect(engine.admin(['ps', '-a', '--format', '{{.Names}}']).stdout).not.toContain(name);
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
          const result = await runAsync('curl', ['-sS', '--max-time', '30', '--unix-socket', engine.rootSocket, '-X', 'POST', '-H', 'Content-Type: application/json', ...headers.flatMap((header) => ['-H', header]),
            '--data-binary', '@-', '-o', '/dev/null', '-w', '%{http_code}', `http://localhost${API}/containers/create?name=${name}`], { input: body });
          const made = engine.admin(['inspect', '-f', '{{.HostConfig.Privileged}} {{json .HostConfig.Binds}}', name]).stdout.trim();
          engine.admin(['rm', '-f', name]);
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

    // ─── legitimate work ─────────────────────────────────────────────────────────────────
    describe('the work a scientist does keeps working', () => {
      let job: string;
      beforeAll(async () => {
        job = `${alice.name}-job-${hex()}`;
        const started = await as(alice, `docker run -d --name ${job} ${self(alice)} -v $HOME:$HOME -w $HOME ${IMAGE} sh -c 'echo started; echo result > legit-result; sleep 300'`);
        if (started.status !== 0) throw new Error(started.stderr);
      });
      afterAll(() => {
        engine.admin(['rm', '-f', job]);
      });

      test('with build on, she builds an image under her own name (classic builder) and runs it; a shared name or the host network is refused', async () => {
        await withPolicy((text) => text.replace('  build: false', '  build: true'), async () => {
          const context = join(alice.home, 'ctx');
          mkdirSync(context, { recursive: true });
          writeFileSync(join(context, 'Dockerfile'), `FROM ${IMAGE}\nRUN echo built > /built\n`);
          chownSync(context, alice.uid, alice.gid);
          const tag = `${alice.name}/tool:1`;
          const built = await as(alice, `cd $HOME/ctx && DOCKER_BUILDKIT=0 docker build -q -t ${tag} .`);
          expect({ status: built.status, stderr: built.stderr.replace(/DEPRECATED[\s\S]*?\n\n/, '') }).toMatchObject({ status: 0 });
          expect((await as(alice, `docker run --rm ${self(alice)} ${tag} cat /built`)).stdout).toBe('built');
          const shared = imageId(IMAGE);
          const overShared = await as(alice, `cd $HOME/ctx && DOCKER_BUILDKIT=0 docker build -q -t ${IMAGE} .`);
          expect(overShared.status).not.toBe(0);
          expect(overShared.stderr).toMatch(/authorization denied by plugin .*tag under your own name/);
          expect(imageId(IMAGE)).toBe(shared);
          const hostNetwork = await as(alice, `cd $HOME/ctx && DOCKER_BUILDKIT=0 docker build -q --network host -t ${tag} .`);
          expect(hostNetwork.stderr).toMatch(/authorization denied by plugin .*--network host is not allowed/);
          engine.admin(['rmi', '-f', tag]);
        });
      });

      test('run as herself with her home, exec, logs', async () => {
        const end = Date.now() + 10_000;
        while (!existsSync(join(alice.home, 'legit-result')) && Date.now() < end) await sleep(100);
        expect(readFileSync(join(alice.home, 'legit-result'), 'utf8')).toBe('result\n');
        expect((await as(alice, `docker logs ${job}`)).stdout).toBe('started');
        expect((await as(alice, `docker exec ${job} id -u`)).stdout).toBe(String(alice.uid));
        expect((await as(alice, `docker exec -u ${alice.uid}:${alice.gid} ${job} id -g`)).stdout).toBe(String(alice.gid));
      });

      test('docker cp out of her own container', async () => {
        const result = await as(alice, `docker cp ${job}:/etc/passwd $HOME/copied-passwd && cat $HOME/copied-passwd`);
        expect(result).toMatchObject({ status: 0 });
        expect(result.stdout).toContain('root:x:0:0');
      });

      test('create and remove her own volume (made with plain docker volume create)', async () => {
        const volume = `alicevol-${hex()}`;
        const made = await as(alice, `docker volume create ${volume}`);
        expect(made.status).toBe(0);
        const removed = await as(alice, `docker volume rm ${volume}`);
        expect({ removed: removed.status, stderr: removed.stderr, left: volumes().includes(volume) }).toEqual({ removed: 0, stderr: '', left: false });
      });

      test('docker system df', async () => {
        const result = await as(alice, 'docker system df');
        expect(result.stderr).toBe('');
        expect(result.status).toBe(0);
      });

      test('create her own bridge network, attach her container to it, remove it', async () => {
        const network = `mynet-${hex()}`;
        try {
          const created = await as(alice, `docker network create ${network}`);
          expect({ status: created.status, stderr: created.stderr }).toEqual({ status: 0, stderr: '' });
          const run = await as(alice, `docker run --rm ${self(alice)} --network ${network} ${IMAGE} true`);
          expect({ status: run.status, stderr: run.stderr }).toEqual({ status: 0, stderr: '' });
          const connected = await as(alice, `docker network connect ${network} ${job} && docker network disconnect ${network} ${job}`);
          expect({ status: connected.status, stderr: connected.stderr }).toEqual({ status: 0, stderr: '' });
          const removed = await as(alice, `docker network rm ${network}`);
          expect({ status: removed.status, stderr: removed.stderr }).toEqual({ status: 0, stderr: '' });
        } finally {
          engine.admin(['network', 'disconnect', '-f', network, job]);
          engine.admin(['network', 'rm', network]);
        }
      });
    });
  });
}
