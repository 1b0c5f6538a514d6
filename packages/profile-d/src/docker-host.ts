/** A DOCKER_HOST for TLS users: tcp://HOST:PORT, the port always written out. */
export interface DockerHost {
  url: string;
  host: string;
  port: number;
}

/** The default TLS port: the docker CLI silently uses 2375 (plain) when a tcp URL has none. */
export const DOCKER_TLS_PORT = 2376;

const PATTERN = /^tcp:\/\/([A-Za-z0-9](?:[A-Za-z0-9.-]{0,251}[A-Za-z0-9])?|\[[0-9A-Fa-f:.]+\]):(\d{1,5})$/;

/** Parses a tcp URL; returns a message saying what is wrong instead when it is not usable. */
export function parseDockerHost(url: string): DockerHost | string {
  const match = PATTERN.exec(url.trim());
  if (!match) {
    return /^tcp:\/\/[^:]+$/.test(url.trim())
      ? `the port is missing (the docker CLI would silently use 2375): write tcp://HOST:${DOCKER_TLS_PORT}`
      : 'expected tcp://HOST:PORT';
  }
  const port = Number(match[2]);
  if (port < 1 || port > 65535) return `port ${port} is out of range`;
  return { url: url.trim(), host: match[1] as string, port };
}

/** tcp://NAME:2376 for a name (or IP) the server certificate covers. */
export function dockerHostFor(name: string, port: number = DOCKER_TLS_PORT): string {
  return `tcp://${name.includes(':') ? `[${name}]` : name}:${port}`;
}
