import { buildProgram, type CommandResult } from './cli.js';
import type { Context } from './context.js';
import { VERSION } from './version.js';
import { readFileSync } from 'node:fs';

// argv → options only: the commands themselves are exercised as subprocesses under test/cli.
function parse(argv: string[]): Record<string, unknown> {
  let captured: Record<string, unknown> = {};
  const program = buildProgram(() => undefined);
  for (const command of program.commands.flatMap((c) => [c, ...c.commands])) {
    command.action((...args: unknown[]) => {
      const self = args[args.length - 1] as { optsWithGlobals: () => Record<string, unknown> };
      captured = { ...self.optsWithGlobals(), args: args.slice(0, -2) };
    });
  }
  program.parse(argv, { from: 'user' });
  return captured;
}

describe('the command line', () => {
  test('global options mean the same before and after the subcommand', () => {
    const before = parse(['--dir', '/srv/ca', '--json', '--dry-run', '-y', 'user', 'add', 'alice']);
    const after = parse(['user', 'add', 'alice', '--dir', '/srv/ca', '--json', '--dry-run', '-y']);
    expect(after).toEqual(before);
    expect(before).toMatchObject({ dir: '/srv/ca', json: true, dryRun: true, yes: true, args: [['alice']] });
  });

  test('repeatable flags collect, defaults apply', () => {
    expect(parse(['user', 'add', 'a', 'b', '--group', 'x', '--group', 'y'])).toMatchObject({ group: ['x', 'y'], within: '30', args: [['a', 'b']] });
    expect(parse(['server', 'issue', '--host', 'h1', '--host', 'h2', '--ip', '10.0.0.1'])).toMatchObject({
      host: ['h1', 'h2'], ip: ['10.0.0.1'], out: '/etc/docker/ssl', defaultHosts: true,
    });
    expect(parse(['daemon', 'configure', '--no-authz'])).toMatchObject({ authz: false, listen: 'tcp://0.0.0.0:2376', daemonJson: '/etc/docker/daemon.json' });
  });

  test('offboarding and doctor: argv → options', () => {
    expect(parse(['user', 'remove', 'alice', 'bob', '--docker-socket', 'none'])).toMatchObject({ dockerSocket: 'none', audit: '/var/log/dockauth/audit.log', args: [['alice', 'bob']] });
    expect(parse(['daemon', 'unconfigure', '--dry-run'])).toMatchObject({ dryRun: true, daemonJson: '/etc/docker/daemon.json', systemdDropin: '/etc/systemd/system/docker.service.d/dockauth.conf' });
    expect(parse(['doctor', '--policy', '/p.yaml'])).toMatchObject({ pluginSocket: '/run/docker/plugins/dockauth.sock', policy: '/p.yaml', dockerGroup: 'docker', profileRoot: '/', socket: '/var/run/docker.sock' });
    expect(parse(['subid', 'add', 'alice', '--count', '100000'])).toMatchObject({ count: '100000', args: ['alice'] });
  });

  test('the version matches the package', () => {
    const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };
    expect(VERSION).toBe(pkg.version);
  });

  test('--help names the whole flow', () => {
    const help = buildProgram((_context: Context, _result: CommandResult) => undefined).helpInformation();
    for (const command of ['ca', 'server', 'daemon', 'user', 'sign', 'crl', 'doctor']) expect(help).toContain(command);
  });
});
