import { IMAGE, type AttackContext } from './context.js';

/** Class 7: resources without a bound. */
export function describeBounds(ctx: AttackContext): void {
  const { self, as, expectNoNewContainer, expectRefusedByPlugin } = ctx;
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
      const result = await expectNoNewContainer(() => as(ctx.alice, `docker create ${self(ctx.alice)} ${flags.replace(/ \(.*\)$/, '')} ${IMAGE} true`));
      expectRefusedByPlugin(result);
    });
  });
}
