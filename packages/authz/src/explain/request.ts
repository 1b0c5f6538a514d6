/**
 * The request an explained command line becomes, and the encodings the docker CLI's Go
 * client uses to write it: url.Values.Encode for the query, url.URL.EscapedPath for the
 * path, encoding/json for bodies and for the JSON carried in query parameters.
 */

/** The API request the docker CLI would send (without the /vX.Y prefix: the engine reads both). */
export interface ExplainedRequest {
  method: string;
  uri: string;
  body: Buffer | undefined;
}

/** A docker command line dockauth cannot turn into a request: bad input for `dockauth authz check`. */
export class DockerArgsError extends Error {}

export const REQUEST_HINT = 'use --request FILE with the raw API request';

const HEX = '0123456789ABCDEF';

function escapeBytes(text: string, keep: RegExp, space: string | undefined): string {
  let out = '';
  for (const char of text) {
    if (keep.test(char)) out += char;
    else if (char === ' ' && space !== undefined) out += space;
    else for (const byte of new TextEncoder().encode(char)) out += `%${HEX[byte >> 4]}${HEX[byte & 15]}`;
  }
  return out;
}

/** Go's url.QueryEscape: only letters, digits and -_.~ stay; a space becomes "+". */
export function goQueryEscape(text: string): string {
  return escapeBytes(text, /^[A-Za-z0-9\-_.~]$/, '+');
}

/** Go's url.URL path escaping: also $&+,/:;=@ stay as they are. */
export function goPathEscape(text: string): string {
  return escapeBytes(text, /^[A-Za-z0-9\-_.~$&+,/:;=@]$/, undefined);
}

/** A query in the order and form Go's url.Values.Encode writes it: keys sorted, every value of each. */
export type Query = Array<[string, string]>;

export function encodeQuery(query: Query): string {
  const keys = [...new Set(query.map(([key]) => key))].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  return keys.flatMap((key) => query.filter(([k]) => k === key).map(([, value]) => `${goQueryEscape(key)}=${goQueryEscape(value)}`)).join('&');
}

/** A path built from a fixed template and escaped parameters, with its query. */
export function uri(path: string, query: Query = []): string {
  const encoded = encodeQuery(query);
  return encoded === '' ? path : `${path}?${encoded}`;
}

/** `/containers/NAME/...`: the parameter as the Go client writes it into the path. */
export function pathOf(...segments: string[]): string {
  return segments.map(goPathEscape).join('/');
}

/** encoding/json's escaping of characters that are unsafe in HTML. */
function htmlSafe(json: string): string {
  return json.replace(/[<>&\u2028\u2029]/g, (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** A value as Go's json.Marshal writes a struct (fields in the order given). */
export function goJson(value: unknown): string {
  return htmlSafe(JSON.stringify(value));
}

/** A Go map as json.Marshal writes it: keys sorted bytewise (JS would put numeric keys first). */
export function goMapJson(map: ReadonlyMap<string, unknown>): string {
  const keys = [...map.keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  return htmlSafe(`{${keys.map((key) => `${JSON.stringify(key)}:${JSON.stringify(map.get(key) ?? null)}`).join(',')}}`);
}

export function jsonRequest(method: string, path: string, body: unknown, query: Query = []): ExplainedRequest {
  return { method, uri: uri(path, query), body: Buffer.from(goJson(body)) };
}

export function plainRequest(method: string, path: string, query: Query = []): ExplainedRequest {
  return { method, uri: uri(path, query), body: undefined };
}

/** strings.Cut(value, "="): the key, and the value ("" when there is no "="). */
export function cutPair(value: string, separator = '='): [string, string] {
  const at = value.indexOf(separator);
  return at < 0 ? [value, ''] : [value.slice(0, at), value.slice(at + separator.length)];
}

/** opts.ConvertKVStringsToMap: "k=v" → k: v, "k" → k: "". */
export function keyValueMap(values: readonly string[]): Record<string, string> {
  const map: Record<string, string> = {};
  for (const value of values) {
    const [key, rest] = cutPair(value);
    map[key] = rest;
  }
  return map;
}

/** opts.ValidateEnv: "NAME" alone takes NAME's value from the environment the CLI runs in, when it is set. */
export function envValue(value: string): string {
  if (value.includes('=')) return value;
  const fromEnv = process.env[value];
  return fromEnv === undefined ? value : `${value}=${fromEnv}`;
}
