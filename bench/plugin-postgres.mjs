// The plugin on a shared inventory (PostgreSQL) beside the embedded one (SQLite):
// decision latency for the same container create (same method as plugin-decisions.mjs),
// and how long a revocation takes to be refused, over N revocations: from just before the
// CA's revoke call to the plugin's first refusal, the revoked certificate asked about
// continuously (a user who keeps working). Usage: node bench/plugin-postgres.mjs [N]
import { createRequire } from 'node:module';
import { authzRequest, connection, ordinaryCreate, percentile, startBenchPlugin, timed } from './plugin-harness.mjs';
import { startBenchPostgres } from './postgres-harness.mjs';

const revocations = Number(process.argv[2] ?? 100);
const { CaStore } = await import(createRequire(import.meta.url).resolve('../packages/ca/dist/index.js'));

/** p50 and p99 of one round: 5000 creates after a warm-up (same method as plugin-decisions.mjs). */
async function round(plugin, warmUp) {
  const nobody = plugin.identities.nobody;
  const client = connection(plugin.socket, authzRequest('nobody', nobody.certificate, ordinaryCreate(nobody)));
  for (let i = 0; i < warmUp; i++) await timed(client);
  const samples = [];
  for (let i = 0; i < 5000; i++) samples.push((await timed(client)).ns);
  client.close();
  samples.sort((a, b) => a - b);
  return { p50: percentile(samples, 0.5), p99: percentile(samples, 0.99) };
}

// Both plugins at once, measured in alternate rounds: a noisy spell of the shared machine
// hits both sides, and each side reports the median of its rounds.
const sqlite = await startBenchPlugin(['nobody']);
const db = await startBenchPostgres();
const plugin = await startBenchPlugin(['nobody'], { caInitArgs: ['--inventory', db.url, '--inventory-password-file', db.passwordFile] });
await new Promise((resolve) => setTimeout(resolve, 500)); // the plugin's first read of the inventory
const rounds = { sqlite: [], postgres: [] };
for (let i = 0; i < 5; i++) {
  rounds.sqlite.push(await round(sqlite, i === 0 ? 20000 : 2000));
  rounds.postgres.push(await round(plugin, i === 0 ? 20000 : 2000));
}
sqlite.stop();
const median = (values) => Number([...values].sort((a, b) => a - b)[Math.floor(values.length / 2)].toFixed(3));
const summary = (list) => ({ p50: median(list.map((r) => r.p50)), p99: median(list.map((r) => r.p99)), p99Rounds: list.map((r) => Number(r.p99.toFixed(3))) });
const sqliteMs = summary(rounds.sqlite);
const postgresMs = summary(rounds.postgres);

// Revocations, one after another, each certificate allowed just before it is revoked.
const store = await CaStore.open(plugin.state);
const nobody = plugin.identities.nobody;
const propagation = [];
for (let i = 0; i < revocations; i++) {
  const issued = await store.issueClient({ user: 'nobody' });
  const ask = connection(plugin.socket, authzRequest('nobody', issued.certificatePem, ordinaryCreate(nobody)));
  while (!JSON.parse((await timed(ask)).text).Allow); // known to the plugin
  const started = process.hrtime.bigint();
  const revoking = store.revoke(issued.record.serial);
  while (JSON.parse((await timed(ask)).text).Allow);
  propagation.push(Number(process.hrtime.bigint() - started) / 1e6);
  await revoking;
  ask.close();
}
await store.close();
plugin.stop();
db.stop();
propagation.sort((a, b) => a - b);
const result = {
  decisionLatencyMs: { sqlite: sqliteMs, postgres: postgresMs },
  revocation: {
    count: revocations,
    medianMs: Number(propagation[Math.floor(propagation.length / 2)].toFixed(1)),
    p90Ms: Number(propagation[Math.floor(propagation.length * 0.9)].toFixed(1)),
    maxMs: Number(propagation.at(-1).toFixed(1)),
  },
  targets: { p99BelowMs: 1, revocationMaxBelowMs: 1000 },
};
result.met = postgresMs.p99 < 1 && result.revocation.maxMs < 1000;
console.log(JSON.stringify(result, null, 2));
process.exit(0);
