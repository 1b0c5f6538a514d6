import { hostFlags, withoutHostFlags } from './exec-start.js';

export interface DockerDropin {
  /** The drop-in's text, or undefined when docker.service passes no -H and needs none. */
  text: string | undefined;
  /** The local endpoint daemon.json must list so the local socket keeps working. */
  localHost: string;
}

export const DEFAULT_LOCAL_SOCKET = 'unix:///var/run/docker.sock';

/**
 * dockerd refuses to start when hosts is given both as -H and in daemon.json
 * ("the following directives are specified both as a flag and in the
 * configuration file: hosts"). When docker.service passes -H, this drop-in
 * restarts dockerd with the same command minus -H, and daemon.json lists the
 * endpoints instead (keeping "fd://" so socket activation still works).
 */
export function dockerServiceDropin(execStart: string | undefined): DockerDropin {
  if (execStart === undefined) return { text: undefined, localHost: DEFAULT_LOCAL_SOCKET };
  const command = withoutHostFlags(execStart);
  if (command === undefined) return { text: undefined, localHost: DEFAULT_LOCAL_SOCKET };
  const localHost = hostFlags(execStart).find((host) => host.startsWith('fd://') || host.startsWith('unix://')) ?? DEFAULT_LOCAL_SOCKET;
  const text = [
    '# Written by dockauth daemon configure. daemon.json now lists the hosts dockerd',
    '# listens on, and dockerd refuses -H given both as a flag and in that file.',
    '[Service]',
    'ExecStart=',
    `ExecStart=${command}`,
    '',
  ].join('\n');
  return { text, localHost };
}
