import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { AuditLog } from './audit-log.js';
import { makeTempDir } from '../../../../test/support/temp.js';

describe('the audit log', () => {
  test('records appended in one turn are all written, in order, before any append resolves', async () => {
    const temp = makeTempDir();
    try {
      const path = join(temp.dir, 'log', 'audit.log');
      const log = new AuditLog(path, false);
      log.open();
      const written = Promise.all(['one\n', 'two\n', 'three\n'].map((line) => log.append(line).then(() => readFileSync(path, 'utf8'))));
      expect(await written).toEqual(['one\ntwo\nthree\n', 'one\ntwo\nthree\n', 'one\ntwo\nthree\n']);
      log.close();
    } finally {
      temp.cleanup();
    }
  });

  test('when the record cannot be written, every append of that turn rejects (the plugin then denies)', async () => {
    const temp = makeTempDir();
    try {
      const path = join(temp.dir, 'audit.log');
      const log = new AuditLog(path, false);
      log.open();
      log.close();
      // The next write reopens the path, which is now a directory: EISDIR, even for root.
      rmSync(path);
      mkdirSync(path);
      const results = await Promise.allSettled([log.append('a\n'), log.append('b\n')]);
      expect(results.map((result) => result.status)).toEqual(['rejected', 'rejected']);
    } finally {
      temp.cleanup();
    }
  });
});
