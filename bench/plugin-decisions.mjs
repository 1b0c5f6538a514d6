// Decision latency (p50, p99) and throughput of `dockauth authz serve` over its
// socket, for a typical container-create request, with the plugin pinned to one
// core. Usage: node bench/plugin-decisions.mjs [seconds]   (run after `pnpm build`)
// To profile the plugin: BENCH_PLUGIN_NODE_FLAGS="--cpu-prof --cpu-prof-dir=/tmp/prof".
import { cpus } from 'node:os';
import { authzRequest, connection, ordinaryCreate, percentile, startBenchPlugin, timed } from './plugin-harness.mjs';

const seconds = Number(process.argv[2] ?? 5);
const plugin = await startBenchPlugin(['nobody']);
const nobody = plugin.identities.nobody;
const message = authzRequest('nobody', nobody.certificate, ordinaryCreate(nobody));
const client = connection(plugin.socket, message);

const first = await timed(client);
// A full decision: identity and revocation, policy, the body as dockerd reads it, the bind path, the image.
// Warm-up: a plugin serves dockerd for days. Until V8 has compiled the hot paths (a few
// thousand requests), background compilation shares the plugin's one core and shows up as
// millisecond stalls that a running plugin never has.
for (let i = 0; i < 20000; i++) await timed(client);
const latencies = [];
for (let i = 0; i < 5000; i++) latencies.push((await timed(client)).ns);
latencies.sort((a, b) => a - b);

// Throughput: 16 concurrent calls, each on its own connection with one request at a time,
// as dockerd's plugin client (Go's HTTP transport, which does not pipeline) makes them.
const connections = Array.from({ length: 16 }, () => connection(plugin.socket, message));
let done = 0;
const stopAt = Date.now() + seconds * 1000;
const worker = async (conn) => {
  while (Date.now() < stopAt) {
    await conn.send();
    done++;
  }
};
const started = Date.now();
await Promise.all(connections.map(worker));
const throughput = done / ((Date.now() - started) / 1000);
for (const conn of [client, ...connections]) conn.close();
plugin.stop();

const result = {
  machine: `${cpus().length} x ${cpus()[0]?.model ?? 'cpu'}`,
  pluginPinnedToOneCore: plugin.taskset,
  verdict: JSON.parse(first.text).Allow ? 'allow' : 'deny',
  latencyMs: { p50: Number(percentile(latencies, 0.5).toFixed(3)), p99: Number(percentile(latencies, 0.99).toFixed(3)), max: Number((latencies.at(-1) / 1e6).toFixed(3)) },
  decisionsPerSecond: Math.round(throughput),
  targets: { p99BelowMs: 1, decisionsPerSecondAbove: 10000 },
};
result.met = result.latencyMs.p99 < 1 && result.decisionsPerSecond > 10000;
console.log(JSON.stringify(result, null, 2));
