// Issues one client certificate through the built library, as a separate process
// would: node issue-worker.mjs STATE_DIR USER
import { CaStore } from '../../packages/ca/dist/index.js';

const [dir, user] = process.argv.slice(2);
const store = await CaStore.open(dir);
const issued = await store.issueClient({ user });
store.close();
process.stdout.write(`${issued.record.serial}\n`);
