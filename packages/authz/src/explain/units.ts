import { DockerArgsError } from './request.js';

const BINARY: Record<string, number> = { k: 1024, m: 1024 ** 2, g: 1024 ** 3, t: 1024 ** 4, p: 1024 ** 5 };
const GO_FLOAT = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;

/**
 * A size as docker's units.RAMInBytes reads it: a number, then an optional suffix of
 * b, or k/m/g/t/p alone or followed by "b" or "ib", in any case ("512m", "1.5GiB", "64 kb").
 */
export function ramInBytes(flag: string, text: string): number {
  const invalid = (): DockerArgsError => new DockerArgsError(`invalid argument "${text}" for "${flag}": not a size (such as 64m or 1g)`);
  let sep = -1;
  for (let index = text.length - 1; index >= 0; index--) {
    if ('0123456789. '.includes(text[index] as string)) {
      sep = index;
      break;
    }
  }
  if (sep < 0) throw invalid();
  const number = text[sep] === ' ' ? text.slice(0, sep) : text.slice(0, sep + 1);
  let suffix = text.slice(sep + 1);
  if (!GO_FLOAT.test(number)) throw invalid();
  let size = Number(number);
  if (size < 0) throw invalid();
  if (suffix !== '') {
    suffix = suffix.toLowerCase();
    if (suffix.length > 3) throw invalid();
    if (suffix[0] === 'b') {
      if (suffix.length > 1) throw invalid();
    } else {
      const multiplier = BINARY[suffix[0] as string];
      if (multiplier === undefined) throw invalid();
      if ((suffix.length === 2 && suffix[1] !== 'b') || (suffix.length === 3 && suffix.slice(1) !== 'ib')) throw invalid();
      size *= multiplier;
    }
  }
  return Math.trunc(size);
}

/** strconv.ParseInt(text, 0, 64) as pflag's integer flags read it (decimal, 0x…, 0o… or 0…, 0b…). */
export function parseInteger(flag: string, text: string): number {
  const match = /^([+-]?)(?:0[xX]([0-9a-fA-F]+)|0[oO]?([0-7]+)|0[bB]([01]+)|(0|[1-9]\d*))$/.exec(text);
  if (!match) throw new DockerArgsError(`invalid argument "${text}" for "${flag}": not a whole number`);
  const [, sign, hex, octal, binary, decimal] = match;
  const value = hex !== undefined ? parseInt(hex, 16) : octal !== undefined ? parseInt(octal, 8) : binary !== undefined ? parseInt(binary, 2) : Number(decimal);
  return sign === '-' ? -value : value;
}

/** Ulimit names docker's go-units knows. */
const ULIMITS = new Set(['core', 'cpu', 'data', 'fsize', 'locks', 'memlock', 'msgqueue', 'nice', 'nofile', 'nproc', 'rss', 'rtprio', 'rttime', 'sigpending', 'stack']);

export interface Ulimit {
  Name: string;
  Hard: number;
  Soft: number;
}

/** units.ParseUlimit: name=soft[:hard], the hard limit defaulting to the soft one. */
export function parseUlimit(text: string): Ulimit {
  const eq = text.indexOf('=');
  if (eq < 0) throw new DockerArgsError(`invalid ulimit argument: ${text}`);
  const name = text.slice(0, eq);
  if (!ULIMITS.has(name)) throw new DockerArgsError(`invalid ulimit type: ${name}`);
  const limits = text.slice(eq + 1).split(':');
  if (limits.length > 2) throw new DockerArgsError(`too many limit value arguments - ${text.slice(eq + 1)}, can only have up to two, \`soft[:hard]\``);
  const number = (value: string): number => {
    if (!/^[+-]?\d+$/.test(value)) throw new DockerArgsError(`invalid ulimit value ${JSON.stringify(value)} in ${text}`);
    return Number(value);
  };
  const soft = number(limits[0] as string);
  const hard = limits.length === 2 ? number(limits[1] as string) : soft;
  if (hard !== -1 && (soft === -1 || soft > hard)) throw new DockerArgsError(`ulimit soft limit must be less than or equal to hard limit: ${soft} > ${hard}`);
  return { Name: name, Hard: hard, Soft: soft };
}

/** --ulimit values, later ones replacing earlier ones of the same name (the CLI keeps them by name). */
export function parseUlimits(values: readonly string[]): Ulimit[] {
  const byName = new Map<string, Ulimit>();
  for (const value of values) {
    const ulimit = parseUlimit(value);
    byName.set(ulimit.Name, ulimit);
  }
  return [...byName.values()];
}

/** opts.ParseRestartPolicy: name[:max-retries]. */
export function parseRestartPolicy(text: string): { Name: string; MaximumRetryCount: number } {
  const colon = text.indexOf(':');
  const name = colon < 0 ? text : text.slice(0, colon);
  const count = colon < 0 ? '' : text.slice(colon + 1);
  if (colon >= 0 && name === '') throw new DockerArgsError('invalid restart policy format: no policy provided before colon');
  if (count !== '' && !/^[+-]?\d+$/.test(count)) throw new DockerArgsError('invalid restart policy format: maximum retry count must be an integer');
  return { Name: name, MaximumRetryCount: count === '' ? 0 : Number(count) };
}
