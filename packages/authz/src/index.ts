/**
 * @dockauth/authz — the Docker authorization plugin: protocol (protocol/),
 * request decoding as dockerd reads requests (decode/), the rule engine and route
 * table (engine/), and the audit log (audit/).
 */
export {
  openCertificateStatusSource,
  SqliteStatusSource,
  type CertificateStatusSource,
  type StatusHealth,
  type StatusSourceOptions,
} from './certificate-status/certificate-status-source.js';
export { startPlugin, PLUGIN_CONTENT_TYPE, type PluginOptions, type RunningPlugin } from './protocol/plugin-server.js';
export { listenFdFromEnvironment, checkInheritedSocket, LISTEN_FDS_START } from './protocol/socket-activation.js';
export { decodeAuthzRequest, type AuthzRequest } from './protocol/authz-request.js';
export { decide, type Decision, type DecisionInputs } from './engine/decide.js';
export { parsePolicy, PolicyError, type Policy } from './engine/policy.js';
export { effectiveRules, actionAllowed } from './engine/effective-rules.js';
export { parseSize, DEFAULT_LIMITS, type Limits } from './engine/policy-limits.js';
export { loadPolicyFile } from './engine/policy-file.js';
export { ROUTES, matchRoute } from './engine/routes.js';
export { OWNER_LABEL, type Account, type DockerLookup, type HostPaths, type ContainerInfo, type ImageInfo, type VolumeInfo } from './engine/lookups.js';
export { realHostPaths, SystemAccounts } from './host.js';
export { DockerSocketLookup } from './docker-client.js';
export { auditRecord } from './audit/audit-log.js';
export { evaluate } from './engine/decide.js';
export { requestFromDockerArgs, DockerArgsError, type ExplainedRequest } from './explain/docker-cli.js';
export { startGateway, type GatewayOptions, type RunningGateway } from './gateway/gateway-server.js';
export { USER_HEADER, SERIAL_HEADER } from './engine/relayed-identity.js';
