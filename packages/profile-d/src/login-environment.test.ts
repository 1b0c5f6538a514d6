import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { renderCshProfile, renderShProfile } from './index.js';
import { makeTempDir } from '../../../test/support/temp.js';

const HOST = 'tcp://docker.example.org:2376';
const installed = (shell: string): boolean => spawnSync('sh', ['-c', `command -v ${shell}`]).status === 0;

// Prints the four variables with the echo builtin only.
const PRINT = 'echo "DOCKER_HOST=${DOCKER_HOST-}"; echo "DOCKER_TLS_VERIFY=${DOCKER_TLS_VERIFY-}"; echo "DOCKER_CERT_PATH=${DOCKER_CERT_PATH-}"; echo "DOCKER_CONTEXT=${DOCKER_CONTEXT-}"';

/** How each shell sources the sh snippet as a login shell would, under `set -eu`, then prints the variables. */
const SH_SHELLS: Array<[string, (script: string) => string[]]> = [
  ['bash', (script) => ['bash', '--norc', '--noprofile', '-c', `set -eu; . '${script}'; ${PRINT}`]],
  ['dash', (script) => ['dash', '-c', `set -eu; . '${script}'; ${PRINT}`]],
  ['ksh', (script) => ['ksh', '-c', `set -eu; . '${script}'; ${PRINT}`]],
  // Debian's zsh reads no profile.d; the line dockauth tells admins to add sources it in sh emulation.
  ['zsh', (script) => ['zsh', '-c', `set -eu; emulate sh -c '. ${script}'; ${PRINT}`]],
];

describe('the login snippets, sourced by real shells', () => {
  let temp: ReturnType<typeof makeTempDir>;
  let withCerts: string;
  let withoutCerts: string;
  let sh: string;
  let csh: string;

  beforeAll(() => {
    temp = makeTempDir();
    withCerts = join(temp.dir, 'alice');
    withoutCerts = join(temp.dir, 'carol');
    mkdirSync(join(withCerts, '.docker'), { recursive: true });
    mkdirSync(withoutCerts);
    for (const name of ['ca.pem', 'cert.pem', 'key.pem']) writeFileSync(join(withCerts, '.docker', name), 'x');
    chmodSync(join(withCerts, '.docker', 'key.pem'), 0o600);
    sh = join(temp.dir, 'dockauth.sh');
    csh = join(temp.dir, 'dockauth.csh');
    writeFileSync(sh, renderShProfile({ dockerHost: HOST }));
    writeFileSync(csh, renderCshProfile({ dockerHost: HOST }));
  });
  afterAll(() => temp.cleanup());

  /** Runs a shell with a bare environment (PATH leads nowhere: any external command would fail). */
  const run = (argv: string[], env: Record<string, string>): { status: number; stderr: string; env: Record<string, string> } => {
    const shell = spawnSync(`/usr/bin/${argv[0]}`, argv.slice(1), { encoding: 'utf8', env: { PATH: '/nonexistent', ...env } });
    const vars = Object.fromEntries(shell.stdout.trim().split('\n').map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]));
    return { status: shell.status ?? -1, stderr: shell.stderr, env: vars };
  };

  describe.each(SH_SHELLS)('%s', (shell, argv) => {
    const maybe = installed(shell) ? test : test.skip;

    maybe('a user with certificates gets exactly the three variables, using no external command', () => {
      const result = run(argv(sh), { HOME: withCerts });
      expect(result).toEqual({
        status: 0,
        stderr: '',
        env: { DOCKER_HOST: HOST, DOCKER_TLS_VERIFY: '1', DOCKER_CERT_PATH: join(withCerts, '.docker'), DOCKER_CONTEXT: '' },
      });
    });

    maybe('a user without certificates gets nothing', () => {
      expect(run(argv(sh), { HOME: withoutCerts })).toEqual({
        status: 0,
        stderr: '',
        env: { DOCKER_HOST: '', DOCKER_TLS_VERIFY: '', DOCKER_CERT_PATH: '', DOCKER_CONTEXT: '' },
      });
    });

    maybe('a DOCKER_HOST already set is left alone; no HOME at all is fine under set -u', () => {
      expect(run(argv(sh), { HOME: withCerts, DOCKER_HOST: 'unix:///run/user/1000/docker.sock' }).env).toMatchObject({
        DOCKER_HOST: 'unix:///run/user/1000/docker.sock',
        DOCKER_TLS_VERIFY: '',
      });
      expect(run(argv(sh), {})).toMatchObject({ status: 0, stderr: '' });
    });

    maybe('the --context variant selects the docker context only when the user has it', () => {
      const script = join(temp.dir, `context-${shell}.sh`);
      writeFileSync(script, renderShProfile({ dockerHost: HOST, useContext: true }));
      expect(run(argv(script), { HOME: withCerts }).env.DOCKER_CONTEXT).toBe('');
      const home = join(temp.dir, `ctx-${shell}`);
      const id = '4209fa6d7ca8bd9939caa70e97f23e2605f9837d072224ca57df2ec5c4f81a28'; // sha256("dockauth"), as the docker CLI names it
      mkdirSync(join(home, '.docker', 'contexts', 'meta', id), { recursive: true });
      writeFileSync(join(home, '.docker', 'contexts', 'meta', id, 'meta.json'), '{}');
      expect(run(argv(script), { HOME: home }).env).toMatchObject({ DOCKER_CONTEXT: 'dockauth', DOCKER_HOST: '' });
    });
  });

  const tcsh = installed('tcsh') ? test : test.skip;
  tcsh('tcsh sources the csh variant: with certificates, without, and with DOCKER_HOST set', () => {
    const cshRun = (env: Record<string, string>): string =>
      spawnSync('/usr/bin/tcsh', ['-f', '-c', `source ${csh}; if ($?DOCKER_HOST) echo "H=$DOCKER_HOST"; if ($?DOCKER_TLS_VERIFY) echo "V=$DOCKER_TLS_VERIFY"; if ($?DOCKER_CERT_PATH) echo "P=$DOCKER_CERT_PATH"`], {
        encoding: 'utf8',
        env: { PATH: '/nonexistent', ...env },
      }).stdout.trim();
    expect(cshRun({ HOME: withCerts })).toBe(`H=${HOST}\nV=1\nP=${join(withCerts, '.docker')}`);
    expect(cshRun({ HOME: withoutCerts })).toBe('');
    expect(cshRun({ HOME: withCerts, DOCKER_HOST: 'tcp://other:2376' })).toBe('H=tcp://other:2376');
  });

  test('a host with a quote in it can never reach the script', () => {
    expect(() => renderShProfile({ dockerHost: "tcp://x';reboot;'" })).toThrow(/single quote/);
  });
});
