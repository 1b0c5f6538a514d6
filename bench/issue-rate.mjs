// In-process issue rate of the CA library: certificates per second with a new key, and from a CSR.
// Usage: node bench/issue-rate.mjs STATE_DIR SECONDS   (prints JSON)
import { execFileSync } from 'node:child_process';
import { CaStore } from '../packages/ca/dist/index.js';

const [dir, seconds = '3'] = process.argv.slice(2);
const store = await CaStore.open(dir);
const csrPem = execFileSync('sh', ['-c', 'openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout /dev/null -subj /CN=ratecsr 2>/dev/null'], { encoding: 'utf8' });
const rate = async (work) => {
  let count = 0;
  const end = Date.now() + Number(seconds) * 1000;
  const started = Date.now();
  while (Date.now() < end) {
    await work(count);
    count++;
  }
  return count / ((Date.now() - started) / 1000);
};
const withKeygen = await rate((i) => store.issueClient({ user: `rate${i}` }));
const fromCsr = await rate(() => store.signClientCsr({ csrPem, where: 'bench', user: 'ratecsr' }));
store.close();
process.stdout.write(JSON.stringify({ withKeygen, fromCsr }));
