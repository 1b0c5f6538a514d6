import { GeneratorInputError } from '../errors.js';

/** One line of /etc/subuid or /etc/subgid: OWNER:START:COUNT (owner is a name or a numeric id). */
export interface SubidEntry {
  owner: string;
  start: number;
  count: number;
  /** 1-based line number in the file. */
  line: number;
}

const MAX_ID = 2 ** 32 - 1;

/** Reads the entries; comments and blank lines are skipped (and kept by the allocator, which only appends). */
export function parseSubidFile(text: string, where: string): SubidEntry[] {
  const entries: SubidEntry[] = [];
  text.split('\n').forEach((raw, index) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) return;
    const match = /^([^:\s]+):(\d{1,10}):(\d{1,10})$/.exec(line);
    const start = Number(match?.[2]);
    const count = Number(match?.[3]);
    if (!match || count < 1 || start + count - 1 > MAX_ID) {
      throw new GeneratorInputError(
        `failed to read ${where}: line ${index + 1} is not NAME:START:COUNT (found ${JSON.stringify(raw)})`,
        `fix or remove that line in ${where} (nothing was changed)`,
      );
    }
    entries.push({ owner: match[1] as string, start, count, line: index + 1 });
  });
  return entries;
}
