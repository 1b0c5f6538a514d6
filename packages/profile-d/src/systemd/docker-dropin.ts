import { hostFlags, withoutHostFlags } from './exec-start.js';
import { AUTHZ_SERVICE } from './units.js';

export interface DockerDropin {
  /** The drop-in's text, or undefined when docker.service passes no -H and needs none. */
  text: string | undefined;
  /** The local endpoint daemon.json must list so the local socket keeps working. */
  localHost: string;
}

export const DEFAULT_LOCAL_SOCKET = 'unix:///var/run/docker.sock';

/**
 * The docker.service drop-in. With the plugin, dockerd starts after it (dockerd
 * denies every request while its plugin is down). And dockerd refuses to start
 * when hosts is given both as -H and in daemon.json ("the following directives
 * are specified both as a flag and in the configuration file: hosts"): when
 * docker.service passes -H, the drop-in restarts dockerd with the same command
 * minus -H, and daemon.json lists the endpoints instead (keeping "fd://" so
 * socket activation still works).
 */
export function dockerServiceDropin(execStart: string | undefined, options: { authz: boolean }): DockerDropin {
  const command = execStart === undefined ? undefined : withoutHostFlags(execStart);
  const localHost =
    (execStart !== undefined && command !== undefined
      ? hostFlags(execStart).find((host) => host.startsWith('fd://') || host.startsWith('unix://'))
      : undefined) ?? DEFAULT_LOCAL_SOCKET;
  if (command === undefined && !options.authz) return { text: undefined, localHost };
  const lines = ['# Written by dockauth daemon configure; edits are lost when it runs again.'];
  if (options.authz) lines.push('[Unit]', `Wants=${AUTHZ_SERVICE}`, `After=${AUTHZ_SERVICE}`, '');
  if (command !== undefined) {
    lines.push(
      '# daemon.json lists the hosts dockerd listens on, and dockerd refuses -H given both',
      '# as a flag and in that file.',
      '[Service]',
      'ExecStart=',
      `ExecStart=${command}`,
      '',
    );
  }
  return { text: lines.join('\n'), localHost };
}
