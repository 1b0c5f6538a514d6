import type { Route } from '../engine/routes.js';

/**
 * The inputs dockerd reads on a route, as dockerd reads them, or why they cannot be
 * judged. Go's r.ParseForm puts the values of a form-encoded POST body *before* the
 * query's, so a form body would override what the plugin read in the query: no client
 * of ours sends one, and it is refused everywhere. Query parameters are read with Go's
 * url.ParseQuery rules, and only those the route names are accepted.
 */
export interface RequestInputs {
  /** Every value of each query parameter, in order (dockerd's r.Form.Get takes the first). */
  query: Map<string, string[]>;
}

const FORM_TYPES = new Set(['application/x-www-form-urlencoded', 'multipart/form-data']);

/** The media type of a Content-Type header as Go's mime.ParseMediaType reads it: lower case, no parameters. */
export function mediaType(headers: Record<string, string>): string {
  const value = header(headers, 'content-type') ?? '';
  return (value.split(';')[0] ?? '').trim().toLowerCase();
}

/** A header by name, case-insensitively (dockerd forwards Go's canonical names, clients may differ). */
export function header(headers: Record<string, string>, name: string): string | undefined {
  for (const key in headers) if (key.toLowerCase() === name) return headers[key];
  return undefined;
}

/** Splits a raw query like Go's url.ParseQuery; a pair Go would reject (bad escape) makes the whole query unreadable. */
export function parseGoQuery(raw: string): Map<string, string[]> | string {
  const query = new Map<string, string[]>();
  if (raw === '') return query;
  for (const pair of raw.split('&')) {
    if (pair === '') continue;
    const equals = pair.indexOf('=');
    const rawKey = equals < 0 ? pair : pair.slice(0, equals);
    const rawValue = equals < 0 ? '' : pair.slice(equals + 1);
    const key = unescapeQuery(rawKey);
    const value = unescapeQuery(rawValue);
    if (key === undefined || value === undefined) return `the query parameter ${JSON.stringify(pair.slice(0, 80))} is not valid percent-encoding`;
    const values = query.get(key);
    if (values) values.push(value);
    else query.set(key, [value]);
  }
  return query;
}

function unescapeQuery(text: string): string | undefined {
  if (!/%/.test(text)) return text.replace(/\+/g, ' ');
  if (/%(?![0-9a-fA-F]{2})/.test(text)) return undefined;
  try {
    return decodeURIComponent(text.replace(/\+/g, ' '));
  } catch {
    // Go keeps invalid UTF-8 bytes; a name dockerd and the plugin would read differently is refused.
    return undefined;
  }
}

/**
 * What the route reads, or a problem: a form body, a query parameter the route does not
 * take (or, for one it reads once, given twice), a body on a route that reads none.
 */
export function decodeRequestInputs(route: Route, rawQuery: string, headers: Record<string, string>, body: Buffer | undefined): RequestInputs | string {
  const type = mediaType(headers);
  if (FORM_TYPES.has(type)) return `a ${type} body is not accepted (dockerd would read it as query parameters the plugin never saw): send parameters in the URL`;
  const query = parseGoQuery(rawQuery);
  if (typeof query === 'string') return query;
  if (!route.query.has('*')) {
    for (const [key, values] of query) {
      const repeated = route.query.has(`${key}[]`);
      if (!repeated && !route.query.has(key)) return `the query parameter ${JSON.stringify(key)} is not one dockauth knows for ${route.action}, so it is not allowed`;
      if (!repeated && values.length > 1) return `the query parameter ${JSON.stringify(key)} is given ${values.length} times: give it once`;
    }
  }
  if (route.body === 'none' && body !== undefined && body.length > 0 && body.toString('utf8').trim() !== '') {
    return `${route.action} takes no request body, and one was sent`;
  }
  return { query };
}

/** The first value of a query parameter, as dockerd's r.Form.Get reads it ("" when absent). */
export function queryValue(inputs: RequestInputs, key: string): string {
  return inputs.query.get(key)?.[0] ?? '';
}
