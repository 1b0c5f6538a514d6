import { join } from 'node:path';
import { CaStore } from '@dockauth/ca';
import { dockauth, dockauthAsync } from '../support/dockauth.js';
import { makeTempDir } from '../support/temp.js';

describe('20 dockauth processes at once', () => {
  test('20 user add processes for 20 users: 20 certificates, 20 rows, 20 distinct serials', async () => {
    const temp = makeTempDir();
    try {
      const state = join(temp.dir, 'state');
      expect(dockauth(['--dir', state, 'ca', 'init', '--cn', 'Parallel CA']).status).toBe(0);
      const users = Array.from({ length: 20 }, (_, index) => `p${index}`);
      const results = await Promise.all(
        users.map((user) => dockauthAsync(['--dir', state, '--json', 'user', 'add', user, '--out', join(temp.dir, 'out')])),
      );
      expect(results.map((result) => [result.status, result.stderr])).toEqual(users.map(() => [0, '']));
      const serials = results.map((result) => result.json.users[0].serial as string);
      expect(new Set(serials).size).toBe(20);
      const store = await CaStore.open(state);
      const rows = await store.list({ profile: 'client' });
      store.close();
      expect(rows.map((row) => row.user).sort()).toEqual([...users].sort());
      expect(rows.map((row) => row.serial).sort()).toEqual([...serials].sort());
    } finally {
      temp.cleanup();
    }
  });
});
