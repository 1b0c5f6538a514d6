// dockauth next to openssl and cfssl, in the same run on the same machine: whole processes,
// several runs, medians, min–max and ratios. Writes bench/RESULTS.md and bench/ratios.svg.
// Usage: bench/run   (after the README's set-up; needs openssl, golang-cfssl)
import { execFileSync, spawnSync } from 'node:child_process';
import { cpus, totalmem } from 'node:os';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { executableStartup } from './executable-startup.mjs';
import { fmt, measure, measureSideBySide, pairedRatio, ratioChart, stats, timeShell } from './lib.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const node = process.execPath;
const bin = join(root, 'packages/cli/bin/dockauth.js');
const dockauth = `${node} ${bin}`;
const quick = process.env.BENCH_QUICK === '1';
const RUNS = quick ? 3 : 9;
const BATCH = quick ? 100 : 1000;
const work = mkdtempSync(join(tmpdir(), 'dockauth-bench-'));
process.chdir(work); // every peer command uses paths relative to the work directory
const sections = [];
const chart = [];
const log = (line) => process.stdout.write(`${line}\n`);
const sh = (command, cwd = work) => execFileSync('sh', ['-c', command], { cwd, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });

function table(title, rows, note = '') {
  const lines = [`### ${title}`, '', '| what | median | min–max | runs |', '|---|---|---|---|'];
  for (const [label, s] of rows) lines.push(`| ${label} | ${fmt(s.median)} | ${fmt(s.min)}–${fmt(s.max)} | ${s.runs} |`);
  if (note) lines.push('', note);
  sections.push(lines.join('\n'));
  for (const [label, s] of rows) log(`  ${label.padEnd(58)} ${fmt(s.median).padStart(10)}  (${fmt(s.min)}–${fmt(s.max)})`);
}

function verdict(label, value, target, better = 'lower') {
  const met = better === 'lower' ? value <= target : value >= target;
  const line = `- ${label}: **${value.toFixed(2)}${better === 'lower' ? '×' : ''}** — target ${better === 'lower' ? '≤' : '≥'} ${target}${better === 'lower' ? '×' : ''}: ${met ? 'met' : '**missed**'}`;
  sections.push(line);
  log(`  => ${line.replace(/\*\*/g, '')}`);
  return met;
}

