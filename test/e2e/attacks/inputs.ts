import { API, IMAGE, type AttackContext } from './context.js';
import { startListener } from './listener.js';
import { hex, sleep } from './run.js';

/** Class 1: inputs dockerd reads that the plugin never judged (form bodies, unknown query parameters, image and tag combined). */
export function describeInputs(ctx: AttackContext): void {
  const { self, as, api, imageId, imageIds, running, expectNoNewContainer, expectApiRefusedByPlugin, auditLines, auditSince, withPolicy } = ctx;
  describe('1. inputs the plugin never judged', () => {
    /** Puts the shared image back if an attack re-pointed it, so later tests still run. */
    const restoreImage = (id: string): void => {
      if (id !== '' && imageId(IMAGE) !== id) ctx.engine.admin(['tag', id, IMAGE]);
    };

    test.each([
      ['application/x-www-form-urlencoded'],
      ['APPLICATION/X-WWW-Form-UrlEncoded'],
      ['application/x-www-form-urlencoded; charset=utf-8'],
    ])('a form body (%s) on POST /images/create cannot turn an allowed pull into an import over the shared image', async (contentType) => {
      const listener = await startListener(ctx.evilTar);
      const before = imageId(IMAGE);
      try {
        const result = await api(ctx.alice, 'POST', `${API}/images/create?fromImage=dockauth-test%2Fbusybox&tag=latest`, {
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
        const result = await api(ctx.alice, 'POST', `${API}/images/create?fromImage=dockauth-test%2Fbusybox&tag=latest`, {
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
      const name = `${ctx.alice.name}-form-${hex()}`;
      const result = await expectNoNewContainer(() =>
        api(ctx.alice, 'POST', `${API}/containers/create?name=${name}`, { headers: ['Content-Type: application/x-www-form-urlencoded'], body: `name=${name}-body` }),
      );
      expect(result.code).toBeGreaterThanOrEqual(400);
    });

    test('a form body on DELETE /containers/{id} (force=1 in the body, force=0 in the query) removes nothing', async () => {
      const name = `${ctx.alice.name}-keep-${hex()}`;
      expect((await as(ctx.alice, `docker run -d --name ${name} ${self(ctx.alice)} ${IMAGE} sleep 60`)).status).toBe(0);
      try {
        const result = await api(ctx.alice, 'DELETE', `${API}/containers/${name}?force=0`, { headers: ['Content-Type: application/x-www-form-urlencoded'], body: 'force=1&v=1' });
        expect(running(name)).toBe('true');
        expect(result.code).toBeGreaterThanOrEqual(400);
      } finally {
        ctx.engine.admin(['rm', '-f', name]);
      }
    });

    test('a query parameter the plugin does not know (start ?checkpoint=&checkpoint-dir=/etc) is refused by the plugin, and the container stays stopped', async () => {
      const name = `${ctx.alice.name}-ckpt-${hex()}`;
      expect((await as(ctx.alice, `docker create --name ${name} ${self(ctx.alice)} ${IMAGE} sleep 30`)).status).toBe(0);
      try {
        const mark = auditLines().length;
        const result = await api(ctx.alice, 'POST', `${API}/containers/${name}/start?checkpoint=c1&checkpoint-dir=%2Fetc`);
        expect(running(name)).toBe('false');
        expect(result.code).toBeGreaterThanOrEqual(400);
        // dockerd itself refuses checkpoints when not experimental; the plugin must not rely on that.
        const records = auditSince(mark).filter((record) => String(record.endpoint).endsWith('/start'));
        expect(records.map((record) => record.decision)).toEqual(['deny']);
      } finally {
        ctx.engine.admin(['rm', '-f', name]);
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
          const result = await api(ctx.alice, 'POST', `${API}/images/create?${query}`);
          expect(imageIds()).toEqual(before);
          const records = auditSince(mark).filter((record) => record.endpoint === '/images/create');
          expect(records.map((record) => record.decision)).toEqual(['deny']);
          expectApiRefusedByPlugin(result);
        });
      });

      test('control: busybox:1.0 itself is allowed by that policy (the edit took effect)', async () => {
        await withPolicy(onlyBusybox10, async () => {
          const mark = auditLines().length;
          await api(ctx.alice, 'POST', `${API}/images/create?fromImage=busybox&tag=1.0`);
          // Allowed once by the plugin, and, through the gateway, by the gateway before it.
          const records = auditSince(mark).filter((record) => record.endpoint === '/images/create');
          expect([...new Set(records.map((record) => `${record.decided_by} ${record.decision}`))].sort()).toEqual(ctx.via === 'gateway' ? ['gateway allow', 'plugin allow'] : ['plugin allow']);
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
      const result = await api(ctx.alice, 'POST', `${API}/images/create?${query}`);
      expect({ images: imageIds(), shared: imageId(IMAGE) }).toEqual({ images: before, shared });
      const records = auditSince(mark).filter((record) => record.endpoint === '/images/create');
      expect(records.map((record) => record.decision)).toEqual(['deny']);
      expectApiRefusedByPlugin(result);
    });
  });
}
