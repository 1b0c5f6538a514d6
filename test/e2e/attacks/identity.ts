import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { LocalUser } from '../../support/users.js';
import { IMAGE, type AttackContext } from './context.js';
import { hex } from './run.js';

/** Class 2: an identity taken from the image rather than the certificate (exec and create without her own uid and gid). */
export function describeIdentity(ctx: AttackContext): void {
  const { self, as, expectNoNewContainer, expectRefusedByPlugin } = ctx;
  describe('2. identity taken from the image', () => {
    let box: string;
    beforeAll(async () => {
      box = `${ctx.alice.name}-box-${hex()}`;
      const started = await as(ctx.alice, `docker run -d --name ${box} ${self(ctx.alice)} -v $HOME:/h ${IMAGE} sleep 600`);
      if (started.status !== 0) throw new Error(`alice could not start her own container: ${started.stderr}`);
    });
    afterAll(() => {
      ctx.engine.admin(['rm', '-f', box]);
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
      const result = await as(ctx.alice, `docker exec ${flag(ctx.alice)} ${box} sh -c 'id > /tmp/${marker}; id > /h/${marker}'`);
      const inside = ctx.engine.admin(['exec', box, 'cat', `/tmp/${marker}`]);
      // What the exec ran as, when it ran: `id` inside her container.
      expect({ ranInside: inside.status === 0 ? inside.stdout.trim() : false, ranInHome: existsSync(join(ctx.alice.home, marker)) }).toEqual({ ranInside: false, ranInHome: false });
      expectRefusedByPlugin(result);
    });

    test.each<[string, (a: LocalUser) => string]>([
      ['--group-add 0', (a) => `${self(a)} --group-add 0`],
      ['--group-add root', (a) => `${self(a)} --group-add root`],
      ["--group-add <bob's gid>", (a) => `${self(a)} --group-add ${ctx.bob.gid}`],
      ['--group-add 42 (shadow, a gid she is not in)', (a) => `${self(a)} --group-add 42`],
      ['-u <her uid> with no gid', (a) => `-u ${a.uid} --security-opt no-new-privileges`],
      ['-u <her uid>:0', (a) => `-u ${a.uid}:0 --security-opt no-new-privileges`],
    ])('docker create %s: refused, no container', async (_what, flags) => {
      const result = await expectNoNewContainer(() => as(ctx.alice, `docker create ${flags(ctx.alice)} ${IMAGE} id`));
      expectRefusedByPlugin(result);
    });
  });
}
