/** How the units start dockauth: the command (binary, or node + script) and its state directory. */
export interface UnitInput {
  /** The dockauth command as an absolute path, or "node /path/to/dockauth.js". */
  exec: string;
  dir: string;
}

export const AUTHZ_SERVICE = 'dockauth-authz.service';
export const AUTHZ_SOCKET = 'dockauth-authz.socket';
/** Where dockerd looks for a plugin named dockauth. */
export const AUTHZ_SOCKET_PATH = '/run/docker/plugins/dockauth.sock';
export const RENEW_SERVICE = 'dockauth-renew.service';
export const RENEW_TIMER = 'dockauth-renew.timer';

/**
 * What the plugin and the gateway may touch: homes read-only (bind sources are looked at, never
 * written), /var/log/dockauth for the audit log, /var/lib/dockauth for who made which container,
 * volume and network (kept across restarts).
 */
export const SERVICE_SANDBOX = ['NoNewPrivileges=yes', 'PrivateTmp=yes', 'ProtectSystem=full', 'ProtectHome=read-only', 'LogsDirectory=dockauth', 'StateDirectory=dockauth'];

const header = (what: string): string[] => [`# ${what}`, '# Written by `dockauth systemd`; edits are lost when it runs again.'];

/**
 * The plugin's socket, held by systemd (socket activation): dockerd refuses every request,
 * after about 30 s of retries, whenever it cannot connect to its plugin. With systemd
 * listening, a connection made while the service restarts waits in the kernel's queue
 * and is answered by the next process, so a restart costs dockerd only the restart.
 */
export function authzSocketUnit(input: { socket?: string } = {}): string {
  return [
    ...header('The socket dockerd reaches the dockauth authorization plugin on.'),
    '[Unit]',
    'Description=dockauth Docker authorization plugin socket',
    'Documentation=man:dockauth(8)',
    'Before=docker.service',
    '',
    '[Socket]',
    `ListenStream=${input.socket ?? AUTHZ_SOCKET_PATH}`,
    // Only dockerd (root) may talk to the plugin: whoever can call it can feed it forged responses.
    'SocketMode=0600',
    'SocketUser=root',
    'SocketGroup=root',
    'DirectoryMode=0755',
    '',
    '[Install]',
    'WantedBy=sockets.target',
    '',
  ].join('\n');
}

/**
 * The authorization plugin: up before dockerd (which denies every request while
 * its plugin is down), and restarted at once if it dies. It serves the socket
 * systemd holds (dockauth-authz.socket), so requests made meanwhile wait rather than fail.
 */
export function authzServiceUnit(input: UnitInput & { gatewayCertificate?: string }): string {
  return [
    ...header('dockauth authorization plugin for the Docker daemon.'),
    '[Unit]',
    'Description=dockauth Docker authorization plugin',
    'Documentation=man:dockauth(8)',
    'Before=docker.service',
    // Activated by its socket: required, and ordered after it (systemd.socket(5)).
    `Requires=${AUTHZ_SOCKET}`,
    `After=${AUTHZ_SOCKET} local-fs.target`,
    '',
    '[Service]',
    `ExecStart=${input.exec} authz serve --dir ${input.dir}${input.gatewayCertificate ? ` --gateway-certificate ${input.gatewayCertificate}` : ''}`,
    'Restart=always',
    // dockerd's requests wait in the socket's queue meanwhile: restart soon.
    'RestartSec=200ms',
    ...SERVICE_SANDBOX,
    '',
    '[Install]',
    // Wanted, not Required: a Requires= would stop dockerd whenever the plugin stops.
    'WantedBy=multi-user.target docker.service',
    `Also=${AUTHZ_SOCKET}`,
    '',
  ].join('\n');
}

/** The name under which the renewal unit hands the CA key's passphrase over (systemd credentials). */
export const CA_PASSPHRASE_CREDENTIAL = 'dockauth-ca-passphrase';

export interface RenewUnitInput extends UnitInput {
  withinDays: number;
  /** Restart dockerd when (and only when) its own certificate was renewed: the site's choice. */
  restartDockerd?: boolean;
  /** A root-only file with the CA key's passphrase, handed over with LoadCredential= (never in the unit). */
  passphraseFile?: string;
  /** The daemon configuration server renew reads (when not the default /etc/docker/daemon.json). */
  daemonJson?: string;
  /** Renew the gateway's own client certificate too (the gateway layout). */
  gateway?: boolean;
}

/**
 * Daily renewal: users' certificates and the daemon's own before they expire (an
 * expired daemon certificate is an outage the docker CLI reports only as "bad certificate").
 */
export function renewServiceUnit(input: RenewUnitInput): string {
  return [
    ...header('Renews dockauth certificates that expire soon.'),
    '[Unit]',
    'Description=Renew dockauth certificates that expire within ' + input.withinDays + ' days',
    '',
    '[Service]',
    'Type=oneshot',
    // systemd copies the file into a private, root-only $CREDENTIALS_DIRECTORY; dockauth reads it there.
    ...(input.passphraseFile === undefined ? [] : [`LoadCredential=${CA_PASSPHRASE_CREDENTIAL}:${input.passphraseFile}`]),
    `ExecStart=${input.exec} --dir ${input.dir} -y server renew --within ${input.withinDays}${input.daemonJson ? ` --daemon-json ${input.daemonJson}` : ''}${input.restartDockerd ? ' --restart-dockerd' : ''}`,
    `ExecStart=${input.exec} --dir ${input.dir} -y user renew --all --within ${input.withinDays}`,
    ...(input.gateway ? [`ExecStart=${input.exec} --dir ${input.dir} -y gateway issue --within ${input.withinDays}`] : []),
    '',
  ].join('\n');
}

export function renewTimerUnit(): string {
  return [
    ...header('Runs dockauth-renew.service once a day.'),
    '[Unit]',
    'Description=Daily renewal of dockauth certificates',
    '',
    '[Timer]',
    'OnCalendar=daily',
    'RandomizedDelaySec=1h',
    'Persistent=true',
    '',
    '[Install]',
    'WantedBy=timers.target',
    '',
  ].join('\n');
}
