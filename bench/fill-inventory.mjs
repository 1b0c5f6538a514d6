// Fills a store's inventory with N synthetic client rows (copies of one real certificate under
// fresh serials) in one transaction, or marks every row revoked (--revoke-all), to measure scale.
// Usage: node bench/fill-inventory.mjs STATE_DIR N [--revoke-all]
import { randomBytes } from 'node:crypto';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { CaStore } from '../packages/ca/dist/index.js';

const require = createRequire(new URL('../packages/ca/package.json', import.meta.url));
const Database = require('better-sqlite3');
const [dir, count, flag] = process.argv.slice(2);
const store = await CaStore.open(dir);
const template = (await store.issueClient({ user: 'template' })).record;
store.close();
const db = new Database(join(dir, 'inventory.db'));
if (flag === '--revoke-all') {
  db.prepare(`UPDATE certificates SET status = 'revoked', revoked_at = ?, revocation_reason = 'superseded' WHERE profile = 'client'`).run(Date.now());
} else {
  const insert = db.prepare(`INSERT INTO certificates (serial, profile, subject, user, groups_json, hosts_json, key_type, origin, destination,
    not_before, not_after, issued_at, status, revoked_at, revocation_reason, pem)
    VALUES (?, 'client', ?, ?, '[]', '[]', 'ecdsa-p256', 'generated', NULL, ?, ?, ?, 'valid', NULL, NULL, ?)`);
  db.transaction(() => {
    for (let i = 0; i < Number(count); i++) {
      const serial = ((randomBytes(16)[0] & 0x3f) | 0x40).toString(16) + randomBytes(15).toString('hex');
      insert.run(serial, `CN=fill${i}`, `fill${i}`, template.notBefore.getTime(), template.notAfter.getTime(), Date.now(), template.certificatePem);
    }
  })();
}
db.close();
