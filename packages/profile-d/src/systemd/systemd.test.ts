import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  authzServiceUnit,
  authzSocketUnit,
  dockerServiceDropin,
  effectiveExecStart,
  hostFlags,
  renewServiceUnit,
  renewTimerUnit,
  withoutHostFlags,
} from '../index.js';
import { makeTempDir } from '../../../../test/support/temp.js';

const DEBIAN_UNIT = `[Unit]
Description=Docker Application Container Engine
After=network-online.target docker.socket firewalld.service containerd.service
Requires=docker.socket

[Service]
Type=notify
ExecStart=/usr/sbin/dockerd -H fd:// $DOCKER_OPTS
ExecReload=/bin/kill -s HUP $MAINPID
`;

describe('docker.service and its drop-in', () => {
  test('the effective ExecStart follows systemd: later lines win, an empty one clears', () => {
    expect(effectiveExecStart([DEBIAN_UNIT])).toBe('/usr/sbin/dockerd -H fd:// $DOCKER_OPTS');
    const override = '[Service]\nExecStart=\nExecStart=/usr/bin/dockerd --containerd=/run/containerd/containerd.sock\n';
    expect(effectiveExecStart([DEBIAN_UNIT, override])).toBe('/usr/bin/dockerd --containerd=/run/containerd/containerd.sock');
    expect(effectiveExecStart([DEBIAN_UNIT, '[Service]\nExecStart=\n'])).toBeUndefined();
    expect(effectiveExecStart(['[Unit]\nExecStart=/not/service\n'])).toBeUndefined();
  });

  test.each([
    ['-H fd://', '/usr/sbin/dockerd -H fd:// $DOCKER_OPTS', '/usr/sbin/dockerd $DOCKER_OPTS', ['fd://']],
    ['--host=…', '/usr/bin/dockerd --host=unix:///run/d.sock --containerd=/run/c.sock', '/usr/bin/dockerd --containerd=/run/c.sock', ['unix:///run/d.sock']],
    ['-Hfd:// and two hosts', '/usr/bin/dockerd -Hfd:// --host tcp://0.0.0.0:2375 --debug', '/usr/bin/dockerd --debug', ['fd://', 'tcp://0.0.0.0:2375']],
  ])('-H is removed and every other flag kept (%s)', (_case, execStart, without, hosts) => {
    expect(withoutHostFlags(execStart)).toBe(without);
    expect(hostFlags(execStart)).toEqual(hosts);
  });

  test('the drop-in clears ExecStart only when -H is there, keeps fd://, and orders dockerd after the plugin', () => {
    const withH = dockerServiceDropin(effectiveExecStart([DEBIAN_UNIT]), { authz: true });
    expect(withH.localHost).toBe('fd://');
    expect(effectiveExecStart([DEBIAN_UNIT, withH.text as string])).toBe('/usr/sbin/dockerd $DOCKER_OPTS');
    expect(withH.text).toContain('[Unit]\nWants=dockauth-authz.service\nAfter=dockauth-authz.service\n');
    const noH = dockerServiceDropin('/usr/bin/dockerd --containerd=/run/c.sock', { authz: true });
    expect(noH.localHost).toBe('unix:///var/run/docker.sock');
    expect(noH.text).not.toContain('ExecStart');
    expect(dockerServiceDropin('/usr/bin/dockerd', { authz: false }).text).toBeUndefined();
  });
});

const analyze = spawnSync('sh', ['-c', 'command -v systemd-analyze']).status === 0;

describe('dockauth units', () => {
  const input = { exec: '/usr/local/sbin/dockauth', dir: '/etc/dockauth' };

  test('the plugin starts before docker.service and restarts when it dies; wanted, never required', () => {
    const unit = authzServiceUnit(input);
    expect(unit).toMatch(/^Before=docker\.service$/m);
    expect(unit).toMatch(/^Restart=always$/m);
    expect(unit).toMatch(/^WantedBy=multi-user\.target docker\.service$/m);
    expect(unit).not.toMatch(/^RequiredBy=/m);
    expect(effectiveExecStart([unit])).toBe('/usr/local/sbin/dockauth authz serve --dir /etc/dockauth');
  });

  test('systemd holds the plugin\'s socket (root only, before docker.service); the service requires it and starts after it', () => {
    const socket = authzSocketUnit();
    expect(socket).toMatch(/^\[Socket\]\nListenStream=\/run\/docker\/plugins\/dockauth\.sock\nSocketMode=0600\nSocketUser=root\nSocketGroup=root$/m);
    expect(socket).toMatch(/^Before=docker\.service$/m);
    expect(socket).toMatch(/^WantedBy=sockets\.target$/m);
    expect(authzSocketUnit({ socket: '/run/docker/plugins/other.sock' })).toMatch(/^ListenStream=\/run\/docker\/plugins\/other\.sock$/m);
    const service = authzServiceUnit(input);
    expect(service).toMatch(/^Requires=dockauth-authz\.socket$/m);
    expect(service).toMatch(/^After=dockauth-authz\.socket( |$)/m);
    expect(service).toMatch(/^Also=dockauth-authz\.socket$/m);
  });

  test('the renewal service renews the server and then every user; the timer runs daily', () => {
    const service = renewServiceUnit({ ...input, withinDays: 30 });
    expect(service.match(/^ExecStart=.*$/gm)).toEqual([
      'ExecStart=/usr/local/sbin/dockauth --dir /etc/dockauth -y server renew --within 30',
      'ExecStart=/usr/local/sbin/dockauth --dir /etc/dockauth -y user renew --all --within 30',
    ]);
    expect(renewTimerUnit()).toMatch(/^OnCalendar=daily$/m);
  });

  (analyze ? test : test.skip)('systemd-analyze verify accepts every unit', () => {
    const temp = makeTempDir();
    try {
      const exec = { exec: '/bin/true', dir: '/etc/dockauth' };
      const files: Array<[string, string]> = [
        ['dockauth-authz.socket', authzSocketUnit()],
        ['dockauth-authz.service', authzServiceUnit(exec)],
        ['dockauth-renew.service', renewServiceUnit({ ...exec, withinDays: 30 })],
        ['dockauth-renew.timer', renewTimerUnit()],
      ];
      for (const [name, text] of files) writeFileSync(join(temp.dir, name), text);
      const result = spawnSync('systemd-analyze', ['verify', '--man=no', ...files.map(([name]) => join(temp.dir, name))], { encoding: 'utf8' });
      // Only complaints about our own files count (the host's other units may be incomplete in a container).
      const ours = `${result.stdout}${result.stderr}`.split('\n').filter((line) => line.includes('dockauth-'));
      expect(ours).toEqual([]);
    } finally {
      temp.cleanup();
    }
  });
});
