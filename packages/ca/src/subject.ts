/** Distinguished-name fields, in the order cfssl writes them (C, ST, L, O, OU, CN). */
export interface SubjectFields {
  commonName: string;
  country?: string[];
  state?: string[];
  locality?: string[];
  organization?: string[];
  organizationalUnit?: string[];
}
