/** A request URI as dockerd's router sees it. */
export interface ApiPath {
  /** The API version from a /vX.Y prefix; undefined means the daemon's default (its newest). */
  version: string | undefined;
  /** The decoded path without the version prefix, e.g. /containers/web/json. */
  path: string;
  /** The query string as sent, without "?": few routes read it, so it is parsed on demand (queryOf). */
  rawQuery: string;
}

export function queryOf(path: ApiPath): URLSearchParams {
  return new URLSearchParams(path.rawQuery);
}

/**
 * The oldest API version the plugin accepts. Engines before 1.24 took a
 * HostConfig in the body of /containers/{id}/start, and 1.40 is Docker 19.03;
 * every client of the supported engines (Debian 12's 20.10 = 1.41, current = 1.5x)
 * speaks 1.40 or newer.
 */
export const MIN_API_VERSION = '1.40';

export function compareVersions(a: string, b: string): number {
  const [amaj, amin] = versionParts(a);
  const [bmaj, bmin] = versionParts(b);
  return amaj - bmaj || amin - bmin;
}

/** Clients send the same few versions over and over: each is split once. */
const parsedVersions = new Map<string, readonly [number, number]>();

function versionParts(version: string): readonly [number, number] {
  let parts = parsedVersions.get(version);
  if (!parts) {
    const [major = 0, minor = 0] = version.split('.').map(Number);
    parts = [major, minor];
    if (parsedVersions.size > 1000) parsedVersions.clear();
    parsedVersions.set(version, parts);
  }
  return parts;
}

/**
 * Splits RequestUri like Go's url.Parse (percent-decoding the path) and refuses
 * paths gorilla/mux would redirect (not clean) or that hide a second meaning.
 */
export function parseRequestUri(uri: string): ApiPath | string {
  if (!uri.startsWith('/')) return 'the request path is not absolute';
  // An encoded slash or a fragment would make the path dockerd routes differ from the one judged.
  const pathEnd = uri.indexOf('?');
  if (/%2f/i.test(pathEnd < 0 ? uri : uri.slice(0, pathEnd)) || uri.includes('#')) return 'the request path holds an encoded "/" or a "#"';
  const questionMark = uri.indexOf('?');
  const rawPath = questionMark < 0 ? uri : uri.slice(0, questionMark);
  const rawQuery = questionMark < 0 ? '' : uri.slice(questionMark + 1);
  let path: string;
  try {
    path = decodeURIComponent(rawPath);
  } catch {
    return 'the request path is not valid percent-encoding';
  }
  if (path.includes('\0') || /\/\.{0,2}(\/|$)/.test(path.replace(/^\/$/, '')) || path.includes('//')) {
    return 'the request path is not clean (empty, "." or ".." segments)';
  }
  if (rawQuery.includes(';')) return 'the query holds ";", which Go refuses to parse';
  const versioned = /^\/v([0-9.]+)(\/.*)$/.exec(path);
  if (versioned) {
    if (!/^\d+\.\d+$/.test(versioned[1] as string)) return `"v${versioned[1]}" is not an API version`;
    return { version: versioned[1], path: versioned[2] as string, rawQuery };
  }
  return { version: undefined, path, rawQuery };
}
