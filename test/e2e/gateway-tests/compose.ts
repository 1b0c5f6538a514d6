import { chownSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { IMAGE, type GatewayHost } from '../gateway-suite.js';

/** docker compose as people write it: no user, no security options; the gateway fills them in. */
export function describeGatewayCompose(host: GatewayHost, named: (title: string) => string): void {
  if (!host.build.compose) return;
  test(named('docker compose up -d and down -v of a plain two-service project with a named volume, as alice; bob sees none of it'), () => {
    const { alice, bob } = host;
    const project = join(alice.home, 'plain');
    mkdirSync(project);
    const service = (command: string): string => `    image: ${IMAGE}\n    command: ${command}\n    volumes: [data:/data]\n`;
    writeFileSync(join(project, 'compose.yaml'), `services:\n  web:\n${service('sh -c "id -u > /data/uid; sleep 300"')}  worker:\n${service('sleep 300')}volumes:\n  data: {}\n`);
    chownSync(project, alice.uid, alice.gid);
    chownSync(join(project, 'compose.yaml'), alice.uid, alice.gid);
    const compose = (args: string): ReturnType<GatewayHost['run']> => host.run(alice, `cd $HOME/plain && '${host.build.compose}' ${args}`);
    const up = compose('up -d');
    expect({ status: up.status, stderr: up.status === 0 ? '' : up.stderr, denials: host.denials() }).toEqual({ status: 0, stderr: '', denials: [] });
    expect(compose('ps --format "{{.Name}}"').stdout.split('\n').sort()).toEqual(['plain-web-1', 'plain-worker-1']);
    expect(host.engine.admin(['inspect', '-f', '{{.Config.User}} {{.HostConfig.SecurityOpt}}', 'plain-web-1']).stdout.trim()).toBe(`${alice.uid}:${alice.gid} [no-new-privileges]`);
    expect(host.run(bob, 'docker ps -a --format "{{.Names}}"; docker volume ls -q; docker network ls --format "{{.Name}}"').stdout).not.toMatch(/plain/);
    expect(host.run(bob, `docker run --rm -v plain_data:/d ${IMAGE} cat /d/uid`).status).not.toBe(0);
    const down = compose('down -v');
    expect({ status: down.status, stderr: down.status === 0 ? '' : down.stderr }).toEqual({ status: 0, stderr: '' });
    expect(host.engine.admin(['ps', '-a', '--format', '{{.Names}}']).stdout).not.toMatch(/plain-/);
    expect(host.engine.admin(['volume', 'ls', '-q']).stdout).not.toContain('plain_data');
    expect(host.engine.admin(['network', 'ls', '--format', '{{.Name}}']).stdout).not.toContain('plain_default');
  });
}
