import { chownSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { IMAGE, type AttackContext } from './context.js';
import { hex, sleep } from './run.js';

/** The control for all of them: the work a scientist does keeps working. */
export function describeLegitimateWork(ctx: AttackContext): void {
  const { self, as, imageId, volumes, withPolicy } = ctx;
  describe('the work a scientist does keeps working', () => {
    let job: string;
    beforeAll(async () => {
      job = `${ctx.alice.name}-job-${hex()}`;
      const started = await as(ctx.alice, `docker run -d --name ${job} ${self(ctx.alice)} -v $HOME:$HOME -w $HOME ${IMAGE} sh -c 'echo started; echo result > legit-result; sleep 300'`);
      if (started.status !== 0) throw new Error(started.stderr);
    });
    afterAll(() => {
      ctx.engine.admin(['rm', '-f', job]);
    });

    test('with build on, she builds an image under her own name (classic builder) and runs it; a shared name or the host network is refused', async () => {
      await withPolicy((text) => text.replace('  build: false', '  build: true'), async () => {
        const context = join(ctx.alice.home, 'ctx');
        mkdirSync(context, { recursive: true });
        writeFileSync(join(context, 'Dockerfile'), `FROM ${IMAGE}\nRUN echo built > /built\n`);
        chownSync(context, ctx.alice.uid, ctx.alice.gid);
        const tag = `${ctx.alice.name}/tool:1`;
        const built = await as(ctx.alice, `cd $HOME/ctx && DOCKER_BUILDKIT=0 docker build -q -t ${tag} .`);
        expect({ status: built.status, stderr: built.stderr.replace(/DEPRECATED[\s\S]*?\n\n/, '') }).toMatchObject({ status: 0 });
        expect((await as(ctx.alice, `docker run --rm ${self(ctx.alice)} ${tag} cat /built`)).stdout).toBe('built');
        const shared = imageId(IMAGE);
        const overShared = await as(ctx.alice, `cd $HOME/ctx && DOCKER_BUILDKIT=0 docker build -q -t ${IMAGE} .`);
        expect(overShared.status).not.toBe(0);
        expect(overShared.stderr).toMatch(/authorization denied by (plugin \S+|dockauth): .*tag under your own name/);
        expect(imageId(IMAGE)).toBe(shared);
        const hostNetwork = await as(ctx.alice, `cd $HOME/ctx && DOCKER_BUILDKIT=0 docker build -q --network host -t ${tag} .`);
        expect(hostNetwork.stderr).toMatch(/authorization denied by (plugin \S+|dockauth): .*--network host is not allowed/);
        ctx.engine.admin(['rmi', '-f', tag]);
      });
    });

    test('run as herself with her home, exec, logs', async () => {
      const end = Date.now() + 10_000;
      while (!existsSync(join(ctx.alice.home, 'legit-result')) && Date.now() < end) await sleep(100);
      expect(readFileSync(join(ctx.alice.home, 'legit-result'), 'utf8')).toBe('result\n');
      expect((await as(ctx.alice, `docker logs ${job}`)).stdout).toBe('started');
      expect((await as(ctx.alice, `docker exec ${job} id -u`)).stdout).toBe(String(ctx.alice.uid));
      expect((await as(ctx.alice, `docker exec -u ${ctx.alice.uid}:${ctx.alice.gid} ${job} id -g`)).stdout).toBe(String(ctx.alice.gid));
    });

    test('docker cp out of her own container', async () => {
      const result = await as(ctx.alice, `docker cp ${job}:/etc/passwd $HOME/copied-passwd && cat $HOME/copied-passwd`);
      expect(result).toMatchObject({ status: 0 });
      expect(result.stdout).toContain('root:x:0:0');
    });

    test('create and remove her own volume (made with plain docker volume create)', async () => {
      const volume = `alicevol-${hex()}`;
      const made = await as(ctx.alice, `docker volume create ${volume}`);
      expect(made.status).toBe(0);
      const removed = await as(ctx.alice, `docker volume rm ${volume}`);
      expect({ removed: removed.status, stderr: removed.stderr, left: volumes().includes(volume) }).toEqual({ removed: 0, stderr: '', left: false });
    });

    test('docker system df', async () => {
      const result = await as(ctx.alice, 'docker system df');
      expect(result.stderr).toBe('');
      expect(result.status).toBe(0);
    });

    test('create her own bridge network, attach her container to it, remove it', async () => {
      const network = `mynet-${hex()}`;
      try {
        const created = await as(ctx.alice, `docker network create ${network}`);
        expect({ status: created.status, stderr: created.stderr }).toEqual({ status: 0, stderr: '' });
        const run = await as(ctx.alice, `docker run --rm ${self(ctx.alice)} --network ${network} ${IMAGE} true`);
        expect({ status: run.status, stderr: run.stderr }).toEqual({ status: 0, stderr: '' });
        const connected = await as(ctx.alice, `docker network connect ${network} ${job} && docker network disconnect ${network} ${job}`);
        expect({ status: connected.status, stderr: connected.stderr }).toEqual({ status: 0, stderr: '' });
        const removed = await as(ctx.alice, `docker network rm ${network}`);
        expect({ status: removed.status, stderr: removed.stderr }).toEqual({ status: 0, stderr: '' });
      } finally {
        ctx.engine.admin(['network', 'disconnect', '-f', network, job]);
        ctx.engine.admin(['network', 'rm', network]);
      }
    });
  });
}
