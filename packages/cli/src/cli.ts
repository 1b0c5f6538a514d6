import { Command, Option } from 'commander';
import { makeContext, type Context, type GlobalOptions } from './context.js';
import { stderr, stdout } from './stdio.js';
import { VERSION_LINE } from './version.js';
import { addAuthzCommands } from './program/authz-program.js';
import { addCaCommands } from './program/ca-program.js';
import type { ActionFactory } from './program/action.js';
import { addGatewayCommands } from './program/gateway-program.js';

/** What every command module exports: options in, a JSON-able result out (at least `changed`). */
export type CommandResult = { changed: boolean } & Record<string, unknown>;
// Each command declares its own options type; commander's parsed object is handed over as is.
type Runner = (context: Context, options: never, args: unknown[]) => Promise<CommandResult>;

/** Hands the finished result to the entry point, which prints it and picks the exit code. */
export type ResultSink = (context: Context, result: CommandResult) => void;

import { collect } from './program/action.js';

/**
 * Declares every command, with example-style help. Command modules are imported
 * only when their command runs, so `dockauth --version` loads none of them.
 */
export function buildProgram(sink: ResultSink): Command {
  const program = new Command('dockauth')
    .description('Give users Docker on a shared machine as themselves: mutual TLS per user, an authorization plugin, an audit log.')
    .version(VERSION_LINE, '-V, --version')
    .option('--dir <DIR>', 'CA state directory (default: $DOCKAUTH_DIR or /etc/dockauth)')
    .option('--json', 'print one JSON object on stdout (for scripts and Ansible)')
    .option('--dry-run', 'show what would change, write nothing')
    .option('-y, --yes', 'never prompt (implied when stdin is not a terminal)')
    .option('--ca-passphrase-file <FILE>', 'passphrase of an encrypted CA key (or set DOCKAUTH_CA_PASSPHRASE)')
    .showHelpAfterError('(run dockauth --help for usage)')
    .configureOutput({ writeOut: (text) => stdout.write(text), writeErr: (text) => stderr.write(text) })
    // Before any subcommand exists: commander copies this setting into each one at creation.
    .exitOverride()
    .addHelpText(
      'after',
      `
Setting up a host, as root:
  $ dockauth ca init --cn "Lab Docker CA"          make the CA in /etc/dockauth
  $ dockauth server issue --host docker.example.org --ip 10.10.10.60
                                                   /etc/docker/ssl/{ca,server-cert,server-key}.pem
  $ dockauth daemon configure                      TLS + plugin settings merged into /etc/docker/daemon.json
  $ dockauth user add alice bob --group physics    ~alice/.docker/{ca,cert,key}.pem, ...
  $ dockauth user revoke bob                       bob's certificate stops working at once
  $ dockauth doctor                                every problem found, each with the command that fixes it

Taking it away again:
  $ dockauth user remove carol                     revoked, ~carol/.docker/{ca,cert,key}.pem removed (only
                                                   what dockauth installed), her containers stopped
  $ dockauth daemon unconfigure                    daemon.json and the drop-in back as they were before

Every command takes --dir, --json, --dry-run and -y, before or after its name.
Exit codes: 0 done (changed or not), 1 failed at run time, 2 bad usage or bad input (nothing changed),
130 interrupted at a prompt.`,
    );

  const action = (load: () => Promise<Runner>) =>
    async (...args: unknown[]): Promise<void> => {
      const command = args[args.length - 1] as Command;
      const options = command.optsWithGlobals<GlobalOptions & Record<string, unknown>>();
      const context = makeContext(options);
      const run = await load();
      sink(context, await run(context, options as never, args.slice(0, -2)));
    };

  addCaCommands(program, action as ActionFactory);

  const server = program.command('server').description('the Docker daemon\'s certificate');
  server.command('issue')
    .description('issue the daemon\'s TLS server certificate')
    .option('--host <NAME>', 'a DNS name clients use (repeatable)', collect)
    .option('--ip <ADDRESS>', 'an IP address clients use (repeatable)', collect)
    .option('--no-default-hosts', 'do not add localhost, 127.0.0.1, ::1 and this machine\'s name')
    .option('--days <N>', 'validity in days or a cfssl duration (default 365)')
    .addOption(new Option('--key-type <TYPE>', 'key type').choices(['ecdsa-p256', 'ecdsa-p384', 'rsa-2048', 'rsa-3072', 'rsa-4096', 'ed25519']))
    .option('--out <DIR>', 'where to write ca.pem, server-cert.pem, server-key.pem', '/etc/docker/ssl')
    .option('--within <DAYS>', 're-issue an existing certificate only if it expires within DAYS', '30')
    .addHelpText('after', `
Examples:
  $ dockauth server issue --host docker.example.org --ip 10.10.10.60
      /etc/docker/ssl/ca.pem, server-cert.pem, server-key.pem (0600)`)
    .action(action(async () => (await import('./commands/server-issue.js')).serverIssueCommand));

  server.command('renew')
    .description('re-issue the certificates dockerd uses, for the same names and into the same files, when they expire soon')
    .option('--within <DAYS>', 'renew only what expires within DAYS', '30')
    .option('--days <N>', 'validity of the new certificates')
    .option('--daemon-json <PATH>', 'the daemon configuration whose tlscert is renewed', '/etc/docker/daemon.json')
    .option('--restart-dockerd', 'restart dockerd (systemctl try-restart docker) when its own certificate was renewed')
    .addHelpText('after', `
Examples:
  $ dockauth server renew                      the certificate daemon.json's tlscert names, and every
                                               --out bundle this CA issued that is still installed
  $ dockauth server renew --restart-dockerd    and restart dockerd when its certificate changed`)
    .action(action(async () => (await import('./commands/server-renew.js')).serverRenewCommand));

  const daemon = program.command('daemon').description('the Docker daemon\'s configuration');
  daemon.command('configure')
    .description('merge TLS, hosts and the authorization plugin into daemon.json')
    .option('--daemon-json <PATH>', 'the daemon configuration file', '/etc/docker/daemon.json')
    .option('--listen <URL>', 'TCP address users connect to, with its port (dockerd\'s, or the gateway\'s with --gateway)', 'tcp://0.0.0.0:2376')
    .option('--gateway', 'the gateway layout: dockerd\'s TLS listener moves to --upstream on loopback, the gateway takes --listen')
    .option('--upstream <URL>', 'with --gateway: dockerd\'s own TLS listener', 'tcp://127.0.0.1:2377')
    .option('--tls-dir <DIR>', 'where server issue wrote the certificates', '/etc/docker/ssl')
    .option('--authz', 'use the dockauth authorization plugin (default)')
    .option('--no-authz', 'do not use the authorization plugin (not safe for users)')
    .option('--userns-remap <USER>', 'remap container root to USER\'s subordinate ids ("default" for dockremap)')
    .option('--systemd-dropin <PATH>', 'drop-in that frees docker.service from -H', '/etc/systemd/system/docker.service.d/dockauth.conf')
    .option('--systemd-unit <PATH>', 'docker.service to inspect for -H (default: the distribution\'s)')
    .addHelpText('after', `
Examples:
  $ dockauth daemon configure
      /etc/docker/daemon.json with tls, tlsverify, certificates, hosts and authorization-plugins;
      every other key kept; the old file kept as daemon.json.dockauth-backup-<time>`)
    .action(action(async () => (await import('./commands/daemon-configure.js')).daemonConfigureCommand));
  daemon.command('unconfigure')
    .description('put daemon.json and the docker.service drop-in back as they were before daemon configure')
    .option('--daemon-json <PATH>', 'the daemon configuration file', '/etc/docker/daemon.json')
    .option('--systemd-dropin <PATH>', 'the drop-in daemon configure wrote', '/etc/systemd/system/docker.service.d/dockauth.conf')
    .addHelpText('after', `
Examples:
  $ dockauth daemon unconfigure
      daemon.json restored byte for byte from the backup daemon configure kept (or removed, if
      dockauth created it); if it changed since, only dockauth's keys (tls*, its hosts, the
      dockauth plugin, the log bounds it added) are taken out; the drop-in removed
  $ dockauth daemon unconfigure --dry-run      the plan, as a diff`)
    .action(action(async () => (await import('./commands/daemon-unconfigure.js')).daemonUnconfigureCommand));

  const user = program.command('user').description('users and their client certificates');
  user.command('add')
    .description('issue each user a client certificate and install it in ~/.docker')
    .argument('[NAME...]', 'login names')
    .option('--group <G>', 'a group for the policy, written into the certificate (repeatable)', collect)
    .option('--days <N>', 'validity in days or a cfssl duration (default 365)')
    .addOption(new Option('--key-type <TYPE>', 'key type').choices(['ecdsa-p256', 'ecdsa-p384', 'rsa-2048', 'rsa-3072', 'rsa-4096', 'ed25519']))
    .option('--out <DIR>', 'write DIR/NAME/{ca,cert,key}.pem instead of the user\'s home')
    .option('--from <FILE>', 'one user per line: NAME [GROUP...] ("#" starts a comment)')
    .option('--within <DAYS>', 'a user whose certificate expires within DAYS gets a new one', '30')
    .option('--context', 'also install a "dockauth" docker context (for sites that prefer contexts to DOCKER_HOST)')
    .option('--docker-host <URL>', 'the daemon the context points at (default: the server certificate\'s name, port 2376)')
    .addHelpText('after', `
Examples:
  $ dockauth user add alice                    ~alice/.docker/ca.pem, cert.pem, key.pem (0600, owned by alice)
  $ dockauth user add alice bob --group lab    both, with O=lab in their certificates
  $ dockauth user add --from users.txt         a whole class at once (progress bar at a terminal)
  $ dockauth user add alice --out /srv/ship    /srv/ship/alice/{ca,cert,key}.pem for another host`)
    .action(action(async () => (await import('./commands/user-add.js')).userAddCommand));
  user.command('list')
    .description('every user with a certificate: serial, groups, expiry, status')
    .option('--within <DAYS>', 'mark certificates that expire within DAYS', '30')
    .action(action(async () => (await import('./commands/user-list.js')).userListCommand));
  user.command('show')
    .description('one user\'s certificates and installed files')
    .argument('<NAME>')
    .action(action(async () => (await import('./commands/user-show.js')).userShowCommand));
  user.command('renew')
    .description('re-issue certificates that expire soon')
    .argument('[NAME...]')
    .option('--all', 'every user with a certificate')
    .option('--within <DAYS>', 'renew only what expires within DAYS', '30')
    .option('--days <N>', 'validity of the new certificates')
    .option('--out <DIR>', 'write DIR/NAME/{ca,cert,key}.pem instead of the users\' homes')
    .addHelpText('after', `
Examples:
  $ dockauth user renew alice                  only if alice's certificate expires within 30 days
  $ dockauth user renew --all --within 30      for a daily timer`)
    .action(action(async () => (await import('./commands/user-renew.js')).userRenewCommand));
  user.command('revoke')
    .description('revoke a user\'s certificates; the plugin refuses them at once')
    .argument('<NAME...>')
    .option('--reason <R>', 'keyCompromise, affiliationChanged, superseded, cessationOfOperation, ...', 'unspecified')
    .option('--docker-socket <PATH>', 'dockerd\'s root socket (default: $DOCKER_HOST if unix://, else /var/run/docker.sock): the users\' containers are stopped and their restart policies turned off ("none": leave them)')
    .option('--audit <FILE>', 'the plugin\'s audit log, where the revocation is recorded if it exists', '/var/log/dockauth/audit.log')
    .action(action(async () => (await import('./commands/user-revoke.js')).userRevokeCommand));

  user.command('remove')
    .description('offboard users: revoke their certificates, remove what dockauth installed in their homes, stop their containers')
    .argument('<NAME...>')
    .option('--docker-socket <PATH>', 'dockerd\'s root socket (default: $DOCKER_HOST if unix://, else /var/run/docker.sock); "none": leave their containers')
    .option('--audit <FILE>', 'the plugin\'s audit log, where the removal is recorded if it exists', '/var/log/dockauth/audit.log')
    .addHelpText('after', `
Examples:
  $ dockauth user remove alice             alice's certificates revoked (cessationOfOperation); ~alice/.docker/cert.pem,
                                           ca.pem and key.pem removed if they are exactly what dockauth installed
                                           (anything else there is left and listed); her containers stopped
  $ dockauth user remove alice bob --dry-run   the plan: what would be revoked, removed and stopped`)
    .action(action(async () => (await import('./commands/user-remove.js')).userRemoveCommand));

  program.command('sign')
    .description('sign a CSR for a user who keeps their own private key')
    .requiredOption('--csr <FILE>', 'the PEM certificate request')
    .requiredOption('--user <NAME>', 'the login name the CSR must carry as its CN')
    .option('--group <G>', 'a group for the policy (repeatable)', collect)
    .option('--days <N>', 'validity in days or a cfssl duration (default 365)')
    .option('--out <FILE>', 'write the certificate to FILE instead of stdout')
    .addHelpText('after', `
Example:
  alice$ openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout key.pem -subj /CN=alice -out alice.csr
  root#  dockauth sign --csr alice.csr --user alice --out alice-cert.pem`)
    .action(action(async () => (await import('./commands/sign.js')).signCommand));

  program.command('crl')
    .description('publish the certificate revocation list')
    .option('--out <FILE>', 'also write it to FILE')
    .action(action(async () => (await import('./commands/crl.js')).crlCommand));

  program.command('profile-d')
    .description('write the login snippets that point certified users\' docker CLI at the TLS daemon')
    .option('--out <DIR>', 'write dockauth.sh and dockauth.csh into DIR (default: where this distribution\'s shells read them)')
    .option('--docker-host <URL>', 'tcp://HOST:2376 (default: the server certificate\'s name)')
    .option('--context', 'select the "dockauth" docker context (see user add --context) instead of setting DOCKER_HOST')
    .addHelpText('after', `
Examples:
  $ dockauth profile-d                  /etc/profile.d/dockauth.sh, and dockauth.csh where tcsh reads it
  $ dockauth profile-d --docker-host tcp://docker.example.org:2376`)
    .action(action(async () => (await import('./commands/profile-d.js')).profileDCommand));

  program.command('subid')
    .description('subordinate uid/gid ranges for userns-remap and rootless Docker')
    .command('add')
    .description('give NAME a range in /etc/subuid and /etc/subgid that overlaps no other')
    .argument('<NAME>')
    .option('--count <N>', 'how many ids (default: SUB_UID_COUNT from /etc/login.defs, else 65536)')
    .option('--subuid <PATH>', 'the subuid file', '/etc/subuid')
    .option('--subgid <PATH>', 'the subgid file', '/etc/subgid')
    .option('--login-defs <PATH>', 'where SUB_UID_MIN/MAX/COUNT come from', '/etc/login.defs')
    .addHelpText('after', `
Examples:
  $ useradd --system dockremap && dockauth subid add dockremap
                                        dockremap:100000:65536 in both files (for userns-remap: default)
  $ dockauth subid add alice --count 100000
                                        a wider range for rootless Docker (NAME must be an existing account)`)
    .action(action(async () => (await import('./commands/subid-add.js')).subidAddCommand));

  program.command('systemd')
    .description('write the plugin\'s socket and service, and the daily renewal timer')
    .option('--out <DIR>', 'unit directory', '/etc/systemd/system')
    .option('--exec <CMD>', 'how units start dockauth (default: this node and this dockauth)')
    .option('--within <DAYS>', 'the timer renews what expires within DAYS', '30')
    .option('--restart-dockerd', 'let the timer restart dockerd when (and only when) its own certificate was renewed')
    .option('--daemon-json <PATH>', 'the daemon configuration the timer\'s server renew reads (default /etc/docker/daemon.json)')
    .option('--gateway', 'the gateway layout: also dockauth-gateway.service, and the plugin trusting the gateway\'s certificate')
    .option('--listen <ADDRESS>', 'with --gateway: where users connect', 'tcp://0.0.0.0:2376')
    .option('--upstream <ADDRESS>', 'with --gateway: dockerd\'s own TLS listener, on loopback', 'tcp://127.0.0.1:2377')
    .addHelpText('after', `
Examples:
  $ dockauth systemd && systemctl daemon-reload && systemctl enable --now dockauth-authz.socket dockauth-authz.service dockauth-renew.timer
  $ dockauth systemd --ca-passphrase-file /root/ca.pass --restart-dockerd
      an encrypted CA key: the timer gets the passphrase through LoadCredential= (the file stays root-only)`)
    .action(action(async () => (await import('./commands/systemd.js')).systemdCommand));

  addAuthzCommands(program, action as ActionFactory);
  addGatewayCommands(program, action as ActionFactory);

  program.command('doctor')
    .description('check the setup: CA, certificates and CRL, daemon.json, the plugin and its policy, the gateway, profile.d, users\' keys, the docker socket and group, the engine\'s known plugin bypasses')
    .option('--daemon-json <PATH>', 'the daemon configuration file', '/etc/docker/daemon.json')
    .option('--socket <PATH>', 'the local docker socket', '/var/run/docker.sock')
    .option('--plugin-socket <PATH>', 'where dockerd finds the authorization plugin', '/run/docker/plugins/dockauth.sock')
    .option('--gateway <ADDRESS>', 'where the gateway answers, in the gateway layout', 'tcp://127.0.0.1:2376')
    .option('--policy <FILE>', 'the plugin\'s policy (default: DIR/policy.yaml)')
    .option('--docker-group <NAME>', 'the group dockerd gives its socket to', 'docker')
    .option('--profile-root <DIR>', 'check the login snippets of the system mounted at DIR (an image, a chroot)', '/')
    .addHelpText('after', `
Checks: the CA key, certificate and CRL expiry, daemon.json and the certificate dockerd serves,
the policy, the plugin answering on its socket, profile.d, every user's files (a key others can
read is exposed: revoke it), the docker socket and the docker group, the engine's known bypasses.
Each problem comes with the command that fixes it; exit 1 when any error is found.

Examples:
  $ dockauth doctor
  $ dockauth doctor --json | jq '.findings[] | select(.severity == "error")'`)
    .action(action(async () => (await import('./commands/doctor.js')).doctorCommand));

  return program;
}
