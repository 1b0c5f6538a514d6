import { API, IMAGE, type AttackContext, type ApiResult } from './context.js';
import { startListener } from './listener.js';
import { sleep, type Run } from './run.js';

/** Class 6: daemon-side fetches the user points at an address of her choosing. */
export function describeFetches(ctx: AttackContext): void {
  const { as, api, imageId, expectRefusedByPlugin, expectApiRefusedByPlugin } = ctx;
  describe('6. daemon-side fetches the user points at an address', () => {
    test.each<[string, (port: number) => Promise<Run | ApiResult>]>([
      ['GET /distribution/127.0.0.1:PORT/x:1/json', (port) => api(ctx.alice, 'GET', `${API}/distribution/127.0.0.1:${port}/x:1/json`)],
      ['POST /images/create?fromSrc=http://127.0.0.1:PORT/x.tar', (port) => api(ctx.alice, 'POST', `${API}/images/create?fromSrc=${encodeURIComponent(`http://127.0.0.1:${port}/x.tar`)}&repo=dockauth-test%2Fbusybox&tag=latest`)],
      ['POST /build?remote=http://127.0.0.1:PORT/ctx.tar', (port) => api(ctx.alice, 'POST', `${API}/build?remote=${encodeURIComponent(`http://127.0.0.1:${port}/ctx.tar`)}&t=dockauth-test%2Fbusybox%3Alatest`)],
      ['POST /auth with serveraddress 127.0.0.1:PORT', (port) => api(ctx.alice, 'POST', `${API}/auth`, { headers: ['Content-Type: application/json'], body: JSON.stringify({ username: 'u', password: 'p', serveraddress: `127.0.0.1:${port}` }) })],
      ['docker login 127.0.0.1:PORT', (port) => as(ctx.alice, `echo p | docker login -u u --password-stdin 127.0.0.1:${port}`)],
      ['docker pull 127.0.0.1:PORT/x:1', (port) => as(ctx.alice, `docker pull 127.0.0.1:${port}/x:1`)],
      ['POST /plugins/pull?remote=127.0.0.1:PORT/x:1', (port) => api(ctx.alice, 'POST', `${API}/plugins/pull?remote=127.0.0.1:${port}%2Fx%3A1`, { headers: ['Content-Type: application/json'], body: '[]' })],
    ])('%s: the listener gets no connection, and the request is refused', async (_what, attempt) => {
      const listener = await startListener(ctx.evilTar);
      const shared = imageId(IMAGE);
      try {
        const result = await attempt(listener.port);
        await sleep(300);
        expect({ connections: listener.connections, requests: listener.requests, shared: imageId(IMAGE) }).toEqual({ connections: 0, requests: [], shared });
        if ('code' in result) expectApiRefusedByPlugin(result);
        else expectRefusedByPlugin(result);
      } finally {
        if (shared && imageId(IMAGE) !== shared) ctx.engine.admin(['tag', shared, IMAGE]);
        await listener.close();
      }
    });
  });
}
