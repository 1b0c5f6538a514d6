#!/usr/bin/env node
// Builds the Debian package from the single executable (packages/cli/build-sea.mjs):
//
//   node scripts/package-deb.mjs [--sea DIR] [--out DIR] [--fast]   (defaults: build/sea, build)
//   pnpm package                                            (build, executable, package)
//
// What goes where, and why nothing goes under /etc: the CA, the inventory and the policy live in
// /etc/dockauth, made by `dockauth ca init` and `authz init`, never by the package; so an upgrade
// or a removal cannot touch them, and there are no conffiles and no maintainer scripts. The units
// in the system unit directory start /usr/bin/dockauth on /etc/dockauth; `dockauth systemd`
// writes the same into /etc/systemd/system, which takes precedence.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const option = (name, fallback) => {
  const index = process.argv.indexOf(name);
  return resolve(index > 0 ? process.argv[index + 1] : fallback);
};
const sea = option('--sea', join(root, 'build', 'sea'));
const out = option('--out', join(root, 'build'));

const upstream = JSON.parse(readFileSync(join(root, 'packages', 'cli', 'package.json'), 'utf8')).version;
const version = `${upstream}-1`;
const git = (args) => execFileSync('git', args, { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
// Every file's time is the commit's, so the same checkout gives the same package.
let epoch;
try {
  epoch = Number(process.env.SOURCE_DATE_EPOCH ?? git(['log', '-1', '--format=%ct']));
} catch {
  epoch = Math.floor(Date.now() / 1000);
}

// The package's maintainer: whoever made the commit it is built from.
let maintainer = 'dockauth maintainers <root@localhost>';
try {
  maintainer = git(['log', '-1', '--format=%an <%ae>']);
} catch {
  // not a git checkout
}

const stage = mkdtempSync(join(out, '.deb-'));
try {
  chmodSync(stage, 0o755);
  const put = (path, content, mode = 0o644) => {
    const target = join(stage, path);
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, content);
    chmodSync(target, mode);
  };
  const read = (path) => readFileSync(join(root, path));
  const gzip = (data) => gzipSync(data, { level: 9 }); // no name or time in the header (gzip -9n)

  put('usr/bin/dockauth', readFileSync(join(sea, 'dockauth')), 0o755);
  // Where sea-main.cjs looks for SQLite's module: ../lib/dockauth/ from the executable.
  put('usr/lib/dockauth/better_sqlite3.node', readFileSync(join(sea, 'better_sqlite3.node')));
  put('usr/share/man/man8/dockauth.8.gz', gzip(read('docs/dockauth.8')));
  put('usr/share/bash-completion/completions/dockauth', read('completions/dockauth.bash'));
  put('usr/share/zsh/vendor-completions/_dockauth', read('completions/_dockauth'));
  // The bundled policy, for reading and copying; `dockauth authz init` writes the same.
  put('usr/share/dockauth/policy.yaml', read('templates/policy.yaml'));

  // The units, written by the packaged executable itself, so they are exactly what `dockauth systemd` writes.
  const units = join(stage, 'lib', 'systemd', 'system');
  execFileSync(join(stage, 'usr/bin/dockauth'), ['systemd', '--dir', '/etc/dockauth', '--exec', '/usr/bin/dockauth', '--out', units, '-y'], { stdio: 'ignore' });
  for (const name of readdirSync(units)) chmodSync(join(units, name), 0o644);

  put('usr/share/doc/dockauth/copyright', copyright());
  put('usr/share/doc/dockauth/changelog.Debian.gz', gzip(changelog()));
  put('usr/share/lintian/overrides/dockauth', lintianOverrides());

  const files = walk(stage).filter((path) => !path.startsWith('DEBIAN/'));
  const installedKib = files.reduce((sum, path) => sum + Math.ceil(statSync(join(stage, path)).size / 1024), 0);
  put('DEBIAN/control', control(installedKib));
  put('DEBIAN/md5sums', files.map((path) => `${createHash('md5').update(readFileSync(join(stage, path))).digest('hex')}  ${path}\n`).join(''));
  for (const path of walk(stage, true)) utimesSync(join(stage, path), epoch, epoch);
  utimesSync(stage, epoch, epoch);

  const deb = join(out, `dockauth_${version}_amd64.deb`);
  const staged = join(out, `.dockauth_${version}_amd64.deb.tmp`);
  // xz at level 6 shrinks Node's runtime to a quarter in half a minute on two cores; --fast
  // (for tests) takes gzip's third in a few seconds.
  const compression = process.argv.includes('--fast') ? ['-Zgzip', '-z6'] : ['-Zxz', '-z6'];
  execFileSync('dpkg-deb', ['--root-owner-group', ...compression, '--build', stage, staged], { stdio: ['ignore', 'ignore', 'inherit'], env: { ...process.env, SOURCE_DATE_EPOCH: String(epoch) } });
  renameSync(staged, deb);
  console.log(`built ${relative(process.cwd(), deb) || deb}`);
} finally {
  rmSync(stage, { recursive: true, force: true });
}

/** Paths under dir, relative, files only (or directories too). */
function walk(dir, withDirectories = false, prefix = '') {
  return readdirSync(join(dir, prefix), { withFileTypes: true })
    .sort((a, b) => a.name.localeCompare(b.name))
    .flatMap((entry) => {
      const path = prefix ? `${prefix}/${entry.name}` : entry.name;
      if (!entry.isDirectory()) return [path];
      return [...(withDirectories ? [path] : []), ...walk(dir, withDirectories, path)];
    });
}

function control(installedKib) {
  return `Package: dockauth
Version: ${version}
Architecture: amd64
Maintainer: ${maintainer}
Installed-Size: ${installedKib}
Depends: libc6 (>= 2.34), libgcc-s1 (>= 3.0), libstdc++6 (>= 11)
Recommends: docker.io | docker-ce
Section: admin
Priority: optional
Description: Docker for ordinary users on a shared host, without root
 dockauth gives each user of a shared machine (HPC login nodes, lab servers,
 CI hosts) Docker as themselves: a small certificate authority issues every
 user a TLS client certificate for their login name, the Docker daemon
 listens with mutual TLS, and an authorization plugin enforces per-user
 rules (no privileged containers, no host namespaces, bind mounts only where
 the user may go, containers run as the user's own uid) and audits every
 decision.
 .
 One self-contained executable: Node.js's runtime is inside it, so the host
 needs no Node.js, compiler or network.
`;
}

function changelog() {
  const date = new Date(epoch * 1000).toUTCString().replace(/GMT$/, '+0000');
  const day = date.replace(/^(\w+), (\d+)/, (_, weekday, dayOfMonth) => `${weekday}, ${dayOfMonth.padStart(2, '0')}`);
  let commit = 'unknown';
  try {
    commit = git(['rev-parse', '--short=12', 'HEAD']);
  } catch {
    // not a git checkout
  }
  return `dockauth (${version}) unstable; urgency=medium

  * Built from commit ${commit}.

 -- ${maintainer}  ${day}
`;
}

function copyright() {
  return `dockauth: Docker for ordinary users on a shared host, without root.

Copyright: the dockauth authors.

/usr/bin/dockauth is a Node.js single executable application: it holds the
Node.js runtime (MIT license, https://nodejs.org/en/about/license; with V8,
OpenSSL, libuv, ICU, zlib, llhttp and the other libraries listed in Node.js's
LICENSE file, each under its own license), and JavaScript bundled from these
npm packages and the packages they depend on (pnpm-lock.yaml in the source
names each), under the MIT license unless noted: commander, inquirer and its
@inquirer/* packages (some of their dependencies ISC), yaml (ISC),
@peculiar/x509, @peculiar/asn1-*, asn1js, pvtsutils, pvutils, tslib (0BSD),
reflect-metadata (Apache-2.0), tsyringe, better-sqlite3.

/usr/lib/dockauth/better_sqlite3.node is better-sqlite3's compiled module
(MIT license), with SQLite inside (public domain).

The full texts of these licenses on a Debian system:
 MIT, ISC and 0BSD: the terms are reproduced in each package's LICENSE file
 as published on the npm registry.
 Apache-2.0: /usr/share/common-licenses/Apache-2.0
`;
}

function lintianOverrides() {
  return `# Node.js single executable application: the runtime (with its own OpenSSL, zlib, libuv,
# ICU, ...) is linked into the executable by design, so that a host needs nothing else.
dockauth: embedded-library *
# Ordered before docker.service and wanted by it on purpose: dockerd refuses every request
# while its authorization plugin is down (see the unit's comment in dockauth's source).
dockauth: systemd-service-file-refers-to-unusual-wantedby-target docker.service *
# Built by sites from a checkout, not uploaded to Debian: there is no ITP bug to close.
dockauth: initial-upload-closes-no-bugs *
`;
}
