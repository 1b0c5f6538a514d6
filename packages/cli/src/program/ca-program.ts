import { Option, type Command } from 'commander';
import { type ActionFactory } from './action.js';

/** `dockauth ca` and `dockauth inventory`: the CA itself, its signing service and its inventory. */
export function addCaCommands(program: Command, action: ActionFactory): void {
  const ca = program.command('ca').description('the certificate authority');
  ca.command('init')
    .description('make the CA (or import one) in the state directory')
    .option('--cn <NAME>', 'the CA\'s common name')
    .addOption(new Option('--key-type <TYPE>', 'key type').choices(['ecdsa-p256', 'ecdsa-p384', 'rsa-2048', 'rsa-3072', 'rsa-4096', 'ed25519']))
    .option('--days <N>', 'validity in days, or a cfssl duration like 87600h (default 3650 days)')
    .option('--csr <FILE>', 'a cfssl ca-csr.json (CN, key, names, ca.expiry)')
    .option('--import-cert <FILE>', 'adopt an existing CA certificate (PEM)')
    .option('--import-key <FILE>', 'and its key (PKCS#1, SEC1 or PKCS#8 PEM, optionally encrypted)')
    .option('--force', 'replace an existing CA (the old one is kept as a backup)')
    .option('--inventory <URL>', 'share the inventory on PostgreSQL: postgres://USER@HOST:PORT/DB (no password in it)')
    .option('--inventory-password-file <FILE>', 'the database password, in a file only root can read')
    .option('--join', 'on a docker host or login node: use the shared inventory\'s CA, without its key')
    .addHelpText('after', `
Examples:
  $ dockauth ca init --cn "Lab Docker CA"              ECDSA P-256 CA valid 10 years
  $ dockauth ca init --inventory postgres://dockauth@db.example.org/dockauth --inventory-password-file /etc/dockauth/db.pass
                                                       a fleet's CA host: the inventory in PostgreSQL
  $ dockauth ca init --join --inventory postgres://dockauth_plugin@db.example.org/dockauth --inventory-password-file /etc/dockauth/db.pass
                                                       a docker host: ca.pem from the shared inventory, no key
  $ dockauth ca init --csr ca-csr.json                 from a cfssl lab's ca-csr.json
  $ dockauth ca init --import-cert ca.pem --import-key ca-key.pem
                                                       keep a CA made with openssl or cfssl
  $ dockauth ca init --ca-passphrase-file /root/ca.pass
                                                       the CA key encrypted (PKCS#8, AES-256)`)
    .action(action(async () => (await import('../commands/ca-init.js')).caInitCommand));
  ca.command('serve')
    .description('on the CA host of a shared inventory: sign the client requests login nodes queue')
    .addHelpText('after', `
Example:
  # dockauth ca serve        (systemd runs it on the CA host; login nodes then run dockauth user add)`)
    .action(action(async () => (await import('../commands/ca-serve.js')).caServeCommand));
  ca.command('show')
    .description('show the CA certificate, its expiry and the inventory size')
    .action(action(async () => (await import('../commands/ca-show.js')).caShowCommand));

  const inventory = program.command('inventory').description('the CA\'s inventory of issued certificates');
  inventory.command('migrate')
    .description('move the SQLite inventory into PostgreSQL (once): every row, serial, revocation and the CRL number')
    .option('--to <URL>', 'the empty shared inventory: postgres://USER@HOST:PORT/DB (no password in it)')
    .option('--inventory-password-file <FILE>', 'the database password, in a file only root can read')
    .addHelpText('after', `
Example:
  $ dockauth inventory migrate --to postgres://dockauth@db.example.org/dockauth --inventory-password-file /etc/dockauth/db.pass
      inventory.db kept as inventory.db.migrated-DATE; DIR/inventory.json points at the database`)
    .action(action(async () => (await import('../commands/inventory-migrate.js')).inventoryMigrateCommand));
}
