/**
 * @dockauth/profile-d — pure generators: text in, text out. Nothing here touches
 * the file system; the CLI's applier writes what these return.
 */
export { GeneratorInputError } from './errors.js';
export { mergeDaemonConfig, renderDaemonConfig, checkListenUrl, parseListenUrl, isLoopbackHost, PLUGIN_NAME, type DaemonSettings, type MergedDaemonConfig } from './daemon-config.js';
export { unmergeDaemonConfig, type UnmergedDaemonConfig } from './daemon-unconfig.js';
export { effectiveExecStart, withoutHostFlags, hostFlags, splitCommandLine } from './systemd/exec-start.js';
export { dockerServiceDropin, DEFAULT_LOCAL_SOCKET, type DockerDropin } from './systemd/docker-dropin.js';
export { gatewayServiceUnit, GATEWAY_SERVICE, type GatewayUnitInput } from './systemd/gateway-unit.js';
export { authzServiceUnit, authzSocketUnit, renewServiceUnit, renewTimerUnit, AUTHZ_SERVICE, AUTHZ_SOCKET, AUTHZ_SOCKET_PATH, RENEW_SERVICE, RENEW_TIMER, CA_PASSPHRASE_CREDENTIAL, type UnitInput, type RenewUnitInput } from './systemd/units.js';
export { parseDockerHost, dockerHostFor, DOCKER_TLS_PORT, type DockerHost } from './docker-host.js';
export { renderShProfile, renderCshProfile, type LoginEnvironment } from './login-environment.js';
export { parseOsRelease, profileLocations, type OsRelease, type ProfileLocations } from './profile-locations.js';
export { dockerContextFiles, dockerContextId, DOCKER_CONTEXT_NAME, type ContextFile } from './docker-context.js';
export { parseSubidFile, type SubidEntry } from './subid/subid-file.js';
export { parseLoginDefs, subidLimits, DEFAULT_SUBID_LIMITS, type SubidLimits } from './subid/login-defs.js';
export { allocateSubids, type SubidAllocation, type SubidRange, type SubidFileInput } from './subid/allocate-subids.js';
export { renderPolicy, type PolicyInput, type PolicySectionInput } from './policy-file.js';
