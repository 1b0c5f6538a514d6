/** /etc/os-release's identity fields. */
export interface OsRelease {
  id: string;
  idLike: string[];
}

export function parseOsRelease(text: string): OsRelease {
  const fields = new Map<string, string>();
  for (const line of text.split('\n')) {
    const match = /^([A-Z_]+)=(?:"([^"]*)"|'([^']*)'|(.*))$/.exec(line.trim());
    if (match) fields.set(match[1] as string, (match[2] ?? match[3] ?? match[4] ?? '').trim());
  }
  return { id: fields.get('ID') ?? 'linux', idLike: (fields.get('ID_LIKE') ?? '').split(/\s+/).filter(Boolean) };
}

export interface ProfileLocations {
  /** Read by bash, dash and ksh login shells through /etc/profile. */
  sh: string;
  /** Read by csh/tcsh login shells. */
  csh: string;
  /** What zsh users need, when the distribution's zsh reads no profile.d. */
  zshNote: string | undefined;
}

/**
 * Where each shell really reads its login snippets. Debian and Ubuntu: tcsh
 * sources /etc/csh/login.d/*, and zsh reads no profile.d at all. Red Hat, SUSE and
 * others: /etc/profile.d/*.csh, and their /etc/zprofile sources /etc/profile.
 */
export function profileLocations(os: OsRelease, outDir?: string): ProfileLocations {
  const debian = os.id === 'debian' || os.id === 'ubuntu' || os.idLike.includes('debian');
  if (outDir !== undefined) {
    return { sh: `${outDir}/dockauth.sh`, csh: `${outDir}/dockauth.csh`, zshNote: undefined };
  }
  return {
    sh: '/etc/profile.d/dockauth.sh',
    csh: debian ? '/etc/csh/login.d/dockauth.csh' : '/etc/profile.d/dockauth.csh',
    zshNote: debian
      ? "Debian's zsh reads no /etc/profile.d: zsh users need this line in /etc/zsh/zprofile:\n    emulate sh -c '. /etc/profile.d/dockauth.sh'"
      : undefined,
  };
}
