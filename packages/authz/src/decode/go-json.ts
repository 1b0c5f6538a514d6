/**
 * JSON as Go's encoding/json reads it into dockerd's structs, which is not what
 * JSON.parse gives: struct fields match keys case-insensitively (with Unicode
 * folding: "ſ" is "s", the Kelvin sign is "k"), and when a key appears twice
 * (in any case) the last one wins. So the parser keeps every key, in order.
 */
export type GoValue =
  | GoObject
  | { kind: 'array'; items: GoValue[] }
  | { kind: 'string'; value: string }
  | { kind: 'number'; text: string }
  | { kind: 'bool'; value: boolean }
  | { kind: 'null' };

/**
 * An object as written: every key in order (maps need them exact, duplicates included),
 * the same keys folded the way Go matches struct fields, and the values.
 */
export interface GoObject {
  kind: 'object';
  keys: string[];
  folded: string[];
  values: GoValue[];
}

export const emptyObject = (): GoObject => ({ kind: 'object', keys: [], folded: [], values: [] });

export class BodyDecodeError extends Error {}

const TRUE: GoValue = Object.freeze({ kind: 'bool', value: true });
const FALSE: GoValue = Object.freeze({ kind: 'bool', value: false });
const NULL: GoValue = Object.freeze({ kind: 'null' });
const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;

/** Parses one JSON value; anything after it (which Go's Decoder would silently ignore) is refused. */
export function parseGoJson(text: string): GoValue {
  let i = 0;
  const fail = (what: string): never => {
    throw new BodyDecodeError(`${what} at offset ${i}`);
  };
  const space = (): void => {
    for (let code = text.charCodeAt(i); code === 0x20 || code === 0x09 || code === 0x0a || code === 0x0d; code = text.charCodeAt(++i));
  };
  const string = (): string => {
    if (text.charCodeAt(i) !== 0x22) fail('expected a string');
    const start = i;
    let escaped = false;
    i++;
    for (;;) {
      const code = text.charCodeAt(i);
      if (Number.isNaN(code)) fail('unterminated string');
      if (code === 0x22) break;
      if (code < 0x20) fail('control character in string');
      if (code === 0x5c) {
        escaped = true;
        i++;
      }
      i++;
    }
    i++;
    // Most strings have no escapes: JSON.parse is only needed to decode them.
    if (!escaped) return text.slice(start + 1, i - 1);
    try {
      return JSON.parse(text.slice(start, i)) as string;
    } catch {
      return fail('bad escape in string');
    }
  };
  const value = (depth: number): GoValue => {
    if (depth > 200) fail('nesting too deep');
    space();
    const ch = text[i];
    if (ch === '{') {
      i++;
      const object = emptyObject();
      space();
      if (text[i] === '}') {
        i++;
        return object;
      }
      for (;;) {
        space();
        const key = string();
        space();
        if (text[i] !== ':') fail("expected ':'");
        i++;
        object.keys.push(key);
        object.folded.push(foldKey(key));
        object.values.push(value(depth + 1));
        space();
        if (text[i] === ',') {
          i++;
          continue;
        }
        if (text[i] === '}') {
          i++;
          return unique(object);
        }
        fail("expected ',' or '}'");
      }
    }
    if (ch === '[') {
      i++;
      const items: GoValue[] = [];
      space();
      if (text[i] === ']') {
        i++;
        return { kind: 'array', items };
      }
      for (;;) {
        items.push(value(depth + 1));
        space();
        if (text[i] === ',') {
          i++;
          continue;
        }
        if (text[i] === ']') {
          i++;
          return { kind: 'array', items };
        }
        fail("expected ',' or ']'");
      }
    }
    if (ch === '"') return { kind: 'string', value: string() };
    if (text.startsWith('true', i)) {
      i += 4;
      return TRUE;
    }
    if (text.startsWith('false', i)) {
      i += 5;
      return FALSE;
    }
    if (text.startsWith('null', i)) {
      i += 4;
      return NULL;
    }
    NUMBER.lastIndex = i;
    const match = NUMBER.exec(text);
    if (!match) return fail('expected a value');
    i += match[0].length;
    return { kind: 'number', text: match[0] };
  };
  const result = value(0);
  space();
  if (i < text.length) fail('data after the JSON value');
  return result;
}

