import { realpathSync } from 'node:fs';
import { defaultExec } from './systemd.js';

describe('defaultExec: how the units start this very dockauth', () => {
  test('the installed executable starts itself: /usr/bin/dockauth, no node, no script', () => {
    expect(defaultExec(true)).toBe(process.execPath);
  });

  test('from a checkout: node and the script it runs, by its real path', () => {
    expect(defaultExec(false)).toBe(`${process.execPath} ${realpathSync(process.argv[1] as string)}`);
  });
});
