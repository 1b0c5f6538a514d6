/** dockauth(8), in roff: the commands from the program, the POLICY section from the template's comments. */
import type { Argument, Command, Option } from 'commander';
import { allCommands, argumentsOf, commandPath, extraHelp, optionText, optionsOf, subcommandsOf, valueName } from './command-tree.js';

/** Text for roff: no escape, request or curly quote can come from the text itself. */
function roff(text: string): string {
  return text
    .replace(/\\/g, '\\e')
    .replace(/-/g, '\\-')
    .replace(/'/g, '\\(aq')
    .replace(/`/g, '\\(ga')
    .replace(/\^/g, '\\(ha')
    .replace(/~/g, '\\(ti')
    .split('\n')
    .map((line) => (/^[.']/.test(line) ? `\\&${line}` : line))
    .join('\n');
}

/** Like roff(), and `words` in backquotes set in bold. */
function roffProse(text: string): string {
  return roff(text).replace(/\\\(ga([^\n]*?)\\\(ga/g, '\\fB$1\\fR');
}

/** `--dir <DIR>` as bold flags and an italic value. */
function roffFlags(option: Option): string {
  const value = valueName(option);
  const names = [option.short, option.long].filter((name): name is string => Boolean(name)).map((name) => `\\fB${roff(name)}\\fR`).join(', ');
  if (value === undefined) return names;
  return option.optional ? `${names} [\\fI${roff(value)}\\fR]` : `${names} \\fI${roff(value)}\\fR`;
}

function roffArgument(argument: Argument): string {
  const name = `\\fI${roff(argument.name())}\\fR${argument.variadic ? '...' : ''}`;
  return argument.required ? name : `[${name}]`;
}

/** A block shown as it is, indented 4 (or, `inParagraph`, at the indent of the .TP/.IP text). */
const verbatim = (text: string, inParagraph = false): string => [inParagraph ? '.RS' : '.RS 4', '.nf', roff(text), '.fi', '.RE'].join('\n');

function roffOptions(options: Option[]): string[] {
  return options.flatMap((option) => ['.TP', roffFlags(option), roff(optionText(option))]);
}

function synopsisLine(command: Command): string {
  const options = optionsOf(command).filter((option) => option.long !== '--help');
  const parts = [`\\fBdockauth ${roff(commandPath(command))}\\fR`];
  for (const option of options.filter((candidate) => candidate.mandatory)) parts.push(roffFlags(option));
  if (options.some((option) => !option.mandatory)) parts.push('[\\fIOPTIONS\\fR]');
  for (const argument of argumentsOf(command)) parts.push(roffArgument(argument));
  return parts.join(' ');
}

/** The commands' help texts put "Examples:" or "Example:" before their examples. */
function roffExtraHelp(text: string): string[] {
  if (text === '') return [];
  const out: string[] = [];
  for (const block of text.split(/\n\s*\n/)) {
    const lines = block.split('\n');
    const heading = /^([A-Z][^:]*):\s*$/.exec(lines[0] ?? '');
    if (heading && lines.length > 1) {
      out.push('.PP', `\\fI${roff(heading[1]!)}:\\fR`, verbatim(dedent(lines.slice(1)).join('\n')));
    } else if (lines.every((line) => !/^\s/.test(line))) {
      out.push('.PP', roff(lines.join(' ')));
    } else {
      out.push('.PP', verbatim(dedent(lines).join('\n')));
    }
  }
  return out;
}

function dedent(lines: string[]): string[] {
  const indent = Math.min(...lines.filter((line) => line.trim() !== '').map((line) => /^ */.exec(line)![0].length));
  return lines.map((line) => line.slice(indent).replace(/\s+$/, ''));
}

function manCommands(program: Command): string[] {
  const out: string[] = [];
  for (const command of allCommands(program)) {
    const subcommands = subcommandsOf(command);
    out.push(`.SS "${roff(commandPath(command))}"`);
    if (subcommands.length > 0) {
      out.push(`${roff(command.description())}: ${subcommands.map((sub) => `\\fB${roff(commandPath(sub))}\\fR`).join(', ')}.`);
      continue;
    }
    out.push(synopsisLine(command), '.br', roff(command.description()) + '.');
    const args = argumentsOf(command).filter((argument) => argument.description);
    for (const argument of args) out.push('.TP', roffArgument(argument), roff(argument.description));
    const before = extraHelp(command, 'before');
    out.push(...roffExtraHelp(before));
    const options = optionsOf(command).filter((option) => option.long !== '--help');
    if (options.length > 0) out.push('.PP', 'Options:', '.RS 4', ...roffOptions(options), '.RE');
    out.push(...roffExtraHelp(extraHelp(command, 'after')));
  }
  return out;
}

/** One policy key (or several sharing a comment), its explanation and its default. */
interface PolicyEntry {
  keys: string[];
  comment: string[];
  defaults: string[];
}

/** Reads the template: its opening comment, the keys under `base` and the sections after it. */
export function policyEntries(template: string): { preamble: string[]; base: PolicyEntry[]; sections: PolicyEntry[] } {
  const lines = template.split('\n');
  const preamble: string[] = [];
  let at = 0;
  for (; at < lines.length && lines[at]!.startsWith('#'); at++) preamble.push(lines[at]!.replace(/^# ?/, ''));
  const base: PolicyEntry[] = [];
  const sections: PolicyEntry[] = [];
  let pending: string[] = [];
  let current: PolicyEntry | undefined;
  let inBase = false;
  for (; at < lines.length; at++) {
    const line = lines[at]!;
    const top = /^([a-z_]+):(.*)$/.exec(line);
    const key = /^ {2}([a-z_]+):(.*)$/.exec(line);
    if (top) {
      inBase = top[1] === 'base';
      if (top[1] !== 'base' && top[1] !== 'version') {
        current = { keys: [top[1]!], comment: pending, defaults: [line] };
        sections.push(current);
      } else {
        current = undefined;
      }
      pending = [];
    } else if (/^#/.test(line)) {
      pending.push(line.replace(/^# ?/, ''));
    } else if (inBase && /^ {2}#/.test(line)) {
      pending.push(line.replace(/^ {2}# ?/, ''));
    } else if (inBase && key) {
      if (pending.length === 0 && current && current.defaults.length === current.keys.length) {
        current.keys.push(key[1]!);
        current.defaults.push(line.slice(2));
      } else {
        current = { keys: [key[1]!], comment: pending, defaults: [line.slice(2)] };
        base.push(current);
      }
      pending = [];
    } else if (inBase && current && /^ {4}/.test(line)) {
      current.defaults.push(line.slice(2));
    } else if (line.trim() === '') {
      pending = [];
    }
  }
  return { preamble, base, sections };
}

/** Comment lines as paragraphs; "for example:" and lines indented further as verbatim blocks. */
function roffComment(comment: string[], inParagraph = false): string[] {
  const out: string[] = [];
  let prose: string[] = [];
  let example: string[] = [];
  const flush = () => {
    if (prose.length > 0) out.push(roffProse(prose.join(' ')));
    if (example.length > 0) out.push(verbatim(dedent(example).join('\n'), inParagraph));
    prose = [];
    example = [];
  };
  for (const line of comment) {
    if (line.trim() === '') {
      flush();
      out.push(inParagraph ? '.IP' : '.PP');
    } else if (/^\s/.test(line)) {
      example.push(line);
    } else {
      if (example.length > 0) flush();
      prose.push(line.trim());
    }
  }
  flush();
  return out;
}

/** A default short enough to show (a long list is in the file `dockauth authz init` writes). */
const MAX_DEFAULT_LINES = 12;

function manPolicy(template: string): string[] {
  const { preamble, base, sections } = policyEntries(template);
  const out = ['.SH POLICY', ...roffComment(preamble)];
  out.push('.PP', 'The keys of a section (\\fBbase\\fR, each group\\(aqs and each user\\(aqs), with the defaults of the policy \\fBdockauth authz init\\fR writes:');
  for (const entry of [...base, ...sections]) {
    out.push('.TP', entry.keys.map((key) => `\\fB${roff(key)}\\fR`).join(', '), ...roffComment(entry.comment, true));
    if (sections.includes(entry)) continue;
    if (entry.defaults.length <= MAX_DEFAULT_LINES) {
      out.push('.IP', 'Default:', verbatim(entry.defaults.join('\n'), true));
    } else {
      const items = entry.defaults.filter((line) => /^\s*- /.test(line)).length;
      out.push('.IP', `Default: ${items} entries; see the file \\fBdockauth authz init\\fR writes.`);
    }
  }
  return out;
}

export function manPage(program: Command, template: string): string {
  const globals = optionsOf(program);
  const commands = allCommands(program).filter((command) => subcommandsOf(command).length === 0);
  return [
    `.\\" Generated by scripts/gen-docs.mjs from the command definitions (packages/cli/src/cli.ts)`,
    `.\\" and templates/policy.yaml: do not edit; run \`node scripts/gen-docs.mjs\` instead.`,
    `.TH DOCKAUTH 8 "" "dockauth ${roff(program.version() ?? '')}" "System Administration"`,
    '.nh',
    '.ad l',
    '.SH NAME',
    `dockauth \\- ${roff(program.description().replace(/[:.].*$/s, '').replace(/^Give/, 'give'))}`,
    '.SH SYNOPSIS',
    '\\fBdockauth\\fR [\\fIGLOBAL OPTIONS\\fR] \\fICOMMAND\\fR [\\fISUBCOMMAND\\fR] [\\fIOPTIONS\\fR] [\\fIARGUMENTS\\fR]',
    '.PP',
    ...commands.flatMap((command) => [synopsisLine(command), '.br']).slice(0, -1),
    '.SH DESCRIPTION',
    roff(
      'Whoever can talk to the Docker daemon is root on its host: a privileged container with the ' +
        'host\'s / mounted is all it takes. So shared machines (HPC login nodes, lab servers, CI hosts) ' +
        'either keep Docker from their users or hand them root. dockauth lets the administrator give each ' +
        'user Docker as themselves instead.',
    ),
    '.PP',
    roff(
      'The daemon listens on TCP with mutual TLS, and every user holds a client certificate, issued by a ' +
        'CA dockauth keeps, whose common name is their login name. An authorization plugin sees that name on every ' +
        'API call, enforces the site\'s policy (see POLICY: no privileged containers or host namespaces, bind ' +
        'mounts only where the user may go, containers run as the user\'s own uid:gid, only allowed images, ' +
        'only one\'s own containers), and writes every decision to an audit log. Optionally userns-remap maps ' +
        'root inside containers to an unprivileged range on the host.',
    ),
    '.PP',
    roff(
      'Every command that changes the system first computes its plan and then applies it; run again, it ' +
        'changes nothing. With --dry-run it shows the plan and writes nothing.',
    ),
    '.SH GLOBAL OPTIONS',
    'Every command takes these, before or after its name.',
    ...roffOptions(globals),
    '.SH COMMANDS',
    ...manCommands(program),
    ...manPolicy(template),
    '.SH EXIT STATUS',
    '.TP',
    '.B 0',
    'Done, whether anything changed or not.',
    '.TP',
    '.B 1',
    roff('Failed at run time (and, for doctor, an error was found; for commands with --json, the JSON object says why).'),
    '.TP',
    '.B 2',
    'Bad usage or bad input; nothing was changed.',
    '.TP',
    '.B 130',
    'Interrupted at a prompt.',
    '.SH ENVIRONMENT',
    '.TP',
    '.B DOCKAUTH_DIR',
    roff('The CA state directory when --dir is not given (default /etc/dockauth).'),
    '.TP',
    '.B DOCKAUTH_CA_PASSPHRASE',
    roff('The passphrase of an encrypted CA key, when --ca-passphrase-file is not given.'),
    '.TP',
    '.B DOCKER_HOST',
    roff('A unix:// address here names dockerd\'s root socket for user revoke and user remove.'),
    '.TP',
    '.B DOCKAUTH_DEBUG',
    'Set to 1, an unexpected failure prints its stack trace.',
    '.SH FILES',
    '.TP',
    '.I /etc/dockauth',
    roff('The CA state directory: the CA key and certificate, the inventory of issued certificates, the CRL, and the authorization policy (policy.yaml).'),
    '.TP',
    '.I /var/lib/dockauth',
    roff('The plugin\'s records of who owns the containers, volumes and networks users make.'),
    '.TP',
    '.I /var/log/dockauth/audit.log',
    roff('The audit log: one JSON record per decision (who, what, allowed or why not), and each revocation and removal.'),
    '.TP',
    '.I /run/docker/plugins/dockauth.sock',
    roff('The socket where dockerd finds the authorization plugin (dockauth-authz.socket).'),
    '.TP',
    '.I \\(ti/.docker',
    roff('A user\'s client certificate, key and the CA certificate (ca.pem, cert.pem, key.pem), as user add installs them.'),
    '.TP',
    '.I /etc/docker/daemon.json',
    roff('The daemon configuration daemon configure merges its settings into (its backup beside it).'),
    '.TP',
    '.I /etc/docker/ssl',
    roff('The daemon\'s TLS certificate and key, as server issue writes them.'),
    '.TP',
    '.I /usr/lib/dockauth/better_sqlite3.node',
    roff('SQLite\'s compiled module, which the installed executable loads only when root (or the caller) owns it and no one else may write it.'),
    '.TP',
    '.I /lib/systemd/system/dockauth-authz.socket',
    roff('The units the Debian package installs (with dockauth-authz.service, dockauth-renew.service and dockauth-renew.timer), starting /usr/bin/dockauth on /etc/dockauth; the systemd command writes its own into /etc/systemd/system, which take precedence.'),
    '.TP',
    '.I /usr/share/dockauth/policy.yaml',
    roff('The default authorization policy, as authz init writes it.'),
    '.SH EXAMPLES',
    ...roffExtraHelp(extraHelp(program, 'after')),
    '.SH SEE ALSO',
    '.BR docker (1),',
    '.BR dockerd (8),',
    '.BR openssl (1),',
    '.BR subuid (5),',
    '.BR subgid (5),',
    '.BR systemd.socket (5)',
    '',
  ].join('\n');
}
