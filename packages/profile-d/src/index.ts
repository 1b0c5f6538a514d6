/**
 * @dockauth/profile-d — pure generators: text in, text out. Nothing here touches
 * the file system; the CLI's applier writes what these return.
 */
export { mergeDaemonConfig, renderDaemonConfig, checkListenUrl, PLUGIN_NAME, type DaemonSettings, type MergedDaemonConfig } from './daemon-config.js';
export { effectiveExecStart, withoutHostFlags, hostFlags, splitCommandLine } from './systemd/exec-start.js';
export { dockerServiceDropin, DEFAULT_LOCAL_SOCKET, type DockerDropin } from './systemd/docker-dropin.js';
