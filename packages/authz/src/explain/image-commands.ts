import { expectArgs, readFlags } from './flags.js';
import { parseNormalizedNamed } from './reference.js';
import { DockerArgsError, pathOf, plainRequest, type ExplainedRequest, type Query } from './request.js';

/**
 * `pull [-a] [-q] [--platform P] NAME[:TAG|@DIGEST]`: POST /images/create?fromImage=NAME&tag=TAG.
 * The CLI normalizes the name (busybox → docker.io/library/busybox), adds the tag "latest"
 * to a bare name, and sends a digest as the tag; with -a it sends no tag (every tag).
 */
export function pullRequest(args: readonly string[]): ExplainedRequest {
  const values = readFlags(args, { command: 'pull', values: ['platform'], booleans: ['all-tags a', 'quiet q', 'disable-content-trust'] });
  const [reference] = expectArgs(values, 'pull', 1, 1, 'NAME[:TAG|@DIGEST]') as [string];
  const parsed = parseNormalizedNamed(reference);
  const all = values.bool('all-tags');
  if (all && (parsed.tag !== undefined || parsed.digest !== undefined)) throw new DockerArgsError("tag can't be used with --all-tags/-a");
  const query: Query = [['fromImage', parsed.name]];
  if (!all) query.push(['tag', parsed.digest ?? parsed.tag ?? 'latest']);
  const platform = values.last('platform');
  if (platform) query.push(['platform', platform.toLowerCase()]);
  return plainRequest('POST', '/images/create', query);
}

/**
 * `tag SOURCE TARGET`: POST /images/SOURCE/tag?repo=…&tag=… — the target normalized and
 * given "latest" when it names no tag; a digest is refused by the CLI.
 */
export function tagRequest(args: readonly string[]): ExplainedRequest {
  const values = readFlags(args, { command: 'tag', values: [], booleans: [], stopAtPositional: true });
  const [source, target] = expectArgs(values, 'tag', 2, 2, 'SOURCE_IMAGE[:TAG] TARGET_IMAGE[:TAG]') as [string, string];
  const parsed = parseNormalizedNamed(target);
  if (parsed.digest !== undefined) throw new DockerArgsError('refusing to create a tag with a digest reference');
  return plainRequest('POST', pathOf('/images', source, 'tag'), [['repo', parsed.name], ['tag', parsed.tag ?? 'latest']]);
}

/**
 * `import FILE|URL|- [REPOSITORY[:TAG]]`: POST /images/create?fromSrc=… — a URL is sent for
 * dockerd to fetch, a file or "-" is sent as the body (fromSrc=-); the repository as given.
 */
export function importRequest(args: readonly string[]): ExplainedRequest {
  const values = readFlags(args, { command: 'import', values: ['change c', 'message m', 'platform'], booleans: [] });
  const [source, repository] = expectArgs(values, 'import', 1, 2, 'file|URL|- [REPOSITORY[:TAG]]') as [string, string | undefined];
  const query: Query = [['fromSrc', /^https?:\/\//.test(source) ? source : '-']];
  if (repository) {
    parseNormalizedNamed(repository);
    query.push(['repo', repository]);
  }
  const message = values.last('message');
  if (message) query.push(['message', message]);
  const platform = values.last('platform');
  if (platform) query.push(['platform', platform.toLowerCase()]);
  for (const change of values.all('change')) query.push(['changes', change]);
  return plainRequest('POST', '/images/create', query);
}
