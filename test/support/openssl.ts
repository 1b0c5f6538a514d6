import { execFileSync, spawnSync } from 'node:child_process';

/** Runs openssl; throws with its stderr when it fails. */
export function openssl(args: string[], input?: string): string {
  return execFileSync('openssl', args, { input, encoding: 'utf8', stdio: ['pipe', 'pipe', 'pipe'] });
}

/** Runs openssl and returns its exit status and combined output, for checks that expect failure. */
export function opensslResult(args: string[], input?: string): { status: number; output: string } {
  const result = spawnSync('openssl', args, { input, encoding: 'utf8' });
  return { status: result.status ?? -1, output: `${result.stdout}${result.stderr}` };
}

/** `openssl x509 -text` of a PEM certificate. */
export function x509Text(pem: string): string {
  return openssl(['x509', '-noout', '-text'], pem);
}

/** The text of one extension block of `openssl x509 -text` (the lines under its heading). */
export function extensionText(text: string, heading: string): string | undefined {
  const lines = text.split('\n');
  const index = lines.findIndex((line) => line.trim().startsWith(`${heading}:`) || line.trim().startsWith(`${heading}: critical`));
  if (index < 0) return undefined;
  const header = lines[index] as string;
  return `${header.trim()}\n${(lines[index + 1] ?? '').trim()}`;
}
