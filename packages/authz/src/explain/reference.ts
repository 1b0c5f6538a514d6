import { DockerArgsError } from './request.js';

/** A reference as distribution/reference's ParseNormalizedNamed gives it: the full name, its tag, its digest. */
export interface NormalizedReference {
  /** ref.Name(): "docker.io/library/busybox", "registry.example.org:5000/team/app". */
  name: string;
  tag: string | undefined;
  digest: string | undefined;
}

// distribution/reference's grammar.
const DOMAIN_COMPONENT = '(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])';
const DOMAIN = new RegExp(`^(?:${DOMAIN_COMPONENT}(?:\\.${DOMAIN_COMPONENT})*|\\[[a-fA-F0-9:]+\\])(?::[0-9]+)?$`);
const COMPONENT = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/;
const TAG = /^\w[\w.-]{0,127}$/;
const DIGEST = /^[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}$/;

/** splitDockerDomain: a first component with "." or ":", "localhost" or upper case names a registry. */
function splitDomain(reference: string): [string, string] {
  const slash = reference.indexOf('/');
  const first = slash < 0 ? '' : reference.slice(0, slash);
  let domain = 'docker.io';
  let remainder = reference;
  if (slash >= 0 && (/[.:]/.test(first) || first === 'localhost' || first.toLowerCase() !== first)) {
    domain = first;
    remainder = reference.slice(slash + 1);
  }
  if (domain === 'index.docker.io') domain = 'docker.io';
  if (domain === 'docker.io' && !remainder.includes('/')) remainder = `library/${remainder}`;
  return [domain, remainder];
}

/** reference.ParseNormalizedNamed, as the docker CLI reads an image name. */
export function parseNormalizedNamed(reference: string): NormalizedReference {
  if (/^[a-f0-9]{64}$/.test(reference)) throw new DockerArgsError(`invalid repository name (${reference}), cannot specify 64-byte hexadecimal strings`);
  const [domain, remainder] = splitDomain(reference);
  const remoteName = remainder.split(':')[0] as string;
  if (remoteName.toLowerCase() !== remoteName) throw new DockerArgsError(`invalid reference format: repository name (${remoteName}) must be lowercase`);
  const at = remainder.indexOf('@');
  const digest = at < 0 ? undefined : remainder.slice(at + 1);
  const named = at < 0 ? remainder : remainder.slice(0, at);
  const colon = named.indexOf(':');
  const path = colon < 0 ? named : named.slice(0, colon);
  const tag = colon < 0 ? undefined : named.slice(colon + 1);
  const valid = DOMAIN.test(domain) && path.split('/').every((component) => COMPONENT.test(component)) &&
    (tag === undefined || TAG.test(tag)) && (digest === undefined || DIGEST.test(digest)) && `${domain}/${path}`.length <= 255;
  if (!valid) throw new DockerArgsError(`invalid reference format: ${JSON.stringify(reference)} is not an image reference`);
  return { name: `${domain}/${path}`, tag, digest };
}
