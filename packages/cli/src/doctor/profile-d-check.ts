import { lstatSync, type Stats } from 'node:fs';
import { join } from 'node:path';
import { parseOsRelease, profileLocations } from '@dockauth/profile-d';
import { readPlainFile } from '../system/regular-file.js';
import { octal, type Finding } from './finding.js';

export interface ProfileDCheckOptions {
  /** Where the file system to check is mounted ("/" on the host itself; an image's root otherwise). */
  root: string;
}

function lstatOrUndefined(path: string): Stats | undefined {
  try {
    return lstatSync(path);
  } catch {
    return undefined;
  }
}

/** What dockauth profile-d writes: both snippets carry this variable. */
const OURS = /DOCKER_CERT_PATH|DOCKER_CONTEXT/;

/**
 * The login snippets, where this distribution's shells really read them (Debian's tcsh reads
 * /etc/csh/login.d, not /etc/profile.d): there, root's, not writable by others (every login
 * shell runs them), and dockauth's. A csh snippet where tcsh never looks is reported too.
 */
export function checkProfileD(options: ProfileDCheckOptions, findings: Finding[]): void {
  const at = (path: string): string => join(options.root, path);
  const os = parseOsRelease(readPlainFile(at('/etc/os-release'))?.toString('utf8') ?? '');
  const locations = profileLocations(os);
  let good = 0;
  for (const [shell, path] of [['sh', locations.sh], ['csh', locations.csh]] as const) {
    const real = at(path);
    const stats = lstatOrUndefined(real);
    if (!stats) {
      findings.push({ severity: 'warning', check: 'profile.d', message: `${real} does not exist: ${shell === 'sh' ? 'bash, dash and ksh' : 'csh and tcsh'} login shells do not point docker at the TLS daemon`, fix: 'dockauth profile-d' });
      continue;
    }
    if (!stats.isFile()) {
      findings.push({ severity: 'error', check: 'profile.d', message: `${real} is not a regular file (every login shell reads it)`, fix: `rm ${real} && dockauth profile-d` });
      continue;
    }
    if (stats.uid !== 0 || stats.mode & 0o022) {
      findings.push({ severity: 'error', check: 'profile.d', message: `${real} (uid ${stats.uid}, mode ${octal(stats.mode)}) can be changed by someone other than root, and every login shell runs it`, fix: `chown root:root ${real} && chmod 644 ${real}` });
      continue;
    }
    if (!OURS.test(readPlainFile(real)?.toString('utf8') ?? '')) {
      findings.push({ severity: 'warning', check: 'profile.d', message: `${real} is not dockauth's login snippet`, fix: `move it away, then: dockauth profile-d` });
      continue;
    }
    good++;
  }
  const stray = at('/etc/profile.d/dockauth.csh');
  if (locations.csh !== '/etc/profile.d/dockauth.csh' && lstatOrUndefined(stray)) {
    findings.push({ severity: 'warning', check: 'profile.d', message: `${stray} is not read by this distribution's tcsh (it reads ${at(locations.csh)})`, fix: `rm ${stray} && dockauth profile-d` });
  }
  if (locations.zshNote && lstatOrUndefined(at('/etc/zsh')) && !/dockauth\.sh/.test(readPlainFile(at('/etc/zsh/zprofile'))?.toString('utf8') ?? '')) {
    findings.push({ severity: 'warning', check: 'profile.d', message: `zsh is installed and ${at('/etc/zsh/zprofile')} does not read dockauth.sh: zsh users get no DOCKER_HOST`, fix: `echo "emulate sh -c '. /etc/profile.d/dockauth.sh'" >> /etc/zsh/zprofile` });
  }
  if (good === 2) findings.push({ severity: 'ok', check: 'profile.d', message: `${at(locations.sh)} and ${at(locations.csh)} are installed` });
}
