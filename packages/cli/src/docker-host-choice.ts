import { InputError, type CaStore } from '@dockauth/ca';
import { dockerHostFor, parseDockerHost } from '@dockauth/profile-d';
import type { Context } from './context.js';
import { ask } from './prompt.js';

const LOOPBACK = new Set(['localhost', '127.0.0.1', '::1']);

/**
 * The DOCKER_HOST users get: --docker-host, else the first name the server
 * certificate was issued for (port 2376 written out), else asked at a terminal.
 */
export async function chooseDockerHost(context: Context, store: CaStore, given: string | undefined): Promise<string> {
  let url = given;
  if (url === undefined) {
    const server = (await store.list({ profile: 'server', status: 'valid' })).at(-1);
    const name = server?.hosts.find((host) => !LOOPBACK.has(host)) ?? server?.hosts[0];
    url = name !== undefined ? dockerHostFor(name) : await ask(context, { flag: '--docker-host tcp://HOST:2376', message: 'Docker host users connect to' });
  }
  const parsed = parseDockerHost(url);
  if (typeof parsed === 'string') throw new InputError(`failed to accept --docker-host ${JSON.stringify(url)}: ${parsed}`);
  return parsed.url;
}
