// Fairness: one user's ordinary decisions, alone and beside another user's hostile load:
// four connections sending creates as fast as the plugin answers, first of 1 MiB (what
// dockerd forwards at most), then just under the size the plugin parses, each with 64 deep
// bind paths to walk. Reports the first user's p50/p99 each way. The plugin is pinned to
// one core, so the hostile user competes for exactly what the ordinary one needs.
// Usage: node bench/plugin-fairness.mjs [requests]   (run after `pnpm build`)
import { authzRequest, connection, ordinaryCreate, percentile, startBenchPlugin, timed } from './plugin-harness.mjs';

const count = Number(process.argv[2] ?? 3000);
const plugin = await startBenchPlugin(['nobody', 'daemon']);
const { nobody, daemon } = plugin.identities;
const ordinary = connection(plugin.socket, authzRequest('nobody', nobody.certificate, ordinaryCreate(nobody)));
// Just under dockerd's 1 MiB forwarding limit: a long environment, and as many bind
// sources as one create may carry, each a deep path the plugin must walk.
const deep = `/usr${'/share/../lib'.repeat(40)}`;
const hostileBody = (variables) => {
  const body = ordinaryCreate(daemon);
  body.HostConfig.Binds = Array.from({ length: 64 }, (_, i) => `${deep}/x${i}:/m${i}`);
  body.Env = Array.from({ length: variables }, (_, i) => `VARIABLE_${i}=${'x'.repeat(90)}`);
  return body;
};

const measure = async () => {
  const latencies = [];
  for (let i = 0; i < count; i++) latencies.push((await timed(ordinary)).ns);
  latencies.sort((a, b) => a - b);
  return { p50: Number(percentile(latencies, 0.5).toFixed(3)), p99: Number(percentile(latencies, 0.99).toFixed(3)), max: Number((latencies.at(-1) / 1e6).toFixed(3)) };
};

/** The ordinary user's latencies while four connections send `body` as fast as they are answered. */
const beside = async (body) => {
  const hostile = Array.from({ length: 4 }, () => connection(plugin.socket, authzRequest('daemon', daemon.certificate, body)));
  let running = true;
  let served = 0;
  let refused = 0;
  const loops = hostile.map(async (conn) => {
    while (running) {
      if (!JSON.parse(await conn.send()).Allow) refused++;
      served++;
    }
  });
  await new Promise((resolve) => setTimeout(resolve, 500));
  const latency = await measure();
  running = false;
  await Promise.all(loops);
  for (const conn of hostile) conn.close();
  return { hostileBodyBytes: Buffer.byteLength(JSON.stringify(body)), hostileServed: served, hostileRefused: refused, ...latency };
};

for (let i = 0; i < 10000; i++) await timed(ordinary); // warm-up, as in plugin-decisions.mjs
const alone = await measure();
const oversize = await beside(hostileBody(9000));
const underLimit = await beside(hostileBody(1000));
ordinary.close();
plugin.stop();

const result = {
  requests: count,
  aloneMs: alone,
  beside1MiBMs: oversize,
  besideLargestParsedMs: underLimit,
  p99AddedMs: Number((Math.max(oversize.p99, underLimit.p99) - alone.p99).toFixed(3)),
  target: 'the ordinary user\'s p99 rises by no more than a few milliseconds',
};
console.log(JSON.stringify(result, null, 2));
