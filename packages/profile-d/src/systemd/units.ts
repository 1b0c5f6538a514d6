/** How the units start dockauth: the command (binary, or node + script) and its state directory. */
export interface UnitInput {
  /** The dockauth command as an absolute path, or "node /path/to/dockauth.js". */
  exec: string;
  dir: string;
}

export const AUTHZ_SERVICE = 'dockauth-authz.service';
export const RENEW_SERVICE = 'dockauth-renew.service';
export const RENEW_TIMER = 'dockauth-renew.timer';

const header = (what: string): string[] => [`# ${what}`, '# Written by `dockauth systemd`; edits are lost when it runs again.'];

/**
 * The authorization plugin: up before dockerd (which denies every request while
 * its plugin is down), and restarted at once if it dies.
 */
export function authzServiceUnit(input: UnitInput): string {
  return [
    ...header('dockauth authorization plugin for the Docker daemon.'),
    '[Unit]',
    'Description=dockauth Docker authorization plugin',
    'Documentation=man:dockauth(8)',
    'Before=docker.service',
    'After=local-fs.target',
    '',
    '[Service]',
    `ExecStart=${input.exec} authz serve --dir ${input.dir}`,
    'Restart=always',
    'RestartSec=1',
    'NoNewPrivileges=yes',
    'PrivateTmp=yes',
    'ProtectSystem=full',
    'ProtectHome=read-only',
    'LogsDirectory=dockauth',
    // /var/lib/dockauth: who made which container, volume and network, kept across restarts.
    'StateDirectory=dockauth',
    '',
    '[Install]',
    // Wanted, not Required: a Requires= would stop dockerd whenever the plugin stops.
    'WantedBy=multi-user.target docker.service',
    '',
  ].join('\n');
}

/**
 * Daily renewal: users' certificates and the daemon's own before they expire (an
 * expired daemon certificate is an outage the docker CLI reports only as "bad certificate").
 */
export function renewServiceUnit(input: UnitInput & { withinDays: number }): string {
  return [
    ...header('Renews dockauth certificates that expire soon.'),
    '[Unit]',
    'Description=Renew dockauth certificates that expire within ' + input.withinDays + ' days',
    '',
    '[Service]',
    'Type=oneshot',
    `ExecStart=${input.exec} --dir ${input.dir} -y server renew --within ${input.withinDays}`,
    `ExecStart=${input.exec} --dir ${input.dir} -y user renew --all --within ${input.withinDays}`,
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