/**
 * Go decodes a repeated key into the value it already holds: a repeated object or map is
 * merged ({"HostConfig":{"Privileged":true},"HostConfig":{}} stays privileged), and null
 * keeps an earlier scalar. No client repeats a key, so an object that does is refused.
 */
function unique(object: GoObject): GoObject {
  const { folded } = object;
  if (folded.length < 2) return object;
  if (folded.length < 16) {
    for (let a = 1; a < folded.length; a++) for (let b = 0; b < a; b++) if (folded[a] === folded[b]) throw duplicate(object.keys[a] as string);
    return object;
  }
  const seen = new Set<string>();
  folded.forEach((key, index) => {
    if (seen.has(key)) throw duplicate(object.keys[index] as string);
    seen.add(key);
  });
  return object;
}

const duplicate = (key: string): BodyDecodeError => new BodyDecodeError(`the key ${JSON.stringify(key)} appears twice in one object (in any case), which Go merges`);

/** Go's key folding for matching struct field names (bytes.EqualFold semantics for ASCII names). */
export function foldKey(key: string): string {
  if (!NON_ASCII.test(key)) return key.toLowerCase();
  return key.replace(/\u017f/g, 's').replace(/\u212a/g, 'k').toLowerCase();
}

const NON_ASCII = /[^\x00-\x7f]/;

/** Field names as the engine spells them ("HostConfig"), folded once. */
const foldedNames = new Map<string, string>();

/** The value Go would decode into struct field `name`: case-insensitive match, last occurrence wins. */
export function field(value: GoValue | undefined, name: string): GoValue | undefined {
  if (value?.kind !== 'object') return undefined;
  let folded = foldedNames.get(name);
  if (folded === undefined) {
    folded = foldKey(name);
    foldedNames.set(name, folded);
  }
  const index = value.folded.lastIndexOf(folded);
  return index < 0 ? undefined : value.values[index];
}

/** A Go map[string]string: keys are exact (maps do not fold), last wins; null is an empty map. */
export function stringMap(value: GoValue | undefined, where: string): Map<string, string> {
  const map = new Map<string, string>();
  if (value === undefined || value.kind === 'null') return map;
  if (value.kind !== 'object') throw new BodyDecodeError(`${where} is not an object`);
  value.keys.forEach((key, index) => map.set(key, asString(value.values[index], `${where}.${key}`)));
  return map;
}

export function asString(value: GoValue | undefined, where: string): string {
  if (value === undefined || value.kind === 'null') return '';
  if (value.kind !== 'string') throw new BodyDecodeError(`${where} is not a string`);
  return value.value;
}

export function asBool(value: GoValue | undefined, where: string): boolean {
  if (value === undefined || value.kind === 'null') return false;
  if (value.kind !== 'bool') throw new BodyDecodeError(`${where} is not true or false`);
  return value.value;
}

export function asNumber(value: GoValue | undefined, where: string): number {
  if (value === undefined || value.kind === 'null') return 0;
  if (value.kind !== 'number') throw new BodyDecodeError(`${where} is not a number`);
  return Number(value.text);
}

/** A Go slice: null or absent is nil (undefined here), [] is an empty, non-nil slice. */
export function asArray(value: GoValue | undefined, where: string): GoValue[] | undefined {
  if (value === undefined || value.kind === 'null') return undefined;
  if (value.kind !== 'array') throw new BodyDecodeError(`${where} is not a list`);
  return value.items;
}

export function asStringArray(value: GoValue | undefined, where: string): string[] | undefined {
  return asArray(value, where)?.map((item, index) => asString(item, `${where}[${index}]`));
}

/** A Go strslice.StrSlice (Cmd, Entrypoint, CapAdd): a list, or a single string. */
export function asStrSlice(value: GoValue | undefined, where: string): string[] | undefined {
  if (value?.kind === 'string') return [value.value];
  return asStringArray(value, where);
}
