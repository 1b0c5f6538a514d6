import { foldKey, type GoObject, type GoValue } from '../decode/go-json.js';

/** Small edits on a decoded body, for what the gateway fills in; keys are matched as Go matches them. */

export const goString = (value: string): GoValue => ({ kind: 'string', value });
export const goNumber = (value: number): GoValue => ({ kind: 'number', text: String(value) });
export const goStrings = (values: readonly string[]): GoValue => ({ kind: 'array', items: values.map(goString) });

/** Sets a struct field, replacing the value under any spelling of its name. */
export function setField(object: GoObject, name: string, value: GoValue): void {
  const index = object.folded.indexOf(foldKey(name));
  if (index >= 0) object.values[index] = value;
  else {
    object.keys.push(name);
    object.folded.push(foldKey(name));
    object.values.push(value);
  }
}

/** The object under a struct field, made (or put in place of a null) when there is none. */
export function objectField(object: GoObject, name: string): GoObject {
  const index = object.folded.indexOf(foldKey(name));
  const current = index >= 0 ? object.values[index] : undefined;
  if (current?.kind === 'object') return current;
  const made: GoObject = { kind: 'object', keys: [], folded: [], values: [] };
  setField(object, name, made);
  return made;
}

/** Sets a map entry (map keys are exact: no folding). */
export function setMapEntry(map: GoObject, key: string, value: GoValue): void {
  const index = map.keys.lastIndexOf(key);
  if (index >= 0) map.values[index] = value;
  else {
    map.keys.push(key);
    map.folded.push(foldKey(key));
    map.values.push(value);
  }
}
