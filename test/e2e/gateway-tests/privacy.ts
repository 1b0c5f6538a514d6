import { IMAGE, type GatewayHost } from '../gateway-suite.js';

/** Each user sees their own containers, volumes, networks and events; another's are as if they did not exist. */
export function describeGatewayPrivacy(host: GatewayHost, named: (title: string) => string): void {
  test(named('ps, volume ls, network ls and inspect show alice only her own; bob is told hers do not exist'), () => {
    const { alice, bob } = host;
    const made = host.run(alice, `docker run -d --name ${alice.name}-own ${IMAGE} sleep 300 && docker volume create ${alice.name}-vol && docker network create ${alice.name}-net`);
    expect({ status: made.status, denials: host.denials() }).toEqual({ status: 0, denials: [] });
    expect(host.run(bob, `docker run -d --name ${bob.name}-own ${IMAGE} sleep 300`).status).toBe(0);
    const list = (user: typeof alice, command: string): string[] => host.run(user, command).stdout.split('\n').filter(Boolean);
    expect(list(alice, 'docker ps -a --format "{{.Names}}"')).toEqual([`${alice.name}-own`]);
    expect(list(bob, 'docker ps -a --format "{{.Names}}"')).toEqual([`${bob.name}-own`]);
    expect(list(alice, 'docker volume ls -q')).toContain(`${alice.name}-vol`);
    expect(list(bob, 'docker volume ls -q')).not.toContain(`${alice.name}-vol`);
    expect(list(alice, 'docker network ls --format "{{.Name}}"')).toContain(`${alice.name}-net`);
    expect(list(bob, 'docker network ls --format "{{.Name}}"')).not.toContain(`${alice.name}-net`);
    // dockerd itself has both: the lists were cut, not emptied.
    expect(host.engine.admin(['ps', '--format', '{{.Names}}']).stdout).toContain(`${bob.name}-own`);
    for (const [command, message] of [
      [`docker container inspect ${alice.name}-own`, `No such container: ${alice.name}-own`],
      [`docker logs ${alice.name}-own`, `No such container: ${alice.name}-own`],
      [`docker volume inspect ${alice.name}-vol`, `No such volume: ${alice.name}-vol`],
      [`docker network inspect ${alice.name}-net`, `No such network: ${alice.name}-net`],
    ]) {
      const result = host.run(bob, command as string);
      expect({ command, status: result.status === 0 ? 0 : 1, stderr: result.stderr }).toEqual({ command, status: 1, stderr: expect.stringContaining(message as string) });
    }
    expect(host.run(bob, `docker inspect ${alice.name}-own`).stderr).toMatch(/No such object/i);
    const df = host.run(bob, 'docker system df -v --format "{{json .}}"');
    expect(df.stdout).not.toContain(`${alice.name}-own`);
    expect(df.stdout).not.toContain(`${alice.name}-vol`);
    host.run(alice, `docker rm -f ${alice.name}-own; docker volume rm ${alice.name}-vol; docker network rm ${alice.name}-net`);
    host.run(bob, `docker rm -f ${bob.name}-own`);
  });

  test(named('docker events shows each user their own containers; straight to dockerd it is refused'), () => {
    const { alice, bob } = host;
    const since = Math.floor(Date.now() / 1000) - 1;
    expect(host.run(alice, `docker run --rm --name ${alice.name}-ev ${IMAGE} true`).status).toBe(0);
    expect(host.run(bob, `docker run --rm --name ${bob.name}-ev ${IMAGE} true`).status).toBe(0);
    const until = Math.floor(Date.now() / 1000) + 1;
    const events = (user: typeof alice): string => host.run(user, `docker events --since ${since} --until ${until} --format '{{.Type}} {{.Action}} {{.Actor.Attributes.name}}'`).stdout;
    const seenByAlice = events(alice);
    expect(seenByAlice).toContain(`container create ${alice.name}-ev`);
    expect(seenByAlice).not.toContain(bob.name);
    const seenByBob = events(bob);
    expect(seenByBob).toContain(`container start ${bob.name}-ev`);
    expect(seenByBob).not.toContain(alice.name);
    const direct = host.api(bob, host.engine.port, 'GET', `/v1.41/events?since=${since}&until=${until}`);
    expect(direct.code).toBe(403);
    expect(direct.body).toContain('available only through the dockauth gateway');
  });
}