// BENCH_ONLY=gateway runs that one section alone and puts it into the existing RESULTS.md in place of
// its last version (before the analysis), leaving every other section and ratios.svg as they are.
const only = process.env.BENCH_ONLY;
if (only) {
  const alone = { gateway: gatewaySection }[only];
  if (!alone) throw new Error(`BENCH_ONLY=${only}: the sections that run alone are: gateway`);
  log(`dockauth benchmarks, section ${only} alone, in ${work}${quick ? ' (quick)' : ''}`);
  alone();
  const results = join(root, 'bench/RESULTS.md');
  const previous = readFileSync(results, 'utf8');
  const heading = sections[0].split('\n')[0].replace(/\(.*$/, '');
  const note = `Run ${new Date().toISOString()} alone (\`BENCH_ONLY=${only} node bench/bench.mjs\`${quick ? ', BENCH_QUICK=1' : ''}); the other sections are from their own runs.`;
  const fresh = [sections[0].replace('\n\n', `\n\n${note}\n\n`), ...sections.slice(1)].join('\n\n');
  const lines = previous.split('\n');
  const from = lines.findIndex((line) => line.startsWith(heading));
  let to = from < 0 ? lines.findIndex((line) => line.startsWith('## ')) : lines.findIndex((line, i) => i > from && /^##+ /.test(line));
  if (to < 0) to = lines.length;
  lines.splice(from < 0 ? to : from, from < 0 ? 0 : to - from, ...fresh.split('\n'), '');
  writeFileSync(results, lines.join('\n'));
  rmSync(work, { recursive: true, force: true });
  log(`\nwrote section ${only} into bench/RESULTS.md`);
  process.exit(0);
}

// --- a shared CA (openssl-made P-256), imported by dockauth and used by cfssl and openssl ---
mkdirSync(join(work, 'pki'));
sh('openssl ecparam -name prime256v1 -genkey -noout -out pki/ca-key.pem && openssl req -x509 -new -key pki/ca-key.pem -subj "/CN=Bench CA" -days 3650 -addext basicConstraints=critical,CA:TRUE -addext keyUsage=critical,keyCertSign,cRLSign -out pki/ca.pem');
writeFileSync(join(work, 'pki/ca-config.json'), JSON.stringify({ signing: { default: { expiry: '8760h' }, profiles: { client: { usages: ['signing', 'digital signature', 'client auth'], expiry: '8760h' } } } }));
writeFileSync(join(work, 'pki/client.ext'), 'basicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=clientAuth\nsubjectKeyIdentifier=hash\nauthorityKeyIdentifier=keyid\n');
const state = join(work, 'state');
sh(`${dockauth} --dir ${state} ca init --import-cert pki/ca.pem --import-key pki/ca-key.pem -y`);

const cfsslCsr = (name, algo) => JSON.stringify({ CN: name, key: algo === 'rsa' ? { algo: 'rsa', size: 2048 } : { algo: 'ecdsa', size: 256 } });
const opensslKey = (algo) => (algo === 'rsa' ? '-algorithm RSA -pkeyopt rsa_keygen_bits:2048' : '-algorithm EC -pkeyopt ec_paramgen_curve:P-256');
const cfsslOne = (name, algo, out) =>
  `echo '${cfsslCsr(name, algo)}' | cfssl gencert -loglevel 5 -ca pki/ca.pem -ca-key pki/ca-key.pem -config pki/ca-config.json -profile client - | cfssljson -bare ${out}/${name}`;
const opensslOne = (name, algo, out) =>
  `openssl genpkey ${opensslKey(algo)} -out ${out}/${name}-key.pem 2>/dev/null && openssl req -new -key ${out}/${name}-key.pem -subj /CN=${name} -out ${out}/${name}.csr && openssl x509 -req -in ${out}/${name}.csr -CA pki/ca.pem -CAkey pki/ca-key.pem -CAcreateserial -days 365 -extfile pki/client.ext -out ${out}/${name}.pem 2>/dev/null`;

log(`dockauth benchmarks in ${work} (${RUNS} runs each${quick ? ', quick' : ''})`);
const results = {};

// 1. One user's client certificate ------------------------------------------------------------
log('\n1. One user\'s client certificate');
for (const [algo, keyType] of [['ecdsa', 'ecdsa-p256'], ['rsa', 'rsa-2048']]) {
  const out = join(work, `one-${algo}`);
  mkdirSync(out);
  // The machine is shared, and RSA key generation is a random prime search (tens to hundreds of ms): many runs.
  const runs = RUNS * 3;
  const [nodeFloor, ours, cfssl, openssl] = measureSideBySide(runs, [
    () => `${node} -e 0`,
    (i) => `${dockauth} --dir ${state} user add one${algo}${i + 10} --key-type ${keyType} --out ${out} -y`,
    (i) => cfsslOne(`c${algo}${i + 10}`, algo, out),
    (i) => opensslOne(`o${algo}${i + 10}`, algo, out),
  ]);
  table(`1. One user's client certificate, ${keyType}`, [
    ['`node -e 0` (the floor for any Node program)', nodeFloor],
    ['`dockauth user add NAME --out DIR`', ours],
    ['`cfssl gencert … | cfssljson -bare`', cfssl],
    ['openssl genpkey + req + x509 -req', openssl],
  ]);
  results[`one-${algo}`] = { ours, cfssl, openssl };
  chart.push({ label: `user add (${keyType}) ÷ cfssl`, ratio: pairedRatio(ours, cfssl) });
  chart.push({ label: `user add (${keyType}) ÷ openssl`, ratio: pairedRatio(ours, openssl), target: algo === 'rsa' ? 1 : undefined });
  // The start-up target is for the default key; an RSA key's prime search alone outlasts it.
  chart.push({ label: `user add (${keyType}) ÷ node -e 0`, ratio: pairedRatio(ours, nodeFloor), target: algo === 'rsa' ? undefined : 1.5 });
  if (algo !== 'rsa') verdict(`\`user add\` (${keyType}) ÷ \`node -e 0\``, pairedRatio(ours, nodeFloor), 1.5);
  if (algo === 'rsa') verdict('`user add` (rsa-2048) ÷ the openssl commands', pairedRatio(ours, openssl), 1);
}

// 2. A batch of users --------------------------------------------------------------------------
log(`\n2. A batch of ${BATCH} users`);
const names = Array.from({ length: BATCH }, (_, i) => `batch${i}`);
writeFileSync(join(work, 'users.txt'), names.map((name) => `${name} lab`).join('\n'));
const loop = (make, dir) => names.map((name) => make(name, 'ecdsa', dir)).join(' && ');
// Writing thousands of files is at the mercy of the shared disk: ours and cfssl's loop run
// three times side by side (medians); the openssl loop, the slowest by far, once.
const batchRuns = quick ? 1 : 3;
const batchState = (i) => join(work, `batch-state-${i + 10}`);
for (let i = 0; i < batchRuns; i++) {
  sh(`${dockauth} --dir ${batchState(i)} ca init --import-cert pki/ca.pem --import-key pki/ca-key.pem -y`);
  mkdirSync(join(work, `batch-cfssl-${i + 10}`));
  mkdirSync(join(work, `batch-ours-${i + 10}`));
  writeFileSync(join(work, `cfssl-loop-${i + 10}.sh`), loop(cfsslOne, `batch-cfssl-${i + 10}`));
}
writeFileSync(join(work, 'openssl-loop.sh'), loop(opensslOne, 'batch-openssl'));
const [batchOurs, batchCfssl] = measureSideBySide(batchRuns, [
  (i) => `${dockauth} --dir ${batchState(i)} user add --from users.txt --out batch-ours-${i + 10} -y >/dev/null`,
  (i) => `sh cfssl-loop-${i + 10}.sh`,
], { cwd: work, warmup: 0 });
mkdirSync(join(work, 'batch-openssl'));
const batchOpenssl = stats([timeShell('sh openssl-loop.sh', { cwd: work })]);
table(`2. A batch of ${BATCH} users (ECDSA P-256)`, [
  ['`dockauth user add --from FILE --out DIR` (every file fsynced)', batchOurs],
  ['a loop of cfssl gencert | cfssljson', batchCfssl],
  ['a loop of the openssl commands', batchOpenssl],
]);
chart.push({ label: `batch of ${BATCH} ÷ cfssl loop`, ratio: batchOurs.median / batchCfssl.median, target: 0.2 });
chart.push({ label: `batch of ${BATCH} ÷ openssl loop`, ratio: batchOurs.median / batchOpenssl.median, target: 0.05 });
verdict(`cfssl loop ÷ \`user add --from\` (speed-up)`, batchCfssl.median / batchOurs.median, 5, 'higher');
verdict(`openssl loop ÷ \`user add --from\` (speed-up)`, batchOpenssl.median / batchOurs.median, 20, 'higher');

// 3. CA init ------------------------------------------------------------------------------------
log('\n3. CA init');
for (const [keyType, opensslArgs, cfsslKey] of [
  ['rsa-4096', '-algorithm RSA -pkeyopt rsa_keygen_bits:4096', { algo: 'rsa', size: 4096 }],
  ['ecdsa-p256', '-algorithm EC -pkeyopt ec_paramgen_curve:P-256', { algo: 'ecdsa', size: 256 }],
]) {
  writeFileSync(join(work, `ca-${keyType}.json`), JSON.stringify({ CN: 'Bench', key: cfsslKey }));
  const runs = keyType.startsWith('rsa') ? Math.max(3, RUNS) : RUNS;
  const [ours, openssl, cfssl] = measureSideBySide(runs, [
    (i) => `${dockauth} --dir ${join(work, `ca-${keyType}-${i + 10}`)} ca init --key-type ${keyType} -y`,
    (i) => `openssl genpkey ${opensslArgs} -out k${keyType}${i + 10}.pem 2>/dev/null && openssl req -x509 -new -key k${keyType}${i + 10}.pem -subj /CN=Bench -days 3650 -out c${keyType}${i + 10}.pem`,
    (i) => `cfssl gencert -loglevel 5 -initca ca-${keyType}.json | cfssljson -bare cf${keyType}${i + 10}`,
  ], { cwd: work });
  table(`3. CA init, ${keyType}`, [
    [`\`dockauth ca init --key-type ${keyType}\``, ours],
    ['openssl genpkey + req -x509', openssl],
    ['`cfssl gencert -initca | cfssljson -bare`', cfssl],
  ], keyType.startsWith('rsa') ? 'RSA key generation takes a random time (prime search): medians over several runs.' : '');
  chart.push({ label: `ca init (${keyType}) ÷ openssl`, ratio: pairedRatio(ours, openssl), target: keyType.startsWith('rsa') ? 1.2 : undefined });
  chart.push({ label: `ca init (${keyType}) ÷ cfssl`, ratio: pairedRatio(ours, cfssl) });
  if (keyType.startsWith('rsa')) verdict('`ca init` (rsa-4096) ÷ openssl', pairedRatio(ours, openssl), 1.2);
}

// 4. The crypto limit ---------------------------------------------------------------------------
log('\n4. The crypto limit');
const speed = sh('openssl speed -seconds 2 ecdsap256 rsa2048 2>/dev/null');
const rsaSigns = Number(/rsa\s+2048 bits\s+[\d.]+s\s+[\d.]+s\s+([\d.]+)/.exec(speed)?.[1]);
const ecdsaSigns = Number(/256 bits ecdsa \(nistp256\)\s+[\d.]+s\s+[\d.]+s\s+([\d.]+)/.exec(speed)?.[1]);
const rates = JSON.parse(sh(`${node} ${join(root, 'bench/issue-rate.mjs')} ${state} ${quick ? 1 : 3}`));
sections.push([
  '### 4. The crypto limit',
  '',
  '| what | per second |',
  '|---|---|',
  `| openssl speed: ECDSA P-256 signatures | ${Math.round(ecdsaSigns)} |`,
  `| openssl speed: RSA-2048 signatures | ${Math.round(rsaSigns)} |`,
  `| dockauth in-process: client certificates with a new P-256 key (keygen + sign + inventory row) | ${Math.round(rates.withKeygen)} |`,
  `| dockauth in-process: client certificates from a CSR (verify + sign + inventory row) | ${Math.round(rates.fromCsr)} |`,
  '',
  `dockauth issues ${((rates.withKeygen / ecdsaSigns) * 100).toFixed(1)}% (with keygen) and ${((rates.fromCsr / ecdsaSigns) * 100).toFixed(1)}% (from a CSR) of the raw P-256 signing rate (the CA key is P-256; a certificate costs a keygen, a signature, X.509 encoding and an inventory row, the raw rate only the signature).`,
].join('\n'));
log(`  openssl: ${Math.round(ecdsaSigns)} P-256 signs/s, ${Math.round(rsaSigns)} RSA-2048 signs/s; dockauth: ${Math.round(rates.withKeygen)}/s with keygen, ${Math.round(rates.fromCsr)}/s from CSR`);

// 5. Start-up -------------------------------------------------------------------------------------
log('\n5. Start-up');
const empty = join(work, 'empty-state');
sh(`${dockauth} --dir ${empty} ca init -y`);
const [startFloor, version, list] = measureSideBySide(RUNS * 3, [() => `${node} -e 0`, () => `${dockauth} --version`, () => `${dockauth} --dir ${empty} user list`]);
table('5. Start-up', [
  ['`node -e 0`', startFloor],
  ['`dockauth --version`', version],
  ['`dockauth user list` (empty store)', list],
]);
chart.push({ label: '--version ÷ node -e 0', ratio: pairedRatio(version, startFloor), target: 1.3 });
chart.push({ label: 'user list (empty) ÷ node -e 0', ratio: pairedRatio(list, startFloor), target: 1.3 });
verdict('`dockauth --version` ÷ `node -e 0`', pairedRatio(version, startFloor), 1.3);
verdict('`dockauth user list` ÷ `node -e 0`', pairedRatio(list, startFloor), 1.3);

// 5a. The single executable (bench/executable-startup.mjs) ---------------------------------------
log('\n5a. The single executable');
const sea = executableStartup({ work, runs: RUNS * 3 });
sections.push(sea.markdown);
if (sea.ratio !== undefined) chart.push({ label: 'executable: user add ÷ node -e 0', ratio: sea.ratio, target: 1.5 });
log(sea.markdown);

// 6. Scale ------------------------------------------------------------------------------------------
log('\n6. Scale');
const scaleRows = [];
const addTimes = {};
for (const size of quick ? [10, 10_000] : [10, 10_000, 100_000]) {
  const dir = join(work, `scale-${size}`);
  sh(`${dockauth} --dir ${dir} ca init -y`);
  sh(`${node} ${join(root, 'bench/fill-inventory.mjs')} ${dir} ${size}`);
  const add = measure(RUNS, (i) => `${dockauth} --dir ${dir} user add scale${i + 10} --out ${join(dir, 'out')} -y`);
  addTimes[size] = add;
  scaleRows.push([`\`user add\` with ${size.toLocaleString('en')} users in the inventory`, add]);
  if (size === (quick ? 10_000 : 100_000)) {
    scaleRows.push([`\`user list --json\` with ${size.toLocaleString('en')} users`, measure(3, () => `${dockauth} --dir ${dir} --json user list > /dev/null`, { warmup: 0 })]);
    sh(`${node} ${join(root, 'bench/fill-inventory.mjs')} ${dir} 0 --revoke-all`);
    scaleRows.push([`\`dockauth crl\` with ${size.toLocaleString('en')} revoked certificates`, measure(3, () => `${dockauth} --dir ${dir} crl -y`, { warmup: 0 })]);
  }
}
table('6. Scale', scaleRows);
const largest = quick ? 10_000 : 100_000;
const flat = addTimes[largest].median / addTimes[10].median;
chart.push({ label: `user add at ${largest.toLocaleString('en')} ÷ at 10 users`, ratio: flat, target: 1.2 });
verdict(`\`user add\` at ${largest.toLocaleString('en')} ÷ at 10 users`, flat, 1.2);
const crlRow = scaleRows.find(([label]) => label.includes('crl'));
sections.push(`- CRL of ${largest.toLocaleString('en')} revoked: **${fmt(crlRow[1].median)}** — target < 2 s: ${crlRow[1].median < 2000 ? 'met' : '**missed**'}`);

// 7. The plugin ---------------------------------------------------------------------------------------
log('\n7. The plugin');
const plugin = JSON.parse(sh(`${node} ${join(root, 'bench/plugin-decisions.mjs')} ${quick ? 2 : 5}`));
sections.push([
  '### 7. The plugin: decisions over its socket (one core)',
  '',
  '| what | value | target |',
  '|---|---|---|',
  `| latency p50 | ${plugin.latencyMs.p50} ms | |`,
  `| latency p99 | ${plugin.latencyMs.p99} ms | < 1 ms: ${plugin.latencyMs.p99 < 1 ? 'met' : '**missed**'} |`,
  `| decisions per second | ${plugin.decisionsPerSecond} | > 10,000: ${plugin.decisionsPerSecond > 10000 ? 'met' : '**missed**'} |`,
].join('\n'));
log(`  p50 ${plugin.latencyMs.p50} ms, p99 ${plugin.latencyMs.p99} ms, ${plugin.decisionsPerSecond}/s`);

log('\n7a. Fairness: one user beside another user\'s hostile load');
const fair = JSON.parse(sh(`${node} ${join(root, 'bench/plugin-fairness.mjs')} ${quick ? 1000 : 3000}`));
const row = (label, ms) => `| ${label} | ${ms.p50} ms | ${ms.p99} ms | ${ms.max} ms |`;
sections.push([
  '### 7a. Fairness: an ordinary user\'s decisions beside a hostile user (one core)',
  '',
  'bench/plugin-fairness.mjs: one connection of ordinary creates, alone, then beside four connections of another user sending',
  `creates as fast as they are answered — first of ${(fair.beside1MiBMs.hostileBodyBytes / 1024).toFixed(0)} KiB (what dockerd forwards at most), then of ${(fair.besideLargestParsedMs.hostileBodyBytes / 1024).toFixed(0)} KiB — each with 64 deep bind paths.`,
  '',
  '| the ordinary user | p50 | p99 | max |',
  '|---|---|---|---|',
  row('alone', fair.aloneMs),
  row(`beside the ${(fair.beside1MiBMs.hostileBodyBytes / 1024).toFixed(0)} KiB flood`, fair.beside1MiBMs),
  row(`beside the ${(fair.besideLargestParsedMs.hostileBodyBytes / 1024).toFixed(0)} KiB flood`, fair.besideLargestParsedMs),
  '',
  `p99 added by the hostile user: **${fair.p99AddedMs} ms** (target: a few milliseconds).`,
].join('\n'));
log(`  p99 alone ${fair.aloneMs.p99} ms, beside 1 MiB ${fair.beside1MiBMs.p99} ms, beside the largest parsed ${fair.besideLargestParsedMs.p99} ms`);

log('\n7c. The plugin on a shared inventory (PostgreSQL)');
if (existsSync('/usr/lib/postgresql')) {
  const shared = JSON.parse(sh(`${node} ${join(root, 'bench/plugin-postgres.mjs')} ${quick ? 20 : 100}`));
  const { sqlite, postgres } = shared.decisionLatencyMs;
  sections.push([
    '### 7c. The plugin on a shared inventory (PostgreSQL) beside SQLite (one core)',
    '',
    '| decision latency | p50 | p99 (median of 5 alternate rounds) | target |',
    '|---|---|---|---|',
    `| SQLite | ${sqlite.p50} ms | ${sqlite.p99} ms | < 1 ms |`,
    `| PostgreSQL | ${postgres.p50} ms | ${postgres.p99} ms | < 1 ms: ${postgres.p99 < 1 ? 'met' : '**missed**'} |`,
    '',
    `Revocation propagation over ${shared.revocation.count} revocations (revoke call to first refusal): median ${shared.revocation.medianMs} ms, p90 ${shared.revocation.p90Ms} ms, max ${shared.revocation.maxMs} ms — every one < 1 s: ${shared.revocation.maxMs < 1000 ? 'met' : '**missed**'}.`,
  ].join('\n'));
  log(`  p99 SQLite ${sqlite.p99} ms, PostgreSQL ${postgres.p99} ms; revocation median ${shared.revocation.medianMs} ms, max ${shared.revocation.maxMs} ms`);
} else {
  sections.push('### 7c. The plugin on a shared inventory\n\nSkipped: PostgreSQL is not installed (apt-get install postgresql).');
}

log('\n7b. The plugin on a real dockerd over TLS');
const overhead = JSON.parse(sh(`${node} ${join(root, 'bench/dockerd-overhead.mjs')} ${quick ? 5 : 40}`));
if (overhead.skipped) {
  sections.push(`### 7b. The plugin on a real dockerd\n\nSkipped: ${overhead.skipped}.`);
} else {
  table('7b. The plugin on a real dockerd over TLS (the docker CLI as a TLS user; three dockerds side by side)', [
    ['`docker ps`, no authorization plugin', overhead.without.ps],
    ['`docker ps`, a do-nothing plugin (allows everything)', overhead.null.ps],
    ['`docker ps`, with dockauth', overhead.with.ps],
    ['`docker create` + `docker rm`, no authorization plugin', overhead.without.createRemove],
    ['`docker create` + `docker rm`, a do-nothing plugin', overhead.null.createRemove],
    ['`docker create` + `docker rm`, with dockauth', overhead.with.createRemove],
  ], `dockerd calls an authorization plugin twice per API call (AuthZReq, AuthZRes); the do-nothing plugin shows what that costs whoever the plugin is: ${overhead.nullRatios.ps.toFixed(2)}× for \`docker ps\`, ${overhead.nullRatios.createRemove.toFixed(2)}× for create+rm. dockauth over the do-nothing plugin: ${overhead.overNull.ps.toFixed(2)}× and ${overhead.overNull.createRemove.toFixed(2)}×.`);
  chart.push({ label: 'docker ps with ÷ without the plugin', ratio: overhead.ratios.ps, target: 1.1 });
  chart.push({ label: 'create+rm with ÷ without the plugin', ratio: overhead.ratios.createRemove, target: 1.1 });
  verdict('`docker ps` with ÷ without the plugin', overhead.ratios.ps, 1.1);
  verdict('`docker create` + `docker rm` with ÷ without the plugin', overhead.ratios.createRemove, 1.1);
}

// 7d. The gateway ------------------------------------------------------------------------------------
log('\n7d. The gateway in front of dockerd');
gatewaySection();

function gatewaySection() {
  const gateway = JSON.parse(sh(`${node} ${join(root, 'bench/gateway-overhead.mjs')} ${quick ? '5 1 100' : '40 3 500'}`));
  const title = '7d. The gateway in front of dockerd (the docker CLI as a TLS user; one dockerd with the plugin, through the gateway or directly, side by side)';
  if (gateway.skipped) {
    sections.push(`### ${title}\n\nSkipped: ${gateway.skipped}.`);
    return;
  }
  table(title, [
    ['`docker ps`, directly (dockerd\'s TLS listener)', gateway.direct.ps],
    ['`docker ps`, through the gateway', gateway.gateway.ps],
    ['`docker create -u UID:GID --security-opt no-new-privileges` + `docker rm`, directly', gateway.direct.createRemove],
    ['`docker create` + `docker rm`, through the gateway (which fills in the user and no-new-privileges)', gateway.gateway.createRemove],
  ]);
  const mb = (gateway.archiveBytes / 1e6).toFixed(0);
  const bulk = (label, s) => `| ${label} | ${fmt(s.median)} | ${fmt(s.min)}–${fmt(s.max)} | ${s.mbPerSecond.toFixed(0)} MB/s | ${s.runs} |`;
  sections.push([
    `| ${mb} MB archive (random bytes) | median | min–max | throughput (median) | runs |`,
    '|---|---|---|---|---|',
    bulk('`docker save > /dev/null`, directly (dockerd\'s TLS listener, the plugin)', gateway.save.direct),
    bulk('`docker save > /dev/null`, through the gateway', gateway.save.gateway),
    bulk('`docker save > /dev/null`, dockerd\'s root socket (no TLS, no plugin)', gateway.save.rootSocket),
    bulk('`docker load -i FILE`, dockerd\'s root socket (no TLS, no plugin)', gateway.load.rootSocket),
    bulk('`docker load -i FILE`, through the gateway', gateway.load.gateway),
    '',
    'The image is busybox-static and a file of random bytes, imported at bench time as the user\'s own (`nobody/big:latest`), and removed before each load.',
    'The direct side of `docker load` is dockerd\'s **root socket**: on dockerd\'s own TLS listener the plugin refuses users\' loads',
    '(only the gateway checks which names an archive takes), so a user has no direct load to compare with. The root socket also',
    `spares the direct side TLS and the plugin: for a save, dockerd's TLS listener gives ${gateway.throughputRatios.directOverRootSocket.toFixed(2)}× the root socket's throughput (round by round).`,
  ].join('\n'));
  chart.push({ label: 'docker ps via the gateway ÷ directly', ratio: gateway.ratios.ps, target: 1.15 });
  chart.push({ label: 'create+rm via the gateway ÷ directly', ratio: gateway.ratios.createRemove, target: 1.15 });
  chart.push({ label: 'save time via the gateway ÷ directly', ratio: 1 / gateway.throughputRatios.save, target: 1.25 });
  chart.push({ label: 'load time via the gateway ÷ root socket', ratio: 1 / gateway.throughputRatios.load, target: 1.25 });
  verdict('`docker ps` through the gateway ÷ directly', gateway.ratios.ps, 1.15);
  verdict('`docker create` + `docker rm` through the gateway ÷ directly', gateway.ratios.createRemove, 1.15);
  verdict('`docker save` throughput through the gateway ÷ directly', gateway.throughputRatios.save, 0.8, 'higher');
  verdict('`docker load` throughput through the gateway ÷ the root socket', gateway.throughputRatios.load, 0.8, 'higher');
}

// --- RESULTS.md ------------------------------------------------------------------------------------
const versions = [
  `node ${process.version}`,
  sh('openssl version').trim(),
  `cfssl ${(/Version: (\S+)/.exec(spawnSync('cfssl', ['version'], { encoding: 'utf8' }).stdout) ?? [])[1] ?? '?'}`,
  `dockauth ${sh(`${dockauth} --version`).trim()}`,
];
writeFileSync(join(root, 'bench/ratios.svg'), ratioChart(chart));
writeFileSync(
  join(root, 'bench/RESULTS.md'),
  [
    '# dockauth benchmarks',
    '',
    `Run ${new Date().toISOString()} by \`bench/run\`${quick ? ' (BENCH_QUICK=1: fewer runs, smaller sizes)' : ''}, all tools on the same machine in the same run.`,
    `Machine: ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB. Versions: ${versions.join(', ')}.`,
    'Times are wall-clock medians of whole processes as a user runs them (min–max beside them). The machine is shared and noisy, so compared commands run side by side, round by round, and each ratio is the median of the per-round ratios: a slow spell of the host slows both sides of a round and cancels out of its ratio.',
    '',
    '![ratios](ratios.svg)',
    '',
    ...sections.flatMap((section) => [section, '']),
    // The hand-written analysis of what dominates where a target is missed (bench/analysis.md).
    readFileSync(join(root, 'bench/analysis.md'), 'utf8'),
  ].join('\n'),
);
rmSync(work, { recursive: true, force: true });
log('\nwrote bench/RESULTS.md and bench/ratios.svg');
