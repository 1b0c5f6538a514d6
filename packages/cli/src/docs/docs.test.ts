// The man page and the completions: generated from the command definitions, committed, and
// checked here against what the generator makes now, what man says about the page, and what
// bash and zsh do with the completions.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Command } from 'commander';
import { buildProgram } from '../cli.js';
import { allCommands, commandPath, generateDocs, policyEntries, type GeneratedDocs } from './generate.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '../../../..');
const template = readFileSync(join(root, 'templates/policy.yaml'), 'utf8');
const program = buildProgram(() => undefined);
const generated = generateDocs(program, template);
const committed = (path: keyof GeneratedDocs): string => readFileSync(join(root, path), 'utf8');
const has = (tool: string): boolean => spawnSync('sh', ['-c', `command -v ${tool}`]).status === 0;

describe('generated documentation', () => {
  test.each(Object.keys(generated) as (keyof GeneratedDocs)[])('%s is what scripts/gen-docs.mjs makes now (run it after changing a command)', (path) => {
    expect(committed(path)).toBe(generated[path]);
  });

  test('scripts/gen-docs.mjs --check finds the committed files current', () => {
    const check = spawnSync(process.execPath, ['scripts/gen-docs.mjs', '--check'], { cwd: root, encoding: 'utf8' });
    expect(check.stderr).toBe('');
    expect(check.status).toBe(0);
  });

  test('every command and subcommand buildProgram() defines has a description and a section in the man page', () => {
    const page = committed('docs/dockauth.8');
    // Walked here, not by the generator: a command it missed fails this test.
    const walk = (command: Command): Command[] => command.commands.flatMap((sub) => [sub, ...walk(sub)]);
    const commands = walk(program);
    expect(commands.map(commandPath)).toEqual(allCommands(program).map(commandPath));
    expect(commands.map(commandPath)).toEqual(expect.arrayContaining(['ca init', 'user add', 'user remove', 'subid add', 'authz check', 'doctor']));
    for (const command of commands) {
      expect(command.description()).not.toBe('');
      expect(page).toContain(`.SS "${commandPath(command).replace(/-/g, '\\-')}"`);
      for (const option of command.options) expect(page).toContain(`\\fB${option.long!.replace(/-/g, '\\-')}\\fR`);
    }
    for (const section of ['NAME', 'SYNOPSIS', 'DESCRIPTION', 'GLOBAL OPTIONS', 'COMMANDS', 'POLICY', 'EXIT STATUS', 'FILES', 'SEE ALSO']) {
      expect(page).toMatch(new RegExp(`^\\.SH ${section}$`, 'm'));
    }
  });

  test('the man page explains every key of the policy template, from its comments', () => {
    const page = committed('docs/dockauth.8');
    const policy = page.slice(page.indexOf('.SH POLICY'), page.indexOf('.SH EXIT STATUS'));
    const keys = [...template.matchAll(/^ {2}([a-z_]+):/gm)].map((match) => match[1]!);
    expect(keys).toEqual(expect.arrayContaining(['allow', 'deny', 'images', 'mounts', 'run_as', 'capabilities', 'devices', 'no_new_privileges', 'host_network', 'privileged_ports', 'log_drivers', 'limits', 'restart_policies', 'build', 'networks']));
    for (const key of [...keys, 'groups', 'users']) expect(policy).toContain(`\\fB${key}\\fR`);
    for (const entry of policyEntries(template).base) expect(entry.comment.length).toBeGreaterThan(0);
  });

  test('man renders the page without a warning', () => {
    const man = has('man')
      ? spawnSync('man', ['--warnings', '-l', join(root, 'docs/dockauth.8')], { env: { ...process.env, LC_ALL: 'C.UTF-8', MANWIDTH: '80', MANPAGER: 'cat', PAGER: 'cat' }, encoding: 'utf8' })
      : spawnSync('groff', ['-man', '-Tutf8', '-ww', join(root, 'docs/dockauth.8')], { encoding: 'utf8' });
    expect(man.error).toBeUndefined();
    expect(man.stderr).toBe('');
    expect(man.status).toBe(0);
    expect(man.stdout).toMatch(/dockauth user add/);
    expect(man.stdout).toMatch(/no_new_privileges/);
  });
});

