import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { rawTlsRequest } from '../engine.js';
import { IMAGE, type GatewayHost } from '../gateway-suite.js';

/** What the gateway fills in never overrides the user, and nothing sent through it, or around it, gets past the rules. */
export function describeGatewayEscapes(host: GatewayHost, named: (title: string) => string): void {
  const containers = (): string[] => host.engine.admin(['ps', '-aq', '--no-trunc']).stdout.split('\n').filter(Boolean).sort();
  const refusedWithoutContainer = (user: GatewayHost['alice'], command: string, message: RegExp): void => {
    const before = containers();
    const result = host.run(user, command);
    expect({ command, status: result.status === 0 ? 0 : 1 }).toEqual({ command, status: 1 });
    expect(result.stderr).toMatch(message);
    expect(containers()).toEqual(before);
  };

  test(named('an explicit value is judged, never replaced: -u 0:0, --privileged, -v /:/host, seccomp=unconfined are refused, with no container made'), () => {
    const { alice } = host;
    refusedWithoutContainer(alice, `docker run --rm -u 0:0 ${IMAGE} id`, /authorization denied by dockauth: .*is not you: run as yourself with -u/);
    refusedWithoutContainer(alice, `docker run --rm -u root ${IMAGE} id`, /give your numeric uid and gid/);
    refusedWithoutContainer(alice, `docker run --rm --privileged ${IMAGE} id`, /--privileged is not allowed/);
    refusedWithoutContainer(alice, `docker run --rm -v /:/host ${IMAGE} ls /host`, /authorization denied by dockauth/);
    refusedWithoutContainer(alice, `docker run --rm --security-opt seccomp=unconfined ${IMAGE} id`, /seccomp=unconfined is not allowed/);
    refusedWithoutContainer(alice, `docker run --rm --label dockauth.owner=${host.bob.name} ${IMAGE} id`, /is not you/);
  });

  test(named('a user header is the gateway\'s word only: forged through the gateway it is dropped, forged straight to dockerd it is ignored'), () => {
    const { alice, bob } = host;
    expect(host.run(alice, `docker run -d --name ${alice.name}-target ${IMAGE} sleep 300`).status).toBe(0);
    const id = host.engine.admin(['inspect', '-f', '{{.Id}}', `${alice.name}-target`]).stdout.trim();
    const forged = [`X-Dockauth-User: ${alice.name}`, `X-Dockauth-Serial: 01`];
    const throughGateway = host.api(bob, host.engine.gatewayPort, 'GET', `/v1.41/containers/${id}/json`, { headers: forged });
    expect(throughGateway).toEqual({ code: 404, body: expect.stringContaining('No such container') });
    const mark = host.audit().length;
    const direct = host.api(bob, host.engine.port, 'GET', `/v1.41/containers/${id}/json`, { headers: forged });
    expect(direct.code).toBe(403);
    expect(direct.body).toContain('is not yours');
    const judged = host.audit().slice(mark).filter((entry) => entry.action === 'container.inspect');
    expect(judged).toEqual([expect.objectContaining({ user: bob.name, decided_by: 'plugin', decision: 'deny' })]);
    expect(judged[0]).not.toHaveProperty('via');
    // And stop, from bob, reaches nothing either way.
    expect(host.api(bob, host.engine.port, 'POST', `/v1.41/containers/${id}/stop`, { headers: forged }).code).toBe(403);
    expect(host.engine.admin(['inspect', '-f', '{{.State.Running}}', id]).stdout.trim()).toBe('true');
    host.run(alice, `docker rm -f ${alice.name}-target`);
  });

  test(named('bob cannot exec into, stop or remove alice\'s container: to him it does not exist'), () => {
    const { alice, bob } = host;
    expect(host.run(alice, `docker run -d --name ${alice.name}-keep ${IMAGE} sleep 300`).status).toBe(0);
    // (rm -f of a missing container succeeds in the CLI, as it would for one that never existed: it must still leave it running.)
    host.run(bob, `docker rm -f ${alice.name}-keep`);
    for (const command of [`docker exec ${alice.name}-keep id`, `docker stop ${alice.name}-keep`, `docker rm ${alice.name}-keep`, `docker cp ${alice.name}-keep:/etc/passwd /tmp/x-${bob.name}`]) {
      const result = host.run(bob, command);
      expect({ command, status: result.status === 0 ? 0 : 1, stderr: result.stderr }).toEqual({ command, status: 1, stderr: expect.stringMatching(/No such container/) });
    }
    expect(host.engine.admin(['inspect', '-f', '{{.State.Running}}', `${alice.name}-keep`]).stdout.trim()).toBe('true');
    host.run(alice, `docker rm -f ${alice.name}-keep`);
  });

  test(named('bytes smuggled after an upgrade never reach dockerd as requests: only attach and exec start take a connection over, and only after dockerd says 101'), async () => {
    const { alice, bob } = host;
    expect(host.run(bob, `docker run -d --name ${bob.name}-victim ${IMAGE} sleep 300`).status).toBe(0);
    // Bob's serial is no secret: his certificate is world-readable.
    const serial = execFileSync('openssl', ['x509', '-noout', '-serial', '-in', join(bob.home, '.docker', 'cert.pem')], { encoding: 'utf8' }).trim().replace(/^serial=/, '').toLowerCase();
    const smuggled = (first: string): string => `${first}\r\nHost: x\r\nConnection: Upgrade\r\nUpgrade: tcp\r\nContent-Length: 0\r\n\r\n` +
      `POST /v1.41/containers/${bob.name}-victim/kill HTTP/1.1\r\nHost: x\r\nX-Dockauth-User: ${bob.name}\r\nX-Dockauth-Serial: ${serial}\r\nContent-Length: 0\r\n\r\n`;
    const ping = await rawTlsRequest({ ...host.engine, port: host.engine.gatewayPort }, alice.home, smuggled('GET /v1.41/_ping HTTP/1.1'), Buffer.alloc(0));
    expect(ping.status).toMatch(/ 400 /);
    // On attach, which may take a connection over, the request is alice's own and dockerd refuses it: nothing follows.
    const attach = await rawTlsRequest({ ...host.engine, port: host.engine.gatewayPort }, alice.home, smuggled(`POST /v1.41/containers/${bob.name}-victim/attach?stream=1&stdout=1 HTTP/1.1`), Buffer.alloc(0));
    expect(attach.status).toMatch(/ 404 /);
    expect(host.engine.admin(['inspect', '-f', '{{.State.Running}}', `${bob.name}-victim`]).stdout.trim()).toBe('true');
    expect(host.audit().filter((entry) => entry.action === 'container.kill')).toEqual([]);
    host.run(bob, `docker rm -f ${bob.name}-victim`);
  });

  test(named('BuildKit and HTTP/2 are refused with what to use instead'), () => {
    const session = host.api(host.alice, host.engine.gatewayPort, 'POST', '/v1.41/session', { headers: ['Upgrade: h2c', 'Connection: Upgrade'] });
    expect(session.code).toBe(403);
    expect(session.body).toContain('DOCKER_BUILDKIT=0');
  });

  test(named('docker load cannot take a name that is not the user\'s: an archive retagged as a shared image loads nothing'), () => {
    const { alice } = host;
    const victim = 'dockauth-test/shared:latest';
    const imagesBefore = host.engine.admin(['images', '-a', '--format', '{{.Repository}}:{{.Tag}} {{.ID}}']).stdout;
    // The test image's archive, with the name in its manifest (and repositories, index.json) rewritten to one alice may not take.
    const retag = `mkdir -p $HOME/x && cd $HOME/x && rm -rf * && docker save ${IMAGE} | tar -x && ` +
      `sed -i 's#dockauth-test/busybox#dockauth-test/shared#g' manifest.json repositories index.json 2>/dev/null; tar -c * | docker load`;
    const result = host.run(alice, retag);
    expect(result.status).not.toBe(0);
    expect(result.stderr).toMatch(/not under your own name/);
    expect(host.engine.admin(['images', '-a', '--format', '{{.Repository}}:{{.Tag}} {{.ID}}']).stdout).toBe(imagesBefore);
    expect(host.engine.admin(['image', 'inspect', victim]).status).not.toBe(0);
    // Under her own name, it loads.
    const own = host.run(alice, `cd $HOME/x && sed -i 's#dockauth-test/shared#${alice.name}/copy#g' manifest.json repositories index.json 2>/dev/null; tar -c * | docker load`);
    expect({ status: own.status, stderr: own.stderr }).toEqual({ status: 0, stderr: '' });
    expect(host.engine.admin(['image', 'inspect', `${alice.name}/copy:latest`]).status).toBe(0);
  });

  test(named('a revoked user is refused by the gateway at once'), () => {
    const { bob } = host;
    expect(host.run(bob, 'docker ps').status).toBe(0);
    host.ok(['user', 'revoke', bob.name, '--docker-socket', 'none']);
    const after = host.run(bob, 'docker ps');
    expect(after.status).not.toBe(0);
    expect(after.stderr).toMatch(/authorization denied by dockauth: certificate .* was revoked/);
  });
}
