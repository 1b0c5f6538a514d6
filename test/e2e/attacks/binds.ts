import { chmodSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { API, IMAGE, type AttackContext } from './context.js';
import { hex, type Run } from './run.js';

/** Class 3: bind sources dockerd resolves again, after the plugin has judged them (symlinks, swapped paths, sticky roots). */
export function describeBinds(ctx: AttackContext): void {
  const { self, as, api, running, expectNoNewContainer, expectRefusedByPlugin, withPolicy, leaked, fileOf } = ctx;
  describe('3. bind sources dockerd resolves again', () => {
    beforeAll(async () => {
      const made = await as(ctx.alice, 'mkdir -p $HOME/dir && ln -sfn $HOME/dir $HOME/link-to-dir && ln -sfn $HOME $HOME/link-to-home');
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
      const result = await expectNoNewContainer(() => as(ctx.alice, `docker create ${self(ctx.alice)} ${flags} ${IMAGE} true`));
      expectRefusedByPlugin(result);
    });

    test('control: -v $HOME:/h works (she cannot rename or replace her home)', async () => {
      const result = await as(ctx.alice, `docker run --rm ${self(ctx.alice)} -v $HOME:/h ${IMAGE} ls -d /h/dir`);
      expect(result).toMatchObject({ status: 0, stdout: '/h/dir' });
    });

    describe('a bind of $HOME/dir swapped for a symlink after create reaches nothing', () => {
      /** Makes $HOME/<dir>, asks for a container binding it, then swaps the directory for a symlink to `target`. */
      const prepare = async (kind: 'create' | 'run', dir: string, target: string): Promise<{ name: string; dir: string; create: Run }> => {
        const name = `${ctx.alice.name}-${dir}`;
        const command = kind === 'run' ? `docker run -d --name ${name} ${self(ctx.alice)} -v $HOME/${dir}:/d ${IMAGE} sleep 120` : `docker create --name ${name} ${self(ctx.alice)} -v $HOME/${dir}:/d ${IMAGE} sleep 120`;
        const create = await as(ctx.alice, `mkdir -p $HOME/${dir} && ${command}`);
        const swapped = await as(ctx.alice, `mv $HOME/${dir} $HOME/${dir}.old && ln -s ${target} $HOME/${dir}`);
        expect(swapped.status).toBe(0);
        return { name, dir, create };
      };

      test('docker cp and GET/HEAD /archive out of it do not read bob\'s key or /etc/shadow', async () => {
        const { name, dir } = await prepare('create', `swap-cp-${hex()}`, join(ctx.bob.home, '.docker'));
        try {
          const key = await as(ctx.alice, `docker cp ${name}:/d/key.pem - > $HOME/cp-key.tar`);
          const keyApi = await api(ctx.alice, 'GET', `${API}/containers/${name}/archive?path=%2Fd%2Fkey.pem`);
          expect((await as(ctx.alice, `rm $HOME/${dir} && ln -s /etc $HOME/${dir}`)).status).toBe(0);
          const shadow = await as(ctx.alice, `docker cp ${name}:/d/shadow - > $HOME/cp-shadow.tar`);
          const head = await api(ctx.alice, 'HEAD', `${API}/containers/${name}/archive?path=%2Fd%2Fshadow`, { head: true });
          expect({
            cpKey: leaked(fileOf(ctx.alice, 'cp-key.tar')),
            apiKey: leaked(keyApi.body),
            cpShadow: leaked(fileOf(ctx.alice, 'cp-shadow.tar')),
            headStat: head.headers.toLowerCase().includes('x-docker-container-path-stat'),
          }).toEqual({ cpKey: [], apiKey: [], cpShadow: [], headStat: false });
          expect([key.status, shadow.status]).not.toContain(0);
          expect(keyApi.code).toBeGreaterThanOrEqual(400);
        } finally {
          ctx.engine.admin(['rm', '-f', name]);
        }
      });

      test('docker restart does not mount what the swapped path now names', async () => {
        const { name } = await prepare('run', `swap-restart-${hex()}`, '/etc');
        try {
          const restart = await as(ctx.alice, `docker restart -t 0 ${name}`);
          const mine = await as(ctx.alice, `docker exec ${name} ls /d`);
          const rootView = ctx.engine.admin(['exec', name, 'ls', '/d']).stdout;
          expect({ hers: mine.stdout.includes('shadow'), dockerd: rootView.includes('shadow') }).toEqual({ hers: false, dockerd: false });
          expect(restart.status === 0 && rootView.includes('shadow')).toBe(false);
        } finally {
          ctx.engine.admin(['rm', '-f', name]);
        }
      });

      test('docker stop then docker start does not mount what the swapped path now names', async () => {
        const { name } = await prepare('run', `swap-start-${hex()}`, '/etc');
        try {
          await as(ctx.alice, `docker stop -t 0 ${name}`);
          const start = await as(ctx.alice, `docker start ${name}`);
          const rootView = ctx.engine.admin(['exec', name, 'ls', '/d']).stdout;
          expect(rootView.includes('shadow')).toBe(false);
          expect(start.status === 0 && running(name) === 'true' && rootView.includes('shadow')).toBe(false);
        } finally {
          ctx.engine.admin(['rm', '-f', name]);
        }
      });

      test('--volumes-from it does not mount what the swapped path now names', async () => {
        const { name } = await prepare('create', `swap-vf-${hex()}`, '/etc');
        try {
          const result = await expectNoNewContainer(() => as(ctx.alice, `docker run --rm ${self(ctx.alice)} --volumes-from ${name} ${IMAGE} sh -c 'ls /d; cat /d/shadow'`));
          expect({ listed: result.stdout.includes('passwd'), leaked: leaked(result.stdout) }).toEqual({ listed: false, leaked: [] });
          expect(result.status).not.toBe(0);
        } finally {
          ctx.engine.admin(['rm', '-f', name]);
        }
      });
    });

    describe('a container binding $HOME itself, with symlinks to /etc/shadow and bob\'s key inside it', () => {
      let holder: string;
      beforeAll(async () => {
        holder = `${ctx.alice.name}-home-${hex()}`;
        const made = await as(
          ctx.alice,
          `ln -sfn /etc/shadow $HOME/shadow-link && ln -sfn ${ctx.bob.home}/.docker/key.pem $HOME/bobkey-link && ln -sfn ${ctx.bob.home}/.docker $HOME/bobdir-link && ln -sfn / $HOME/root-link` +
            ` && docker run -d --name ${holder} ${self(ctx.alice)} -v $HOME:/h ${IMAGE} sleep 300`,
        );
        if (made.status !== 0) throw new Error(made.stderr);
      });
      afterAll(() => {
        ctx.engine.admin(['rm', '-f', holder]);
      });

      test('docker cp (with and without -L) and GET /archive read nothing of the host', async () => {
        const outputs: Record<string, Buffer | string> = {};
        const paths = ['/h/shadow-link', '/h/bobkey-link', '/h/bobdir-link/key.pem', '/h/root-link/etc/shadow', `/h/root-link${ctx.bob.home}/.docker/key.pem`, '/h/../../etc/shadow'];
        for (const [index, path] of paths.entries()) {
          await as(ctx.alice, `docker cp ${holder}:${path} - > $HOME/out-${index}.tar; docker cp -L ${holder}:${path} - > $HOME/outL-${index}.tar`);
          outputs[`cp ${path}`] = fileOf(ctx.alice, `out-${index}.tar`);
          outputs[`cp -L ${path}`] = fileOf(ctx.alice, `outL-${index}.tar`);
          outputs[`GET archive ${path}`] = (await api(ctx.alice, 'GET', `${API}/containers/${holder}/archive?path=${encodeURIComponent(path)}`)).body;
        }
        // Stopped, dockerd mounts the binds again for the copy.
        ctx.engine.admin(['stop', '-t', '0', holder]);
        for (const [index, path] of paths.entries()) {
          await as(ctx.alice, `docker cp -L ${holder}:${path} - > $HOME/outS-${index}.tar`);
          outputs[`cp -L (stopped) ${path}`] = fileOf(ctx.alice, `outS-${index}.tar`);
        }
        ctx.engine.admin(['start', holder]);
        // HEAD answers with a stat of the path (name, size, mode): nothing outside the container may be described.
        const heads: Record<string, number> = {};
        for (const path of ['/h/root-link/etc/shadow', '/h/bobdir-link/key.pem', `/h/root-link${ctx.bob.home}/.docker/key.pem`]) {
          heads[path] = (await api(ctx.alice, 'HEAD', `${API}/containers/${holder}/archive?path=${encodeURIComponent(path)}`, { head: true })).code;
        }
        const found = Object.entries(outputs).flatMap(([what, bytes]) => leaked(bytes).map((secret) => `${what}: ${secret}`));
        expect(found).toEqual([]);
        expect(Object.entries(heads).filter(([, code]) => code === 200)).toEqual([]);
      });

      test('docker restart then exec, and --volumes-from, read nothing of the host', async () => {
        const read = `cat /h/shadow-link /h/bobkey-link /h/bobdir-link/key.pem /h/root-link/etc/shadow /h/root-link${ctx.bob.home}/.docker/key.pem`;
        const restart = await as(ctx.alice, `docker restart -t 0 ${holder} && docker exec ${holder} sh -c '${read}'`);
        const from = await as(ctx.alice, `docker run --rm ${self(ctx.alice)} --volumes-from ${holder} ${IMAGE} sh -c '${read}'`);
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
        hers = join(root, `${ctx.alice.name}-dir`);
        const made = await as(ctx.alice, `mkdir ${hers}`);
        if (made.status !== 0) throw new Error(made.stderr);
      });
      afterAll(() => {
        rmSync(root, { recursive: true, force: true });
      });

      test('control: the root itself may be bound', async () => {
        await withRoot(async () => {
          const result = await as(ctx.alice, `docker run --rm ${self(ctx.alice)} -v ${root}:/s ${IMAGE} ls /s`);
          expect(result).toMatchObject({ status: 0, stdout: `${ctx.alice.name}-dir` });
        });
      });

      test('her own subdirectory in it (which she can rename and replace) may not, with -v or --mount', async () => {
        await withRoot(async () => {
          const volume = await expectNoNewContainer(() => as(ctx.alice, `docker create ${self(ctx.alice)} -v ${hers}:/d ${IMAGE} true`));
          const mount = await expectNoNewContainer(() => as(ctx.alice, `docker create ${self(ctx.alice)} --mount type=bind,src=${hers},dst=/d ${IMAGE} true`));
          expectRefusedByPlugin(volume);
          expectRefusedByPlugin(mount);
        });
      });
    });
  });
}
