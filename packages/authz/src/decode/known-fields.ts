import type { FieldSpec } from './api-fields.js';
import { foldKey, type GoValue } from './go-json.js';

/**
 * Keys dockerd would not decode into anything the plugin knows. dockerd ignores a key
 * it does not know, but a newer engine may know it: so a key the plugin cannot name
 * is refused, by name, until the plugin learns it (decode/api-fields.ts).
 */
export function unknownFields(value: GoValue | undefined, spec: Record<string, FieldSpec>, where = ''): string[] {
  if (value?.kind !== 'object') return [];
  const known = foldedSpec(spec);
  const unknown: string[] = [];
  value.keys.forEach((key, index) => {
    const field = known.get(value.folded[index] as string);
    const path = `${where}${key}`;
    if (!field) unknown.push(path);
    else unknown.push(...unknownBelow(value.values[index] as GoValue, field, path));
  });
  return unknown;
}

function unknownBelow(value: GoValue, field: FieldSpec, path: string): string[] {
  if (field.kind === 'object' && field.fields) return unknownFields(value, field.fields, `${path}.`);
  if (field.kind === 'array' && value.kind === 'array') {
    const item = field.fields ? ({ kind: 'object', fields: field.fields } as FieldSpec) : field.items;
    if (!item) return [];
    return value.items.flatMap((entry, index) => unknownBelow(entry, item, `${path}[${index}]`));
  }
  if (field.kind === 'map' && value.kind === 'object' && field.values) {
    const values = field.values;
    return value.values.flatMap((entry, index) => unknownBelow(entry, values, `${path}.${value.keys[index]}`));
  }
  return [];
}

/** Each table's keys folded as Go folds them, computed once. */
const folded = new WeakMap<Record<string, FieldSpec>, Map<string, FieldSpec>>();

function foldedSpec(spec: Record<string, FieldSpec>): Map<string, FieldSpec> {
  let map = folded.get(spec);
  if (!map) {
    map = new Map(Object.entries(spec).map(([key, field]) => [foldKey(key), field]));
    folded.set(spec, map);
  }
  return map;
}
