// Fairness: one user's ordinary decisions, alone and beside another user's hostile load
// (four connections sending 1 MiB creates with 64 deep bind paths each, as fast as the
// plugin answers). Reports the first user's p50/p99 both ways. The plugin is pinned to
// one core, so the hostile user competes for exactly what the ordinary one needs.
// Usage: node bench/plugin-fairness.mjs [requests]   (run after `pnpm build`)
import { authzRequest, connection, ordinaryCreate, percentile, startBenchPlugin, timed } from './plugin-harness.mjs';

const count = Number(process.argv[2] ?? 3000);
const plugin = await startBenchPlugin(['nobody', 'daemon']);
const { nobody, daemon } = plugin.identities;
const ordinary = connection(plugin.socket, authzRequest('nobody', nobody.certificate, ordinaryCreate(nobody)));
// Just under dockerd's 1 MiB forwarding limit: a long environment, and as many bind
// sources as one create may carry, each a deep path the plugin must walk.
const hostileBody = ordinaryCreate(daemon);
const deep = `/usr${'/share/../lib'.repeat(40)}`;
hostileBody.HostConfig.Binds = Array.from({ length: 64 }, (_, i) => `${deep}/x${i}:/m${i}`);
hostileBody.Env = Array.from({ length: 9000 }, (_, i) => `VARIABLE_${i}=${'x'.repeat(90)}`);
const hostileMessage = authzRequest('daemon', daemon.certificate, hostileBody);

const measure = async () => {
  const latencies = [];
  for (let i = 0; i < count; i++) latencies.push((await timed(ordinary)).ns);
  latencies.sort((a, b) => a - b);
  return { p50: Number(percentile(latencies, 0.5).toFixed(3)), p99: Number(percentile(latencies, 0.99).toFixed(3)), max: Number((latencies.at(-1) / 1e6).toFixed(3)) };
};

for (let i = 0; i < 10000; i++) await timed(ordinary); // warm-up, as in plugin-decisions.mjs
const alone = await measure();
const hostile = Array.from({ length: 4 }, () => connection(plugin.socket, hostileMessage));
let running = true;
let hostileDone = 0;
const loops = hostile.map(async (conn) => {
  while (running) {
    await conn.send();
    hostileDone++;
  }
});
await new Promise((resolve) => setTimeout(resolve, 500));
const beside = await measure();
running = false;
await Promise.all(loops);
for (const conn of [ordinary, ...hostile]) conn.close();
plugin.stop();

const result = {
  requests: count,
  hostileBodyBytes: Buffer.byteLength(JSON.stringify(hostileBody)),
  hostileRequestsServed: hostileDone,
  aloneMs: alone,
  besideHostileMs: beside,
  p99AddedMs: Number((beside.p99 - alone.p99).toFixed(3)),
  target: 'the ordinary user\'s p99 rises by no more than a few milliseconds',
};
console.log(JSON.stringify(result, null, 2));
