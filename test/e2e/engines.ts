import { spawnSync } from 'node:child_process';
import { accessSync, constants, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** One dockerd build the end-to-end suite runs against, with the docker CLI released with it. */
export interface EngineBuild {
  /** Upstream major.minor, as in test names: '20.10' | '26.1' | '28.5'. */
  name: string;
  /** The Debian suite it comes from: 'bookworm' (the system's), 'trixie', 'sid'. */
  suite: string;
  /** The Debian package version of docker.io, when known. */
  version?: string;
  dockerd: string;
  /** The matching docker CLI binary. */
  docker: string;
  /** The docker-compose v2 CLI plugin of the same suite, when it has one. */
  compose?: string;
  /**
   * PATH entries (colon-separated) to put first when starting dockerd, so it finds its own
   * helpers (docker-init, docker-proxy) before the system's; undefined for the system's engine.
   */
  binDir?: string;
  /** Why this build cannot run here (its binaries are missing), or undefined when it can. */
  skip?: string;
}

/** Where scripts/fetch-engines.sh unpacks the newer engines. */
export function engineCache(): string {
  return process.env.DOCKAUTH_ENGINE_CACHE ?? '/var/cache/dockauth-engines';
}

/**
 * The suites besides the system's, each with the series it is expected to carry: the name is
 * used only when the engine is missing, so a skipped test still says which engine it was for.
 */
const FETCHED = [
  { suite: 'trixie', expected: '26.1' },
  { suite: 'sid', expected: '28.5' },
] as const;

/** '28.5.2+dfsg4-5' or '1:20.10.24…' → '28.5' / '20.10'; undefined when it is no version. */
export function upstreamSeries(packageVersion: string): string | undefined {
  const match = /^(?:\d+:)?(\d+)\.(\d+)\./.exec(packageVersion);
  return match ? `${match[1]}.${match[2]}` : undefined;
}

function missingExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return false;
  } catch {
    return true;
  }
}

/** Debian 12's docker.io as installed by apt: /usr/sbin/dockerd with its /usr/bin/docker. */
function systemBuild(): EngineBuild {
  const dockerd = '/usr/sbin/dockerd';
  const docker = '/usr/bin/docker';
  const queried = spawnSync('dpkg-query', ['-W', '-f=${Version}', 'docker.io'], { encoding: 'utf8' });
  const version = queried.status === 0 && queried.stdout.trim() !== '' ? queried.stdout.trim() : undefined;
  const build: EngineBuild = { name: (version && upstreamSeries(version)) ?? '20.10', suite: 'bookworm', version, dockerd, docker };
  const missing = [dockerd, docker].filter(missingExecutable);
  if (!version || missing.length > 0) {
    build.skip = `Debian's docker.io is not installed (${missing.join(', ') || 'no dpkg record'}): apt-get install -y docker.io`;
  }
  return build;
}

/** A suite unpacked by scripts/fetch-engines.sh: <cache>/<suite>/root and its manifest. */
function fetchedBuild(suite: string, expected: string): EngineBuild {
  const dir = join(engineCache(), suite);
  const root = join(dir, 'root');
  const dockerd = join(root, 'usr/sbin/dockerd');
  const docker = join(root, 'usr/bin/docker');
  const compose = join(root, 'usr/libexec/docker/cli-plugins/docker-compose');
  const fetch = `run scripts/fetch-engines.sh as root (DOCKAUTH_ENGINE_CACHE=${engineCache()})`;
  let versions = new Map<string, string>();
  try {
    // "package version" per line, written by fetch-engines.sh once root/ is complete.
    versions = new Map(readFileSync(join(dir, 'manifest'), 'utf8').split('\n').filter(Boolean).map((line) => line.split(' ', 2) as [string, string]));
  } catch {
    // not fetched: reported below
  }
  const version = versions.get('docker.io');
  const build: EngineBuild = {
    name: (version && upstreamSeries(version)) ?? expected,
    suite,
    version,
    dockerd,
    docker,
    compose: versions.has('docker-compose') ? compose : undefined,
    binDir: [dirname(dockerd), dirname(docker)].join(':'),
  };
  if (!version) {
    build.skip = `Debian ${suite}'s docker.io is not in ${dir}: ${fetch}`;
  } else {
    const missing = [dockerd, docker].filter(missingExecutable);
    if (missing.length > 0) build.skip = `Debian ${suite}'s docker.io ${version} is incomplete (${missing.join(', ')} missing): ${fetch}`;
  }
  return build;
}

/** The three engines the suite runs against, oldest first; missing ones carry `skip`. */
export function engineBuilds(): EngineBuild[] {
  return [systemBuild(), ...FETCHED.map(({ suite, expected }) => fetchedBuild(suite, expected))];
}

/** The build from one suite ('bookworm', 'trixie', 'sid'). */
export function engineBuild(suite: string): EngineBuild {
  const build = engineBuilds().find((candidate) => candidate.suite === suite);
  if (!build) throw new Error(`no engine build for suite ${suite}: test/e2e/engines.ts knows bookworm, ${FETCHED.map((entry) => entry.suite).join(', ')}`);
  return build;
}
