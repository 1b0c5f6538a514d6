import { request } from 'node:http';
import type { Finding } from '../doctor/finding.js';

/**
 * The oldest Engine API version the plugin checks requests for. The plugin's own constant
 * (packages/authz/src/decode/request-path.ts MIN_API_VERSION) is not part of its exported API;
 * doctor-engine.test.ts fails when the two drift apart.
 */
export const PLUGIN_MIN_API_VERSION = '1.40';

/** What dockerd says about itself on GET /version. */
export interface EngineVersion {
  /** As dockerd reports it: '28.5.2' from Docker's builds, '28.5.2+dfsg4' from Debian's. */
  version: string;
  apiVersion?: string;
  minApiVersion?: string;
}

/** A known way around authorization plugins in some dockerd versions. */
export interface KnownBypass {
  id: string;
  /** What dockerd does wrong, in one sentence. */
  what: string;
  /** The first release with the hole, when it was not always there. */
  affectedFrom?: string;
  /** The first fixed release of each series that got a fix, oldest first. */
  fixedIn: readonly string[];
  /** Every release from this one on is fixed (the mainline fix). */
  fixedFrom: string;
  /** Distribution packages known to carry the fix in a series whose upstream release does not. */
  distributionFixes: Readonly<Record<string, string>>;
}

/**
 * Both bypasses make dockerd call the plugin without a body it then reads itself. dockauth denies
 * any request to a JSON-body endpoint whose body did not reach the plugin, whatever its
 * Content-Length says, so neither gets past dockauth; the upgrade is still due, for the other
 * plugins in the chain and because a request denied this way is a request that fails.
 */
export const KNOWN_BYPASSES: readonly KnownBypass[] = [
  {
    id: 'CVE-2024-41110',
    what: 'a request whose body comes without a Content-Length above 0 (sent chunked) reaches the authorization plugin without that body, which dockerd then reads',
    // A regression: 18.09.1 fixed the same hole (2019), 19.03 lost the fix.
    affectedFrom: '19.03.0',
    fixedIn: ['23.0.15', '25.0.6', '26.1.5', '27.1.1'],
    fixedFrom: '27.1.1',
    distributionFixes: { '20.10': 'Debian 12 docker.io 20.10.24+dfsg1-1+deb12u1' },
  },
  {
    id: 'CVE-2026-34040',
    what: 'a request body over 1 MiB reaches the authorization plugin as no body at all, and dockerd then reads all of it',
    fixedIn: ['25.0.16'],
    fixedFrom: '29.3.1',
    distributionFixes: { '26.1': 'Debian 13 docker.io 26.1.5+dfsg1-9+deb13u1', '28.5': 'Debian unstable docker.io 28.5.2+dfsg4-2' },
  },
];

const COVERED = 'dockauth denies any request whose body dockerd reads but did not forward, so this does not get past dockauth';

interface Release {
  major: number;
  minor: number;
  patch: number;
  /** A distribution's build ('+dfsg4', '-0ubuntu1'): it may carry fixes its upstream number does not show. */
  distribution: boolean;
}

export function parseEngineVersion(version: string): Release | undefined {
  const match = /^v?(\d+)\.(\d+)\.(\d+)(.*)$/.exec(version.trim());
  if (!match) return undefined;
  const suffix = match[4] as string;
  // Docker's own pre-releases (-rc.1, -beta.2) are upstream builds; any other suffix is a packager's.
  return { major: Number(match[1]), minor: Number(match[2]), patch: Number(match[3]), distribution: suffix !== '' && !/^-(alpha|beta|rc)\.\d+$/.test(suffix) };
}

function compareReleases(a: Release, b: Release): number {
  return a.major - b.major || a.minor - b.minor || a.patch - b.patch;
}

export type BypassStatus = 'fixed' | 'not-yet' | 'affected' | 'ask-the-distribution';

/** Whether one known bypass applies to a release, by its upstream number. */
export function bypassStatus(bypass: KnownBypass, release: Release): BypassStatus {
  if (bypass.affectedFrom && compareReleases(release, parseEngineVersion(bypass.affectedFrom) as Release) < 0) return 'not-yet';
  const fixed = [...bypass.fixedIn, bypass.fixedFrom].map((entry) => parseEngineVersion(entry) as Release);
  const mainline = fixed[fixed.length - 1] as Release;
  if (compareReleases(release, mainline) >= 0) return 'fixed';
  if (fixed.some((first) => first.major === release.major && first.minor === release.minor && release.patch >= first.patch)) return 'fixed';
  return release.distribution ? 'ask-the-distribution' : 'affected';
}

function series(release: Release): string {
  return `${release.major}.${release.minor}`;
}

