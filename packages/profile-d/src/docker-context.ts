import { createHash } from 'node:crypto';

/** The context dockauth creates for users who prefer `docker context` to environment variables. */
export const DOCKER_CONTEXT_NAME = 'dockauth';

/** The docker CLI stores a context under the SHA-256 of its name. */
export function dockerContextId(name: string = DOCKER_CONTEXT_NAME): string {
  return createHash('sha256').update(name).digest('hex');
}

export interface ContextFile {
  /** Relative to the user's ~/.docker. */
  path: string;
  content: string;
  mode: number;
}

/**
 * The files `docker context create NAME --docker host=…,ca=…,cert=…,key=…`
 * would write, as the docker CLI lays them out in ~/.docker/contexts.
 */
export function dockerContextFiles(input: { host: string; caPem: string; certificatePem: string; privateKeyPem: string; name?: string }): {
  directories: string[];
  files: ContextFile[];
} {
  const name = input.name ?? DOCKER_CONTEXT_NAME;
  const id = dockerContextId(name);
  const meta = {
    Name: name,
    Metadata: { Description: 'dockauth: this host\'s Docker daemon over mutual TLS, as you' },
    Endpoints: { docker: { Host: input.host, SkipTLSVerify: false } },
  };
  const tls = `contexts/tls/${id}/docker`;
  return {
    directories: ['contexts', 'contexts/meta', `contexts/meta/${id}`, 'contexts/tls', `contexts/tls/${id}`, tls],
    files: [
      { path: `contexts/meta/${id}/meta.json`, content: JSON.stringify(meta), mode: 0o644 },
      { path: `${tls}/ca.pem`, content: input.caPem, mode: 0o600 },
      { path: `${tls}/cert.pem`, content: input.certificatePem, mode: 0o600 },
      { path: `${tls}/key.pem`, content: input.privateKeyPem, mode: 0o600 },
    ],
  };
}
