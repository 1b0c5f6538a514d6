import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { renderCshProfile, renderShProfile } from '@dockauth/profile-d';
import { checkProfileD } from './profile-d-check.js';
import type { Finding } from './finding.js';

const isRoot = process.geteuid?.() === 0;
const input = { dockerHost: 'tcp://docker.example.org:2376', useContext: false };

describe('doctor: profile.d where the distribution\'s shells read it', () => {
  let root: string;
  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'doctor-profile-'));
    mkdirSync(join(root, 'etc', 'profile.d'), { recursive: true });
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));
  const check = (): Finding[] => {
    const findings: Finding[] = [];
    checkProfileD({ root }, findings);
    return findings;
  };
  const write = (path: string, content: string, mode = 0o644): void => {
    mkdirSync(join(root, path, '..'), { recursive: true });
    writeFileSync(join(root, path), content);
    chmodSync(join(root, path), mode);
  };

  test('Debian: the csh snippet belongs in /etc/csh/login.d; one in /etc/profile.d is read by no tcsh', () => {
    write('etc/os-release', 'ID=debian\n');
    write('etc/profile.d/dockauth.sh', renderShProfile(input));
    write('etc/profile.d/dockauth.csh', renderCshProfile(input));
    const findings = check();
    expect(findings).toContainEqual(expect.objectContaining({ severity: 'warning', message: expect.stringContaining(`${join(root, 'etc/csh/login.d/dockauth.csh')} does not exist`), fix: 'dockauth profile-d' }));
    expect(findings).toContainEqual(expect.objectContaining({ severity: 'warning', message: expect.stringContaining('is not read by this distribution\'s tcsh'), fix: `rm ${join(root, 'etc/profile.d/dockauth.csh')} && dockauth profile-d` }));
    rmSync(join(root, 'etc/profile.d/dockauth.csh'));
    write('etc/csh/login.d/dockauth.csh', renderCshProfile(input));
    // zsh installed without the line that reads the sh snippet.
    mkdirSync(join(root, 'etc/zsh'));
    expect(check().filter((finding) => finding.severity !== 'ok')).toEqual([expect.objectContaining({ severity: 'warning', message: expect.stringContaining('zsh users get no DOCKER_HOST') })]);
    write('etc/zsh/zprofile', "emulate sh -c '. /etc/profile.d/dockauth.sh'\n");
    expect(check()).toEqual([expect.objectContaining({ severity: isRoot ? 'ok' : 'error' })]);
  });

  test('Red Hat: both snippets in /etc/profile.d; a group-writable one is an error, someone else\'s file a warning', () => {
    write('etc/os-release', 'ID="rocky"\nID_LIKE="rhel centos fedora"\n');
    write('etc/profile.d/dockauth.sh', renderShProfile(input), 0o664);
    write('etc/profile.d/dockauth.csh', '# the site\'s own\nsetenv FOO bar\n');
    const findings = check();
    expect(findings).toContainEqual(expect.objectContaining({ severity: 'error', message: expect.stringContaining('can be changed by someone other than root'), fix: `chown root:root ${join(root, 'etc/profile.d/dockauth.sh')} && chmod 644 ${join(root, 'etc/profile.d/dockauth.sh')}` }));
    if (isRoot) expect(findings).toContainEqual(expect.objectContaining({ severity: 'warning', message: `${join(root, 'etc/profile.d/dockauth.csh')} is not dockauth's login snippet` }));
  });
});
