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
