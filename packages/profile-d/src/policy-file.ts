/** Settings a site gives a group or a user, as the policy file spells them. */
export interface PolicySectionInput {
  allow?: string[];
  deny?: string[];
  images?: { allow?: string[]; deny?: string[] };
  mounts?: string[];
  run_as?: 'self' | 'any';
  capabilities?: string[];
  devices?: string[];
  no_new_privileges?: boolean;
  host_network?: boolean;
  privileged_ports?: boolean;
  log_drivers?: string[];
}

export interface PolicyInput {
  groups?: Record<string, PolicySectionInput>;
  users?: Record<string, PolicySectionInput>;
}

/** YAML scalars as single-quoted strings: no value can change the file's structure. */
function quote(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
}

function renderSection(section: PolicySectionInput, indent: string): string[] {
  const lines: string[] = [];
  const list = (key: string, values: string[] | undefined, at = indent): void => {
    if (values === undefined) return;
    lines.push(values.length === 0 ? `${at}${key}: []` : `${at}${key}:`);
    for (const value of values) lines.push(`${at}  - ${quote(value)}`);
  };
  list('allow', section.allow);
  list('deny', section.deny);
  if (section.images) {
    lines.push(`${indent}images:`);
    list('allow', section.images.allow ?? [], `${indent}  `);
    list('deny', section.images.deny ?? [], `${indent}  `);
  }
  list('mounts', section.mounts);
  if (section.run_as) lines.push(`${indent}run_as: ${section.run_as}`);
  list('capabilities', section.capabilities);
  list('devices', section.devices);
  list('log_drivers', section.log_drivers);
  for (const key of ['no_new_privileges', 'host_network', 'privileged_ports'] as const) {
    if (section[key] !== undefined) lines.push(`${indent}${key}: ${section[key]}`);
  }
  return lines;
}

const NAME = /^[A-Za-z_][A-Za-z0-9_.-]{0,31}$/;

/**
 * The policy file: the bundled template (comments and base rules for sysadmins
 * to read), with the `groups:` and `users:` sections filled in from `input`.
 */
export function renderPolicy(template: string, input: PolicyInput = {}): string {
  const block = (key: 'groups' | 'users'): string => {
    const entries = Object.entries(input[key] ?? {});
    if (entries.length === 0) return `${key}: {}`;
    const lines = [`${key}:`];
    for (const [name, section] of entries) {
      if (!NAME.test(name)) throw new Error(`failed to write the policy: ${key} name ${JSON.stringify(name)} is not a valid name`);
      lines.push(`  ${name}:`, ...renderSection(section, '    '));
    }
    return lines.join('\n');
  };
  return template.replace(/^groups: \{\}$/m, block('groups')).replace(/^users: \{\}$/m, block('users'));
}
