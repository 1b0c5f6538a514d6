import { DockerArgsError, REQUEST_HINT } from './request.js';

/**
 * One docker command's flags, read as the CLI's pflag reads them: `--name value`,
 * `--name=value`, `-n value`, `-nvalue`, `-n=value`, clustered booleans (`-dit`), `--`
 * ending the flags, a boolean taking only `=true`/`=false`. Each flag is known by its
 * long name; a flag another command takes (run's `-d` in `volume create`) is not this
 * command's, and an unknown one is bad input.
 */
export interface CommandFlags {
  /** The command, for messages ("volume create"). */
  command: string;
  /** Flags taking a value: "long s" (long name, optional one-letter shorthand); "long|alias" for a second long spelling. */
  values: readonly string[];
  /** Boolean flags, the same way. */
  booleans: readonly string[];
  /** Flags end at the first word that is not one (run, create, exec, tag); else they may follow it. */
  stopAtPositional?: boolean;
}

export interface ParsedFlags {
  /** [long name, value] in the order given; booleans as "true"/"false". */
  flags: Array<[string, string]>;
  positional: string[];
}

interface Table {
  long: Map<string, [string, boolean]>;
  short: Map<string, [string, boolean]>;
}

function table(spec: CommandFlags): Table {
  const long = new Map<string, [string, boolean]>();
  const short = new Map<string, [string, boolean]>();
  const add = (entries: readonly string[], takesValue: boolean): void => {
    for (const entry of entries) {
      const [names, letter] = entry.split(' ') as [string, string | undefined];
      const [name, ...aliases] = names.split('|') as [string, ...string[]];
      for (const spelling of [name, ...aliases]) long.set(spelling, [name, takesValue]);
      if (letter) short.set(letter, [name, takesValue]);
    }
  };
  add(spec.values, true);
  add(spec.booleans, false);
  return { long, short };
}

/** strconv.ParseBool, as pflag reads `--flag=VALUE` of a boolean. */
function parseBool(flag: string, value: string): string {
  if (['1', 't', 'T', 'TRUE', 'true', 'True'].includes(value)) return 'true';
  if (['0', 'f', 'F', 'FALSE', 'false', 'False'].includes(value)) return 'false';
  throw new DockerArgsError(`invalid argument "${value}" for "${flag}": not a boolean`);
}

function unknown(spec: CommandFlags, flag: string): DockerArgsError {
  return new DockerArgsError(`dockauth authz check does not know the flag ${flag} of docker ${spec.command}: ${REQUEST_HINT}`);
}

export function parseFlags(args: readonly string[], spec: CommandFlags): ParsedFlags {
  const { long, short } = table(spec);
  const flags: Array<[string, string]> = [];
  const positional: string[] = [];
  for (let index = 0; index < args.length; index++) {
    const arg = args[index] as string;
    if (arg === '--') {
      positional.push(...args.slice(index + 1));
      break;
    }
    if (!arg.startsWith('-') || arg === '-') {
      if (spec.stopAtPositional) {
        positional.push(...args.slice(index));
        break;
      }
      positional.push(arg);
      continue;
    }
    const next = (flag: string): string => {
      if (index + 1 >= args.length) throw new DockerArgsError(`flag needs an argument: ${flag}`);
      return args[++index] as string;
    };
    if (arg.startsWith('--')) {
      const eq = arg.indexOf('=');
      const spelling = (eq < 0 ? arg : arg.slice(0, eq)).slice(2);
      const known = long.get(spelling);
      if (!known) throw unknown(spec, `--${spelling}`);
      const [name, takesValue] = known;
      if (takesValue) flags.push([name, eq < 0 ? next(`--${spelling}`) : arg.slice(eq + 1)]);
      else flags.push([name, eq < 0 ? 'true' : parseBool(`--${spelling}`, arg.slice(eq + 1))]);
      continue;
    }
    // A cluster of shorthands: booleans until one takes a value, which takes the rest (or the next word).
    for (let at = 1; at < arg.length; at++) {
      const letter = arg[at] as string;
      const known = short.get(letter);
      if (!known) throw unknown(spec, `-${letter}`);
      const [name, takesValue] = known;
      const rest = arg.slice(at + 1);
      if (takesValue) {
        flags.push([name, rest === '' ? next(`-${letter}`) : rest.startsWith('=') ? rest.slice(1) : rest]);
        break;
      }
      if (rest.startsWith('=')) {
        flags.push([name, parseBool(`-${letter}`, rest.slice(1))]);
        break;
      }
      flags.push([name, 'true']);
    }
  }
  return { flags, positional };
}

/** Reading parsed flags: the last value of a flag, every value, a boolean. */
export class FlagValues {
  constructor(readonly parsed: ParsedFlags) {}

  get positional(): string[] {
    return this.parsed.positional;
  }

  all(name: string): string[] {
    return this.parsed.flags.filter(([flag]) => flag === name).map(([, value]) => value);
  }

  last(name: string): string | undefined {
    return this.all(name).pop();
  }

  bool(name: string): boolean {
    return this.last(name) === 'true';
  }

  has(name: string): boolean {
    return this.parsed.flags.some(([flag]) => flag === name);
  }
}

export function readFlags(args: readonly string[], spec: CommandFlags): FlagValues {
  return new FlagValues(parseFlags(args, spec));
}

/**
 * The command's positional words, between min and max of them as cobra checks; `several`
 * for a command docker runs once per word (rm A B): dockauth explains one request.
 */
export function expectArgs(values: FlagValues, command: string, min: number, max: number, usage: string, several = false): string[] {
  const words = values.positional;
  if (words.length >= min && words.length <= max) return words;
  const got = words.length === 0 ? 'nothing' : JSON.stringify(words.join(' '));
  const note = several && words.length > max ? ': docker sends one request for each, and dockauth explains one at a time' : '';
  throw new DockerArgsError(`docker ${command} takes ${usage}, not ${got}${note}`);
}