describe('bash completion', () => {
  /** What _dockauth offers for the command line `words` (the last is the word being completed). */
  function complete(...words: string[]): string[] {
    const script = `source completions/dockauth.bash; COMP_WORDS=(dockauth "$@"); COMP_CWORD=$#; _dockauth; printf '%s\\n' "\${COMPREPLY[@]}"`;
    const bash = spawnSync('bash', ['-c', script, 'bash', ...words], { cwd: root, encoding: 'utf8' });
    expect(bash.stderr).toBe('');
    return bash.stdout.split('\n').filter(Boolean).sort();
  }

  test('offers the subcommands at each level', () => {
    expect(complete('us')).toEqual(['user']);
    expect(complete('')).toEqual(allCommands(program).filter((command) => command.parent === program).map((command) => command.name()).sort());
    expect(complete('user', 'ad')).toEqual(['add']);
    expect(complete('user', 'r')).toEqual(['remove', 'renew', 'revoke']);
    expect(complete('--json', 'authz', '')).toEqual(['check', 'init', 'serve']);
  });

  test('offers each command\'s options, the global ones included', () => {
    expect(complete('user', 'add', '--gr')).toEqual(['--group']);
    expect(complete('user', 'add', 'alice', '--dr')).toEqual(['--dry-run']);
    expect(complete('doctor', '--p')).toEqual(['--plugin-socket', '--policy', '--profile-root']);
    expect(complete('--di')).toEqual(['--dir']);
  });

  test('completes option values: choices, and files or directories where the option takes a PATH, FILE or DIR', () => {
    expect(complete('ca', 'init', '--key-type', 'rsa')).toEqual(['rsa-2048', 'rsa-3072', 'rsa-4096']);
    expect(complete('ca', 'init', '--csr', 'templates/policy.y')).toEqual(['templates/policy.yaml']);
    expect(complete('daemon', 'configure', '--daemon-json', 'templates/policy.y')).toEqual(['templates/policy.yaml']);
    expect(complete('--dir', 'templa')).toEqual(['templates']);
    expect(complete('user', 'add', '--out', 'templa')).toEqual(['templates']);
    expect(complete('user', 'add', '--out', '=', 'templa')).toEqual(['templates']);
    // A value that is neither: nothing to offer; after it, the subcommands again.
    expect(complete('user', 'add', '--days', '')).toEqual([]);
    expect(complete('--dir', '/tmp', 'us')).toEqual(['user']);
  });
});

describe('zsh completion', () => {
  const zsh = has('zsh') ? test : test.skip;

  zsh('loads without an error and registers _dockauth for dockauth', () => {
    const result = spawnSync('zsh', ['-fc', 'autoload -Uz compinit; compinit -u -D; source completions/_dockauth; print -r -- $_comps[dockauth]'], { cwd: root, encoding: 'utf8' });
    expect(result.stderr).toBe('');
    expect(result.stdout.trim()).toBe('_dockauth');
    expect(result.status).toBe(0);
  });

  zsh('defines a function for every command', () => {
    const names = ['_dockauth', ...allCommands(program).map((command) => `_dockauth_${commandPath(command).replace(/[ -]/g, '_')}`)];
    const result = spawnSync('zsh', ['-fc', `autoload -Uz compinit; compinit -u -D; source completions/_dockauth; for f in ${names.join(' ')}; do (( $+functions[$f] )) || print -r -- "missing $f"; done`], { cwd: root, encoding: 'utf8' });
    expect(result.stderr).toBe('');
    expect(result.stdout).toBe('');
  });
});
