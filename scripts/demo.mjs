// The main job on a self-contained default: a CA, the daemon's certificate, a
// merged daemon.json and two users' certificates, all under ./demo-state.
// Needs no root; run it twice and the second run changes nothing.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';

const root = fileURLToPath(new URL('..', import.meta.url));
// The person running the demo, a real account here: the plugin judges only users with a certificate.
const me = process.env.USER || 'root';
const bin = join(root, 'packages/cli/bin/dockauth.js');
const demo = join(root, 'demo-state');

const steps = [
  ['ca', 'init', '--cn', 'dockauth demo CA'],
  ['server', 'issue', '--host', 'docker.demo.test', '--out', join(demo, 'docker-ssl')],
  ['daemon', 'configure', '--daemon-json', join(demo, 'docker', 'daemon.json'), '--tls-dir', join(demo, 'docker-ssl'),
    '--systemd-dropin', join(demo, 'systemd', 'docker.service.d', 'dockauth.conf')],
  ['user', 'add', 'alice', 'bob', '--group', 'demo', '--out', join(demo, 'users')],
  ['user', 'add', me, '--out', join(demo, 'users')],
  ['user', 'list'],
  ['profile-d', '--out', join(demo, 'profile.d')],
  ['systemd', '--out', join(demo, 'systemd')],
];

for (const step of steps) {
  console.log(`\n$ dockauth --dir demo-state/ca ${step.join(' ').replaceAll(`${demo}/`, 'demo-state/')}`);
  const result = spawnSync(process.execPath, [bin, '--dir', join(demo, 'ca'), '-y', ...step], { stdio: 'inherit' });
  if (result.status !== 0) process.exit(result.status ?? 1);
}
// What the plugin would say to a user trying the classic escape (exit 1: denied, as expected).
console.log(`\n$ dockauth --dir demo-state/ca authz check --user ${me} -- run --privileged -v /:/host alpine`);
spawnSync(process.execPath, [bin, '--dir', join(demo, 'ca'), 'authz', 'check', '--user', me, '--', 'run', '--privileged', '-v', '/:/host', 'alpine'], { stdio: 'inherit' });
console.log(`\nEverything is in ${demo}: ca/ (the CA store and policy.yaml), docker-ssl/, docker/daemon.json, users/alice and users/bob, profile.d/, systemd/.`);
console.log('Verify a user certificate: openssl verify -CAfile demo-state/users/alice/ca.pem demo-state/users/alice/cert.pem');
