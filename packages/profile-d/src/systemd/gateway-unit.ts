import { SERVICE_SANDBOX, type UnitInput } from './units.js';

export const GATEWAY_SERVICE = 'dockauth-gateway.service';

export interface GatewayUnitInput extends UnitInput {
  /** Where users connect: the address dockerd's own TLS listener had (tcp://HOST:PORT). */
  listen: string;
  /** dockerd's TLS listener, moved to loopback by `daemon configure --gateway`. */
  upstream: string;
}

/**
 * The gateway, users' front door to dockerd: started after dockerd (it forwards every
 * request there) and restarted at once if it dies. It reads homes to judge bind mounts,
 * and the plugin's ownership records in /var/lib/dockauth, but writes neither.
 */
export function gatewayServiceUnit(input: GatewayUnitInput): string {
  return [
    '# dockauth gateway: users\' docker CLI talks to it, and it to dockerd.',
    '# Written by `dockauth systemd --gateway`; edits are lost when it runs again.',
    '[Unit]',
    'Description=dockauth gateway in front of the Docker daemon',
    'Documentation=man:dockauth(8)',
    'Wants=docker.service network-online.target',
    'After=docker.service network-online.target dockauth-authz.service',
    '',
    '[Service]',
    `ExecStart=${input.exec} gateway serve --dir ${input.dir} --listen ${input.listen} --upstream ${input.upstream}`,
    'Restart=always',
    'RestartSec=1s',
    ...SERVICE_SANDBOX,
    '',
    '[Install]',
    'WantedBy=multi-user.target',
    '',
  ].join('\n');
}
