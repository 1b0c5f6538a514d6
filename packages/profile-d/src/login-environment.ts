import { DOCKER_CONTEXT_NAME, dockerContextId } from './docker-context.js';

export interface LoginEnvironment {
  /** tcp://HOST:2376, already validated (see parseDockerHost): it is written inside single quotes. */
  dockerHost: string;
  /** Select the dockauth docker context instead of setting DOCKER_HOST and friends. */
  useContext?: boolean;
}

const HEADER = [
  'dockauth: point the docker CLI at this host\'s TLS daemon, as the user who logs in.',
  'Written by `dockauth profile-d`; edits are lost when it runs again.',
  'Acts only for users whose ~/.docker holds ca.pem, cert.pem and key.pem (from `dockauth user add`),',
  'leaves a DOCKER_HOST (or DOCKER_CONTEXT) that is already set alone, never prints and never exits.',
];

function quoteSingle(value: string): string {
  if (value.includes("'")) throw new Error(`failed to quote ${JSON.stringify(value)}: it holds a single quote`);
  return `'${value}'`;
}

/**
 * POSIX sh (bash, dash, ksh, and zsh in sh emulation): builtins only (`[` and
 * `export`), safe under `set -eu`.
 */
export function renderShProfile(input: LoginEnvironment): string {
  const lines = HEADER.map((line) => `# ${line}`);
  if (input.useContext) {
    const meta = `$HOME/.docker/contexts/meta/${dockerContextId()}/meta.json`;
    lines.push(
      'if [ -z "${DOCKER_HOST:-}" ] && [ -z "${DOCKER_CONTEXT:-}" ] && [ -n "${HOME:-}" ] && [ -r "' + meta + '" ]; then',
      `  DOCKER_CONTEXT=${quoteSingle(DOCKER_CONTEXT_NAME)}`,
      '  export DOCKER_CONTEXT',
      'fi',
      '',
    );
    return lines.join('\n');
  }
  lines.push(
    'if [ -z "${DOCKER_HOST:-}" ] && [ -n "${HOME:-}" ] && [ -r "$HOME/.docker/ca.pem" ] && [ -r "$HOME/.docker/cert.pem" ] && [ -r "$HOME/.docker/key.pem" ]; then',
    `  DOCKER_HOST=${quoteSingle(input.dockerHost)}`,
    '  DOCKER_TLS_VERIFY=1',
    '  DOCKER_CERT_PATH="$HOME/.docker"',
    '  export DOCKER_HOST DOCKER_TLS_VERIFY DOCKER_CERT_PATH',
    'fi',
    '',
  );
  return lines.join('\n');
}

/** csh and tcsh: builtins only; nested ifs because csh evaluates every operand of && . */
export function renderCshProfile(input: LoginEnvironment): string {
  const lines = HEADER.map((line) => `# ${line}`);
  if (input.useContext) {
    const meta = `$HOME/.docker/contexts/meta/${dockerContextId()}/meta.json`;
    lines.push(
      'if ( ! $?DOCKER_HOST && ! $?DOCKER_CONTEXT && $?HOME ) then',
      `    if ( -r "${meta}" ) then`,
      `        setenv DOCKER_CONTEXT ${quoteSingle(DOCKER_CONTEXT_NAME)}`,
      '    endif',
      'endif',
      '',
    );
    return lines.join('\n');
  }
  lines.push(
    'if ( ! $?DOCKER_HOST && $?HOME ) then',
    '    if ( -r "$HOME/.docker/ca.pem" && -r "$HOME/.docker/cert.pem" && -r "$HOME/.docker/key.pem" ) then',
    `        setenv DOCKER_HOST ${quoteSingle(input.dockerHost)}`,
    '        setenv DOCKER_TLS_VERIFY 1',
    '        setenv DOCKER_CERT_PATH "$HOME/.docker"',
    '    endif',
    'endif',
    '',
  );
  return lines.join('\n');
}
