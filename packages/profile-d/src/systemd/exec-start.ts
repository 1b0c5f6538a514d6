/**
 * systemd's ExecStart as it ends up after a unit and its drop-ins: each
 * "ExecStart=" line appends, an empty one clears (for a simple service, one remains).
 */
export function effectiveExecStart(unitTexts: readonly string[]): string | undefined {
  let current: string | undefined;
  for (const text of unitTexts) {
    let inService = false;
    for (const raw of text.split('\n')) {
      const line = raw.trim();
      if (line.startsWith('[')) inService = line === '[Service]';
      if (!inService) continue;
      const match = /^ExecStart\s*=\s*(.*)$/.exec(line);
      if (match) current = (match[1] as string).trim() === '' ? undefined : (match[1] as string).trim();
    }
  }
  return current;
}

/** Splits a command line as systemd does for simple cases: whitespace, single and double quotes. */
export function splitCommandLine(line: string): string[] {
  const words: string[] = [];
  const pattern = /"((?:[^"\\]|\\.)*)"|'([^']*)'|(\S+)/g;
  for (const match of line.matchAll(pattern)) words.push(match[0]);
  return words;
}

/** The command without any -H/--host flag; undefined when there was none to remove. */
export function withoutHostFlags(execStart: string): string | undefined {
  const words = splitCommandLine(execStart);
  const kept: string[] = [];
  let removed = false;
  for (let index = 0; index < words.length; index++) {
    const word = words[index] as string;
    if (word === '-H' || word === '--host') {
      removed = true;
      index++; // and its value
    } else if (/^(-H|--host=)/.test(word)) {
      removed = true;
    } else {
      kept.push(word);
    }
  }
  return removed ? kept.join(' ') : undefined;
}

/** The -H values the command passes ("fd://", "unix://..."). */
export function hostFlags(execStart: string): string[] {
  const words = splitCommandLine(execStart);
  const hosts: string[] = [];
  words.forEach((word, index) => {
    if ((word === '-H' || word === '--host') && words[index + 1]) hosts.push(words[index + 1] as string);
    else if (word.startsWith('--host=')) hosts.push(word.slice('--host='.length));
    else if (word.startsWith('-H') && word.length > 2) hosts.push(word.slice(2).replace(/^=/, ''));
  });
  return hosts;
}
