import type { FieldSpec } from '../decode/api-fields.js';
import { foldKey, type GoValue } from '../decode/go-json.js';

/**
 * A decoded body written back as JSON with one spelling per key: struct fields take the
 * name the engine's Go type gives them (so "hostconfig" goes on as "HostConfig"), map keys
 * stay exact, numbers keep the digits they were sent with. What dockerd reads is then
 * exactly what the rules judged, whatever case or spacing the client chose.
 */
export function encodeGoValue(value: GoValue, spec?: FieldSpec): string {
  switch (value.kind) {
    case 'null':
      return 'null';
    case 'bool':
      return value.value ? 'true' : 'false';
    case 'number':
      return value.text;
    case 'string':
      return JSON.stringify(value.value);
    case 'array': {
      const item = spec?.fields ? ({ kind: 'object', fields: spec.fields } as FieldSpec) : spec?.items;
      return `[${value.items.map((entry) => encodeGoValue(entry, item)).join(',')}]`;
    }
    case 'object': {
      const names = spec?.kind === 'object' && spec.fields ? canonicalNames(spec.fields) : undefined;
      const parts = value.keys.map((key, index) => {
        const entry = value.values[index] as GoValue;
        if (names) {
          const folded = value.folded[index] as string;
          const name = names.get(folded);
          return `${JSON.stringify(name ?? key)}:${encodeGoValue(entry, name === undefined ? undefined : spec?.fields?.[name])}`;
        }
        return `${JSON.stringify(key)}:${encodeGoValue(entry, spec?.kind === 'map' ? spec.values : undefined)}`;
      });
      return `{${parts.join(',')}}`;
    }
  }
}

/** A request body's top level, whose keys are a table of fields. */
export function encodeBody(value: GoValue, fields: Record<string, FieldSpec> | undefined): string {
  return encodeGoValue(value, fields ? { kind: 'object', fields } : undefined);
}

const canonical = new WeakMap<Record<string, FieldSpec>, Map<string, string>>();

function canonicalNames(fields: Record<string, FieldSpec>): Map<string, string> {
  let names = canonical.get(fields);
  if (!names) {
    names = new Map(Object.keys(fields).map((name) => [foldKey(name), name]));
    canonical.set(fields, names);
  }
  return names;
}
