import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

// The Debian package as the tests use it: built once per checkout state (the executable takes
// seconds, not per test file), installed on this machine only while a test holds the package
// lock, and purged before it lets go. Other engineers' test runs share the machine.

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
/** Held from installing the package to purging it: one test (file) at a time has it installed. */
export const PACKAGE_LOCK = '/run/dockauth-test-package.lock';
/** Present while a test has the package installed, so a later run can tell a killed run's leftover from a site's own install. */
const INSTALLED_BY_TEST = '/run/dockauth-test-package.installed';
export const INSTALLED_BIN = '/usr/bin/dockauth';

const has = (command: string): boolean => spawnSync('sh', ['-c', `command -v ${command}`]).status === 0;

/** Why the package cannot be built and installed here, or undefined when it can. */
export function packageSkipReason(): string | undefined {
  if (process.platform !== 'linux' || process.arch !== 'x64') return 'the package is for Linux x86-64';
  if (process.geteuid?.() !== 0) return 'needs root (apt-get install, useradd)';
  for (const tool of ['dpkg-deb', 'apt-get', 'strip', 'unshare', 'flock']) if (!has(tool)) return `${tool} is not installed`;
  if (!existsSync(join(ROOT, 'packages', 'cli', 'dist', 'dockauth.cjs'))) return 'the CLI is not built (pnpm run build)';
  return undefined;
}

/** What the package is made of: a change to any of these makes a new package. */
function packageInputsHash(): string {
  const hash = createHash('sha256');
  const files = [
    ...readdirSync(join(ROOT, 'packages', 'cli', 'dist')).map((name) => join('packages', 'cli', 'dist', name)),
    'packages/cli/build-sea.mjs',
    'packages/cli/sea-main.cjs',
    'packages/cli/launcher.cjs',
    'scripts/package-deb.mjs',
    'docs/dockauth.8',
    'completions/dockauth.bash',
    'completions/_dockauth',
    'templates/policy.yaml',
  ].sort();
  for (const file of files) hash.update(file).update(readFileSync(join(ROOT, file)));
  return hash.digest('hex').slice(0, 16);
}

/** The package built from this checkout's build (gzip: the tests' build needs speed, not size), made once under a lock. */
export function buildPackageForTests(): string {
  const base = join(ROOT, 'build', 'test-package');
  mkdirSync(base, { recursive: true, mode: 0o755 });
  const key = packageInputsHash();
  const dir = join(base, key);
  const script = [
    'set -e',
    'ls "$1"/dockauth_*.deb >/dev/null 2>&1 && exit 0',
    'rm -rf "$1" && mkdir -p "$1/sea"',
    // The Node running the tests made dist's code cache; the executable must carry the same one.
    '{ "$2" packages/cli/build-sea.mjs --out "$1/sea" && "$2" scripts/package-deb.mjs --sea "$1/sea" --out "$1" --fast; } >"$1/build.log" 2>&1 || { cat "$1/build.log" >&2; exit 1; }',
  ].join('\n');
  execFileSync('flock', ['--timeout', '300', join(base, '.lock'), 'sh', '-c', script, 'sh', dir, process.execPath], { cwd: ROOT, stdio: ['ignore', 'ignore', 'pipe'] });
  // Packages of earlier checkout states are of no further use.
  for (const name of readdirSync(base)) if (name !== key && !name.startsWith('.')) rmSync(join(base, name), { recursive: true, force: true });
  const deb = readdirSync(dir).find((name) => name.endsWith('.deb'));
  if (!deb) throw new Error(`failed to build the package into ${dir}`);
  return join(dir, deb);
}

/** Takes an flock on `path` and keeps it until the returned release() (or this process's end). */
export async function holdLock(path: string, timeoutSeconds = 900): Promise<() => void> {
  const child = spawn('flock', ['--timeout', String(timeoutSeconds), path, 'sh', '-c', 'echo held; exec cat >/dev/null'], { stdio: ['pipe', 'pipe', 'inherit'] });
  await new Promise<void>((resolve, reject) => {
    child.stdout.once('data', () => resolve());
    child.once('exit', (code) => reject(new Error(`failed to take ${path}: flock exited with ${code}`)));
  });
  return () => child.stdin.end();
}

const dpkgStatus = (): string => spawnSync('dpkg-query', ['-W', '-f=${Status}', 'dockauth'], { encoding: 'utf8' }).stdout ?? '';
export const isInstalled = (): boolean => dpkgStatus().includes('install ok installed');

function purge(): void {
  execFileSync('dpkg', ['--purge', 'dockauth'], { stdio: 'ignore' });
}

/**
 * Takes PACKAGE_LOCK so that this test alone may install the package (a killed test run's
 * leftover is purged first; a package someone installed by hand is left alone, and the test
 * fails saying so); uninstall() purges whatever is installed by then and lets go.
 */
export async function reservePackageForTests(): Promise<{ uninstall: () => void }> {
  const release = await holdLock(PACKAGE_LOCK);
  try {
    if (isInstalled()) {
      if (!existsSync(INSTALLED_BY_TEST)) throw new Error('dockauth is installed on this machine, not by a test: the test installs and purges its own package; dpkg --purge dockauth first');
      purge();
    }
    writeFileSync(INSTALLED_BY_TEST, `${process.pid}\n`);
  } catch (error) {
    release();
    throw error;
  }
  return {
    uninstall: () => {
      try {
        if (isInstalled()) purge();
        rmSync(INSTALLED_BY_TEST, { force: true });
      } finally {
        release();
      }
    },
  };
}

/** Installs the package as a site does: apt-get install ./dockauth_….deb (no recommends, so never a Docker engine). */
export async function installPackageForTests(deb: string): Promise<{ uninstall: () => void }> {
  const reserved = await reservePackageForTests();
  try {
    execFileSync('apt-get', ['install', '-y', '-qq', '--no-install-recommends', deb], { stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
  } catch (error) {
    reserved.uninstall();
    throw error;
  }
  return reserved;
}

/** Runs a command with every `node` on PATH hidden (a private mount namespace): what a host without Node.js sees. */
export function withoutNode(command: string, args: string[], options: { env?: NodeJS.ProcessEnv; input?: string } = {}): { status: number; stdout: string; stderr: string } {
  const script = 'for n in $(which -a node nodejs 2>/dev/null); do mount --bind /dev/null "$n"; done; exec "$@"';
  const result = spawnSync('unshare', ['--mount', '--propagation', 'private', 'sh', '-c', script, 'sh', command, ...args], {
    encoding: 'utf8',
    input: options.input ?? '',
    env: { PATH: '/usr/sbin:/usr/bin:/sbin:/bin', LANG: 'C.UTF-8', HOME: '/root', ...options.env },
  });
  return { status: result.status ?? -1, stdout: result.stdout, stderr: result.stderr };
}
