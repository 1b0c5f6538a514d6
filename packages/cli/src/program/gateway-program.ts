import type { Command } from 'commander';
import type { ActionFactory } from './action.js';

/** `dockauth gateway`: issue its certificate, serve. */
export function addGatewayCommands(program: Command, action: ActionFactory): void {
  const gateway = program.command('gateway').description('the gateway in front of dockerd: users\' docker CLI talks to it, and it to dockerd');
  gateway.command('issue')
    .description('issue the gateway\'s own client certificate (DIR/dockauth-gateway/{ca,cert,key}.pem)')
    .option('--within <DAYS>', 'replace a certificate that expires within DAYS', '30')
    .addHelpText('after', `
Example:
  $ dockauth gateway issue      then: authz serve --gateway-certificate /etc/dockauth/dockauth-gateway/cert.pem`)
    .action(action(async () => (await import('../commands/gateway.js')).gatewayIssueCommand));
  gateway.command('serve')
    .description('run the gateway: judge, fill in, forward to dockerd on loopback, show each user their own')
    .option('--listen <ADDRESS>', 'where users connect (the address dockerd\'s TLS listener had)', 'tcp://0.0.0.0:2376')
    .option('--upstream <ADDRESS>', 'dockerd\'s own TLS listener, on loopback', 'tcp://127.0.0.1:2377')
    .option('--tls-dir <DIR>', 'the server certificate users check: ca.pem, server-cert.pem, server-key.pem', '/etc/docker/ssl')
    .option('--client-dir <DIR>', 'the gateway\'s own certificate for dockerd: ca.pem, cert.pem, key.pem (default: DIR/dockauth-gateway)')
    .option('--policy <FILE>', 'the policy (default: DIR/policy.yaml)')
    .option('--audit <FILE>', 'audit log file ("-" for stdout only, "none" for no file)', '/var/log/dockauth/audit.log')
    .option('--audit-stdout', 'also write audit records to stdout (journald)')
    .option('--audit-failure <MODE>', 'when an audit record cannot be written: deny or allow', 'deny')
    .option('--docker-socket <PATH>', 'dockerd\'s root socket, for ownership and image look-ups', '/var/run/docker.sock')
    .option('--plugin-owners <FILE>', 'the plugin\'s ownership records for this dockerd, read (never written)', '/var/lib/dockauth/dockauth.owners.jsonl')
    .addHelpText('after', `
Example:
  # dockauth gateway serve      (systemd runs it: see dockauth systemd --gateway)`)
    .action(action(async () => (await import('../commands/gateway.js')).gatewayServeCommand));
}
