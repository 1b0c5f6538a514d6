import { statSync } from 'node:fs';
import { join } from 'node:path';
import { IMAGE, type GatewayHost } from '../gateway-suite.js';

/** What a scientist types, unchanged: it runs, as them. */
export function describeGatewayWork(host: GatewayHost, named: (title: string) => string): void {
  test(named('a plain docker run with the home mounted runs as the user, with their groups and no-new-privileges'), () => {
    const { alice } = host;
    const result = host.run(alice, `docker run --rm -v $HOME:$HOME -w $HOME ${IMAGE} sh -c 'id -u; id -g; id -G; grep NoNewPrivs /proc/self/status; echo hi > from-gateway'`);
    expect({ status: result.status, stderr: result.stderr, denials: host.denials() }).toEqual({ status: 0, stderr: '', denials: [] });
    const [uid, gid, groups, nnp] = result.stdout.split('\n');
    expect([uid, gid]).toEqual([String(alice.uid), String(alice.gid)]);
    expect((groups ?? '').split(' ').map(Number).sort()).toEqual([...alice.gids].sort());
    expect(nnp).toMatch(/NoNewPrivs:\s+1/);
    const file = statSync(join(alice.home, 'from-gateway'));
    expect([file.uid, file.gid]).toEqual([alice.uid, alice.gid]);
    const record = host.audit().reverse().find((entry) => entry.action === 'container.create' && entry.decided_by === 'gateway');
    expect(record).toMatchObject({ user: alice.name, decision: 'allow' });
    expect(record?.filled).toEqual(expect.arrayContaining(['User', 'HostConfig.SecurityOpt', 'Labels.dockauth.owner']));
    const judgedBehind = host.audit().reverse().find((entry) => entry.action === 'container.create' && entry.decided_by === 'plugin');
    expect(judgedBehind).toMatchObject({ user: alice.name, via: 'gateway', decision: 'allow' });
  });

  test(named('run -it and exec -it get a terminal through a pseudo-terminal (script), as the user'), () => {
    const { alice } = host;
    const inTerminal = (command: string): string => `script -qec "${command}" /dev/null`;
    const run = host.run(alice, inTerminal(`docker run -it --rm ${IMAGE} sh -c 'tty; id -u'`));
    expect({ status: run.status, denials: host.denials() }).toEqual({ status: 0, denials: [] });
    // The terminal may echo a control byte or two between the lines.
    expect(run.stdout).toMatch(new RegExp(`/dev/pts/\\d+[\\s\\S]*\\b${alice.uid}\\b`));
    expect(host.run(alice, `docker run -d --name ${alice.name}-term ${IMAGE} sleep 300`).status).toBe(0);
    const exec = host.run(alice, inTerminal(`docker exec -it ${alice.name}-term sh -c 'tty; id -u'`));
    expect(exec.stdout).toMatch(new RegExp(`/dev/pts/\\d+[\\s\\S]*\\b${alice.uid}\\b`));
    // Input flows the other way too, and the output still arrives after the client closes its side.
    expect(host.run(alice, `echo through-stdin | docker run -i --rm ${IMAGE} cat`).stdout).toBe('through-stdin');
    expect(host.run(alice, `docker rm -f ${alice.name}-term`).status).toBe(0);
  });

  test(named('logs -f, cp out, and save | load of an allowed image pass through'), () => {
    const { alice } = host;
    expect(host.run(alice, `docker run -d --name ${alice.name}-logs ${IMAGE} sh -c 'echo one; sleep 1; echo two'`).status).toBe(0);
    expect(host.run(alice, `docker logs -f ${alice.name}-logs`).stdout).toBe('one\ntwo');
    const copied = host.run(alice, `docker cp ${alice.name}-logs:/etc/passwd $HOME/copied-passwd && cat $HOME/copied-passwd`);
    expect(copied.stdout).toContain('nobody:x:65534');
    expect(host.run(alice, `docker rm ${alice.name}-logs`).status).toBe(0);
    const before = host.engine.admin(['image', 'inspect', '-f', '{{.Id}}', IMAGE]).stdout.trim();
    const roundTrip = host.run(alice, `docker save ${IMAGE} | docker load`);
    expect({ status: roundTrip.status, stderr: roundTrip.stderr, denials: host.denials() }).toEqual({ status: 0, stderr: '', denials: [] });
    expect(roundTrip.stdout).toContain(`Loaded image: ${IMAGE}`);
    expect(host.engine.admin(['image', 'inspect', '-f', '{{.Id}}', IMAGE]).stdout.trim()).toBe(before);
  });
}
