import { mkdirSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { realHostPaths } from './host.js';
import { makeTempDir } from '../../../test/support/temp.js';

describe('host paths, resolved as the mount will resolve them', () => {
  test('symlinks and .. are followed; a missing tail is kept; a dangling link is refused', () => {
    const temp = makeTempDir();
    try {
      const home = join(temp.dir, 'home');
      mkdirSync(join(home, 'data'), { recursive: true });
      symlinkSync('/etc', join(home, 'escape'));
      symlinkSync(join(home, 'data'), join(home, 'link'));
      symlinkSync('/nonexistent/target', join(home, 'dangling'));
      const real = realHostPaths.resolve(temp.dir);
      expect(realHostPaths.resolve(join(home, 'escape', 'passwd'))).toBe('/etc/passwd');
      expect(realHostPaths.resolve(join(home, 'link', 'new', 'dir'))).toBe(join(real, 'home', 'data', 'new', 'dir'));
      expect(realHostPaths.resolve(join(home, 'data', '..', '..', 'home'))).toBe(join(real, 'home'));
      expect(realHostPaths.resolve('/nonexistent/x')).toBe('/nonexistent/x');
      expect(() => realHostPaths.resolve(join(home, 'dangling', 'x'))).toThrow(/symbolic link to nothing/);
    } finally {
      temp.cleanup();
    }
  });
});
