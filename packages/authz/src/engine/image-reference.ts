/**
 * Image references in the one form policies match against:
 * "busybox" → "docker.io/library/busybox:latest", "me/tool" → "docker.io/me/tool:latest",
 * "reg.example.org:5000/x" → "reg.example.org:5000/x:latest"; digests are kept.
 */
export function normalizeImageReference(reference: string): string {
  let name = reference.trim();
  if (/^(sha256:)?[0-9a-f]{64}$/.test(name)) return name.startsWith('sha256:') ? name : `sha256:${name}`;
  const [first, ...rest] = name.split('/');
  const hasRegistry = rest.length > 0 && (first!.includes('.') || first!.includes(':') || first === 'localhost');
  if (!hasRegistry) name = rest.length === 0 ? `docker.io/library/${name}` : `docker.io/${name}`;
  const lastSegment = name.slice(name.lastIndexOf('/') + 1);
  if (!name.includes('@') && !lastSegment.includes(':')) name = `${name}:latest`;
  return name;
}

/** Every name an image answers to: its tags and digests as the daemon reports them, normalized. */
export function imageNames(reference: string, info: { repoTags: string[]; repoDigests: string[] } | undefined): string[] {
  if (!info) return [normalizeImageReference(reference)];
  return [...info.repoTags, ...info.repoDigests].filter((name) => name !== '<none>:<none>' && name !== '<none>@<none>').map(normalizeImageReference);
}

/** Allowed when some name matches an allow pattern and none matches a deny pattern. */
export function imageAllowed(names: string[], rules: { readonly allow: readonly RegExp[]; readonly deny: readonly RegExp[] }): boolean {
  return names.some((name) => rules.allow.some((pattern) => pattern.test(name))) && !names.some((name) => rules.deny.some((pattern) => pattern.test(name)));
}

/** A reference split as distribution/reference does: repository, optional tag, optional digest. */
export interface ParsedReference {
  repository: string;
  tag: string | undefined;
  digest: string | undefined;
}

const DIGEST = /^[a-z0-9]+(?:[.+_-][a-z0-9]+)*:[0-9a-fA-F]{32,}$/;

export function parseReference(reference: string): ParsedReference | undefined {
  const at = reference.indexOf('@');
  const digest = at < 0 ? undefined : reference.slice(at + 1);
  const named = at < 0 ? reference : reference.slice(0, at);
  if (digest !== undefined && !DIGEST.test(digest)) return undefined;
  const slash = named.lastIndexOf('/');
  const colon = named.lastIndexOf(':');
  const tag = colon > slash ? named.slice(colon + 1) : undefined;
  const repository = colon > slash ? named.slice(0, colon) : named;
  if (repository === '' || !/^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+|[.:/a-zA-Z0-9-])*$/.test(repository)) return undefined;
  if (tag !== undefined && !/^\w[\w.-]{0,127}$/.test(tag)) return undefined;
  return { repository, tag, digest };
}

/**
 * The reference a pull fetches, combined from fromImage and tag as dockerd's PullImage does:
 * a tag that is a digest replaces tag and digest; any other tag replaces the name's own
 * tag (busybox:1.0 with tag=2.0 pulls busybox:2.0), and a digest, once there, is what is
 * fetched. A name with neither tag nor digest pulls every tag of the repository: refused.
 */
export function pullReference(fromImage: string, tag: string): { reference: string } | { problem: string } {
  const parsed = parseReference(fromImage);
  if (!parsed) return { problem: `${JSON.stringify(fromImage)} is not an image reference` };
  let { tag: ownTag, digest } = parsed;
  if (tag !== '') {
    if (DIGEST.test(tag)) {
      digest = tag;
      ownTag = undefined;
    } else if (/^\w[\w.-]{0,127}$/.test(tag)) {
      ownTag = tag;
    } else {
      return { problem: `${JSON.stringify(tag)} is neither a tag nor a digest` };
    }
  }
  if (ownTag === undefined && digest === undefined) return { problem: `${fromImage} names no tag, and dockerd would pull every tag of it: add a tag (${fromImage}:latest)` };
  // With a digest, the digest is what is fetched: a tag beside it pins nothing, and is not judged.
  return { reference: digest === undefined ? `${parsed.repository}:${ownTag}` : `${parsed.repository}@${digest}` };
}

/** Whether a reference is under the user's own name (docker.io/<user>/…), where built, imported and committed images go. */
export function inOwnNamespace(reference: string, user: string): boolean {
  return normalizeImageReference(reference).startsWith(`docker.io/${user}/`);
}
