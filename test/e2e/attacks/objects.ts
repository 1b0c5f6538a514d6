import { IMAGE, type AttackContext } from './context.js';
import { hex } from './run.js';

/** Class 4: other users' objects by name (volumes, and containers to join). */
export function describeObjects(ctx: AttackContext): void {
  const { self, as, volumes, expectNoNewContainer, expectRefusedByPlugin } = ctx;
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
      bobc = `${ctx.bob.name}-c-${hex()}`;
      for (const key of ['plain', 'implicit', 'anonymous']) secrets[key] = `secret-${key}-${hex(8)}`;
      // A fresh volume mounted over the image's /tmp takes its mode (1777), so bob can write into it.
      const steps = [
        `docker volume create ${bobvol}`,
        `docker run --rm ${self(ctx.bob)} -v ${bobvol}:/tmp ${IMAGE} sh -c 'echo ${secrets.plain} > /tmp/secret'`,
        `docker run --rm ${self(ctx.bob)} -v ${bobvol2}:/tmp ${IMAGE} sh -c 'echo ${secrets.implicit} > /tmp/secret'`,
        `docker run -d --name ${bobc} ${self(ctx.bob)} -v /tmp ${IMAGE} sh -c 'echo ${secrets.anonymous} > /tmp/secret; sleep 600'`,
      ];
      // Each is ordinary work for bob; one he cannot do is reported by the test below, not by all of them.
      for (const step of steps) {
        const result = await as(ctx.bob, step);
        if (result.status !== 0) setupProblems.push(`${step}: ${result.stderr}`);
      }
      const found = ctx.engine.admin(['inspect', '-f', '{{range .Mounts}}{{.Name}}{{end}}', bobc]).stdout.trim();
      anonymous = /^[0-9a-f]{64}$/.test(found) ? found : `${'0'.repeat(63)}1`;
    });

    test('bob can make his own volumes three ways and use them (the setup of the attacks below)', () => {
      expect(setupProblems).toEqual([]);
      expect(volumes()).toEqual(expect.arrayContaining([bobvol, bobvol2, anonymous]));
    });
    afterAll(() => {
      ctx.engine.admin(['rm', '-f', bobc]);
    });

    test.each<[string, () => string, string]>([
      ['-v bobvol:/v (made with docker volume create)', () => `-v ${bobvol}:/v`, 'plain'],
      ['--mount type=volume,src=bobvol,dst=/v', () => `--mount type=volume,src=${bobvol},dst=/v`, 'plain'],
      ["-v bobvol2:/v (made implicitly by bob's -v bobvol2:/tmp)", () => `-v ${bobvol2}:/v`, 'implicit'],
      ['--mount type=volume,src=bobvol2,dst=/v,readonly', () => `--mount type=volume,src=${bobvol2},dst=/v,readonly`, 'implicit'],
      ["-v <the anonymous volume of bob's container, as docker volume ls names it>:/v", () => `-v ${anonymous}:/v`, 'anonymous'],
    ])("mounting bob's volume with %s: refused, and the secret is not read", async (_what, flags, secret) => {
      const result = await expectNoNewContainer(() => as(ctx.alice, `docker run --rm ${self(ctx.alice)} ${flags()} ${IMAGE} cat /v/secret`));
      expect(result.stdout).not.toContain(secrets[secret]);
      expectRefusedByPlugin(result);
    });

    test('alice "creating" bob\'s volume by its name (dockerd answers with his) does not make it hers', async () => {
      await as(ctx.alice, `docker volume create ${bobvol}`);
      const mount = await expectNoNewContainer(() => as(ctx.alice, `docker run --rm ${self(ctx.alice)} -v ${bobvol}:/v ${IMAGE} cat /v/secret`));
      const remove = await as(ctx.alice, `docker volume rm ${bobvol}`);
      expect({ read: mount.stdout.includes(secrets.plain as string), volumeExists: volumes().includes(bobvol) }).toEqual({ read: false, volumeExists: true });
      expectRefusedByPlugin(mount);
      expectRefusedByPlugin(remove);
    });

    test.each<[string, () => string, () => string]>([
      ['docker volume rm bobvol', () => `docker volume rm ${bobvol}`, () => bobvol],
      ['docker volume rm -f bobvol2', () => `docker volume rm -f ${bobvol2}`, () => bobvol2],
      ["docker volume rm -f <the anonymous volume of bob's container>", () => `docker volume rm -f ${anonymous}`, () => anonymous],
    ])('%s: refused, and the volume is still there', async (_what, command, volume) => {
      const result = await as(ctx.alice, command());
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
      const result = await expectNoNewContainer(() => as(ctx.alice, `docker run --rm ${self(ctx.alice)} ${reference} ${IMAGE} sh -c 'cat /tmp/secret /proc/1/environ 2>/dev/null; true'`));
      expect(result.stdout).not.toContain(secrets.anonymous);
      expectRefusedByPlugin(result);
    });
  });
}
