import { connect } from 'node:net';
import { join } from 'node:path';
import { DOCKAUTH_BIN } from '../support/dockauth.js';
import { freePort, startEngine, startManaged, waitFor, type Engine, type Managed } from './engine.js';
import type { EngineBuild } from './engines.js';

export interface GatewayEngine extends Engine {
  gateway: Managed;
  gatewayPort: number;
  /** Where users connect in the gateway layout. */
  gatewayHost: string;
  gatewayCertificate: string;
}

function accepting(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port }, () => {
      socket.destroy();
      resolve(true);
    });
    socket.on('error', () => resolve(false));
  });
}

/**
 * The gateway layout on a private dockerd: the gateway's certificate issued by `dockauth
 * gateway issue`, the plugin told to trust it, dockerd's TLS listener on loopback, and
 * `dockauth gateway serve` in front of it on a port of its own, with the server certificate.
 */
export async function startGatewayEngine(options: { build: EngineBuild; dir: string; state: string; policyText: string; label: string; ok: (args: string[]) => string }): Promise<GatewayEngine> {
  options.ok(['gateway', 'issue']);
  const gatewayCertificate = join(options.state, 'dockauth-gateway', 'cert.pem');
  const engine = await startEngine({ ...options, pluginArgs: ['--gateway-certificate', gatewayCertificate] });
  const gatewayPort = await freePort();
  const gateway = startManaged('gateway', process.execPath, [DOCKAUTH_BIN, '--dir', options.state, 'gateway', 'serve',
    '--listen', `tcp://127.0.0.1:${gatewayPort}`, '--upstream', `tcp://127.0.0.1:${engine.port}`, '--tls-dir', join(options.dir, 'ssl'),
    '--policy', engine.policy, '--audit', engine.audit, '--docker-socket', engine.rootSocket, '--plugin-owners', join(engine.dir, 'owners.jsonl')], join(engine.dir, 'gateway.log'));
  let up = false;
  await waitFor('the gateway', () => {
    void accepting(gatewayPort).then((yes) => (up = yes));
    return up || !gateway.alive;
  });
  if (!gateway.alive) throw new Error(`the gateway did not start: see ${join(engine.dir, 'gateway.log')}`);
  const stopEngine = engine.stop.bind(engine);
  return {
    ...engine,
    gateway,
    gatewayPort,
    gatewayHost: `tcp://127.0.0.1:${gatewayPort}`,
    gatewayCertificate,
    async stop() {
      await gateway.stop();
      await stopEngine();
    },
  };
}
