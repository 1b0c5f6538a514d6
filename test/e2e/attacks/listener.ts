import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Listener {
  port: number;
  /** TCP connections accepted (a TLS hello counts, a request need not follow). */
  readonly connections: number;
  requests: string[];
  close(): Promise<void>;
}

/** A TCP listener on loopback that counts connections and, given a tar, serves it to every GET. */
export async function startListener(tar?: Buffer): Promise<Listener> {
  let connections = 0;
  const requests: string[] = [];
  const server = createServer((request, response) => {
    requests.push(`${request.method} ${request.url}`);
    request.resume();
    if (tar && request.method === 'GET') {
      response.writeHead(200, { 'Content-Type': 'application/x-tar', 'Content-Length': tar.length });
      response.end(tar);
    } else {
      response.writeHead(404);
      response.end();
    }
  });
  server.on('connection', () => {
    connections += 1;
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    get connections() {
      return connections;
    },
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
