import type { JsonName } from './x509.js';

/** Distinguished-name fields, in the order cfssl writes them (C, ST, L, O, OU, CN). */
export interface SubjectFields {
  commonName: string;
  country?: string[];
  state?: string[];
  locality?: string[];
  organization?: string[];
  organizationalUnit?: string[];
}

export function subjectName(fields: SubjectFields): JsonName {
  const name: JsonName = [];
  const add = (type: string, values: readonly string[] | undefined): void => {
    for (const value of values ?? []) name.push({ [type]: [value] });
  };
  add('C', fields.country);
  add('ST', fields.state);
  add('L', fields.locality);
  add('O', fields.organization);
  add('OU', fields.organizationalUnit);
  add('CN', [fields.commonName]);
  return name;
}