function upgradeFix(bypass: KnownBypass, release: Release): string {
  const sameSeries = bypass.fixedIn.find((entry) => entry.startsWith(`${series(release)}.`));
  const target = sameSeries ? `${sameSeries} or later in the ${series(release)} series, or ${bypass.fixedFrom}+` : `${bypass.fixedFrom} or later`;
  const packaged = bypass.distributionFixes[series(release)];
  return `upgrade dockerd to ${target}${packaged ? ` (or ${packaged})` : ''}`;
}

/** Doctor's findings for the engine answering on the socket: pure, from what /version said. */
export function engineFindings(engine: EngineVersion, socket: string): Finding[] {
  const release = parseEngineVersion(engine.version);
  if (!release) {
    return [{ severity: 'warning', check: 'engine', message: `dockerd on ${socket} reports version ${JSON.stringify(engine.version)}, which doctor cannot read: known authorization-plugin bypasses were not checked`, fix: 'check the engine version against CVE-2024-41110 and CVE-2026-34040 by hand' }];
  }
  const findings: Finding[] = [];
  const name = `dockerd ${engine.version}${engine.apiVersion ? ` (API ${engine.apiVersion})` : ''}`;
  if (engine.apiVersion && compareApi(engine.apiVersion, PLUGIN_MIN_API_VERSION) < 0) {
    findings.push({ severity: 'error', check: 'engine', message: `${name} is older than the API ${PLUGIN_MIN_API_VERSION} dockauth checks requests for: the plugin denies every request from clients speaking it`, fix: 'upgrade dockerd (Docker 19.03 or later; 26.1+ recommended)' });
  }
  const clean: string[] = [];
  for (const bypass of KNOWN_BYPASSES) {
    const status = bypassStatus(bypass, release);
    if (status === 'fixed' || status === 'not-yet') {
      clean.push(bypass.id);
    } else if (status === 'affected') {
      findings.push({ severity: 'warning', check: 'engine', message: `${name} has ${bypass.id}: ${bypass.what}. ${COVERED}`, fix: upgradeFix(bypass, release) });
    } else {
      const packaged = bypass.distributionFixes[series(release)];
      const known = packaged ? `fixed in ${packaged}` : `no packaged fix for ${series(release)} is known to dockauth`;
      findings.push({ severity: 'warning', check: 'engine', message: `${name} is a distribution build of a release with ${bypass.id} (${known}; the version dockerd reports does not show the package revision): ${bypass.what}. ${COVERED}`, fix: `check the package's changelog for ${bypass.id} (Debian: zcat /usr/share/doc/docker.io/changelog.Debian.gz | grep ${bypass.id}); else ${upgradeFix(bypass, release)}` });
    }
  }
  if (clean.length === KNOWN_BYPASSES.length) {
    findings.push({ severity: 'ok', check: 'engine', message: `${name} has none of the known authorization-plugin bypasses (${clean.join(', ')})` });
  }
  return findings;
}

function compareApi(a: string, b: string): number {
  const [amaj = 0, amin = 0] = a.split('.').map(Number);
  const [bmaj = 0, bmin = 0] = b.split('.').map(Number);
  return amaj - bmaj || amin - bmin;
}

/** GET /version over dockerd's root unix socket. */
export function readEngineVersion(socket: string, timeoutMs = 3000): Promise<EngineVersion> {
  return new Promise((resolve, reject) => {
    const req = request({ socketPath: socket, path: '/version', method: 'GET', timeout: timeoutMs }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        if (res.statusCode !== 200) return reject(new Error(`GET /version answered ${res.statusCode}: ${text.trim().slice(0, 200)}`));
        try {
          const body = JSON.parse(text) as Record<string, unknown>;
          if (typeof body.Version !== 'string') return reject(new Error('GET /version answered without a Version'));
          resolve({ version: body.Version, apiVersion: typeof body.ApiVersion === 'string' ? body.ApiVersion : undefined, minApiVersion: typeof body.MinAPIVersion === 'string' ? body.MinAPIVersion : undefined });
        } catch {
          reject(new Error('GET /version answered with something that is not JSON'));
        }
      });
    });
    req.on('timeout', () => req.destroy(new Error(`no answer to GET /version within ${timeoutMs / 1000} s`)));
    req.on('error', reject);
    req.end();
  });
}

/**
 * Asks the engine on doctor's --socket for its version and reports the known bypasses of the
 * authorization plugin in it. No socket: nothing to ask (the socket check already said so).
 */
export async function checkEngine(socket: string, socketExists: boolean, findings: Finding[]): Promise<EngineVersion | undefined> {
  if (!socketExists) return undefined;
  let engine: EngineVersion;
  try {
    engine = await readEngineVersion(socket);
  } catch (error) {
    findings.push({ severity: 'warning', check: 'engine', message: `could not ask dockerd on ${socket} for its version (${(error as Error).message}): known authorization-plugin bypasses were not checked`, fix: `run doctor as root while dockerd is running, or point --socket at dockerd's root socket` });
    return undefined;
  }
  findings.push(...engineFindings(engine, socket));
  return engine;
}
