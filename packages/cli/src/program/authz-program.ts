import type { Command } from 'commander';
import { collect, type ActionFactory } from './action.js';

/** `dockauth authz`: the plugin's policy, the plugin itself, and the explanation of a decision. */
export function addAuthzCommands(program: Command, action: ActionFactory): void {
  const authz = program.command('authz').description('the authorization plugin');
  authz.command('init')
    .description('write the default policy to DIR/policy.yaml (never over an existing one)')
    .option('--force', 'replace an existing policy (kept as a backup)')
    .action(action(async () => (await import('../commands/authz.js')).authzInitCommand));
  authz.command('serve')
    .description('run the plugin dockerd asks about every API request')
    .option('--socket <PATH>', 'where dockerd finds the plugin', '/run/docker/plugins/dockauth.sock')
    .option('--policy <FILE>', 'the policy (default: DIR/policy.yaml)')
    .option('--audit <FILE>', 'audit log file ("-" for stdout only, "none" for no file)', '/var/log/dockauth/audit.log')
    .option('--audit-stdout', 'also write audit records to stdout (journald)')
    .option('--audit-failure <MODE>', 'when an audit record cannot be written: deny or allow', 'deny')
    .option('--docker-socket <PATH>', 'dockerd\'s root socket, for ownership and image look-ups', '/var/run/docker.sock')
    .option('--owners <FILE>', 'where the owners of what users make are kept (default: /var/lib/dockauth/<plugin name>.owners.jsonl)')
    .option('--gateway-certificate <FILE>', 'the gateway\'s client certificate: its requests are judged for the user it names')
    .addHelpText('after', `
Example:
  # dockauth authz serve        (systemd runs it: see dockauth systemd)`)
    .action(action(async () => (await import('../commands/authz.js')).authzServeCommand));
  authz.command('check')
    .description('explain the decision for a docker command or a raw API request')
    .requiredOption('--user <NAME>', 'the user making the request')
    .option('--group <G>', 'a group from their certificate (repeatable)', collect)
    .option('--policy <FILE>', 'the policy (default: DIR/policy.yaml)')
    .option('--request <FILE>', 'a raw request: {"method": ..., "uri": ..., "body": {...}}')
    .option('--docker-socket <PATH>', 'consult this dockerd for ownership and image tags')
    .argument('[DOCKER_ARGS...]', 'after --: run/create/exec/volume create and their flags')
    .addHelpText('after', `
Example:
  $ dockauth authz check --user alice -- run --privileged -v /:/host alpine
    DENY  POST /containers/create (container.create) for alice
      --privileged is not allowed; -v /:/host: / is outside the directories you may mount ...`)
    .action(action(async () => (await import('../commands/authz.js')).authzCheckCommand));
}
