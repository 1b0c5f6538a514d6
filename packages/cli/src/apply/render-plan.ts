import type { ApplyResult } from './apply-plan.js';
import type { Plan } from './plan.js';

const octal = (mode: number): string => `0${mode.toString(8)}`;

/** What a dry run shows: one line per change, and a diff for text files that would change. */
export function renderPlan(plan: Plan, result: ApplyResult): string[] {
  const lines: string[] = [];
  plan.changes.forEach((change, index) => {
    const outcome = result.outcomes[index];
    if (!outcome || outcome.action === 'unchanged') return;
    const owner = change.owner ? `, owner ${change.owner.name}` : '';
    if (change.kind === 'remove') {
      lines.push(`would remove ${change.path}${owner ? ` (${owner.slice(2)})` : ''}`);
      return;
    }
    lines.push(`would ${outcome.action} ${change.kind === 'directory' ? 'directory ' : ''}${change.path} (mode ${octal(change.mode)}${owner})`);
    if (change.kind === 'file' && !change.secret && outcome.action === 'update' && outcome.before !== undefined) {
      lines.push(...lineDiff(outcome.before, change.content).map((line) => `    ${line}`));
    }
  });
  if (lines.length === 0) lines.push('nothing to change');
  return lines;
}

/** A minimal line diff (longest common subsequence), enough for config files. */
export function lineDiff(before: string, after: string): string[] {
  const a = before.split('\n');
  const b = after.split('\n');
  if (a.length * b.length > 4_000_000) return [`- (${a.length} lines)`, `+ (${b.length} lines)`];
  const lcs: number[][] = Array.from({ length: a.length + 1 }, () => new Array<number>(b.length + 1).fill(0));
  for (let i = a.length - 1; i >= 0; i--) {
    for (let j = b.length - 1; j >= 0; j--) {
      lcs[i]![j] = a[i] === b[j] ? lcs[i + 1]![j + 1]! + 1 : Math.max(lcs[i + 1]![j]!, lcs[i]![j + 1]!);
    }
  }
  const out: string[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    if (i < a.length && j < b.length && a[i] === b[j]) {
      i++;
      j++;
    } else if (j < b.length && (i >= a.length || lcs[i]![j + 1]! >= lcs[i + 1]![j]!)) {
      out.push(`+ ${b[j++]}`);
    } else {
      out.push(`- ${a[i++]}`);
    }
  }
  return out;
}
