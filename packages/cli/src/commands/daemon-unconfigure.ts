import { isDeepStrictEqual } from 'node:util';
import { resolve } from 'node:path';
import { InputError, expectObject, parseJsonDocument } from '@dockauth/ca';
import { AUTHZ_SERVICE, renderDaemonConfig, unmergeDaemonConfig } from '@dockauth/profile-d';
import { applyPlan } from '../apply/apply-plan.js';
import type { Change } from '../apply/plan.js';
import { renderPlan } from '../apply/render-plan.js';
import type { CommandResult } from '../cli.js';
import type { Context, GlobalOptions } from '../context.js';
import { findPreDockauthBackup } from '../offboarding/daemon-backup.js';
import { validateWithDockerd } from '../system/dockerd.js';
import { readRegularFile } from '../system/regular-file.js';

export interface DaemonUnconfigureOptions extends GlobalOptions {
  daemonJson: string;
  systemdDropin: string;
}

/** The first line of every drop-in `daemon configure` writes (profile-d's docker-dropin.ts). */
const DROPIN_HEADER = '# Written by dockauth daemon configure';

function readOptional(path: string): { content: Buffer; mode: number } | undefined {
  try {
    const { content, stats } = readRegularFile(path, 1024 * 1024);
    return { content, mode: stats.mode & 0o7777 };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new InputError(`failed to read ${path}: ${(error as Error).message}`);
  }
}

/** The change that puts daemon.json back: the backup byte for byte, the file removed, or dockauth's keys taken out. */
function daemonJsonChange(daemonJson: string): { change?: Change; how: string; removedKeys: string[]; backup: string | null } {
  const current = readOptional(daemonJson);
  if (!current) return { how: `${daemonJson} does not exist`, removedKeys: [], backup: null };
  const text = current.content.toString('utf8');
  const config = text.trim() === '' ? {} : expectObject(parseJsonDocument(text, daemonJson), daemonJson);
  const backup = findPreDockauthBackup(daemonJson);
  const { config: unmerged, removedKeys } = unmergeDaemonConfig(config, backup?.config ?? {});
  if (removedKeys.length === 0) return { how: `${daemonJson} has none of dockauth's settings`, removedKeys, backup: backup?.path ?? null };
  if (isDeepStrictEqual(unmerged, backup?.config ?? {})) {
    if (!backup) return { change: { kind: 'remove', path: daemonJson, expected: current.content }, how: `dockauth created ${daemonJson}: removed`, removedKeys, backup: null };
    return { change: { kind: 'file', path: daemonJson, content: backup.content.toString('utf8'), mode: backup.mode, backup: true }, how: `${daemonJson} restored from ${backup.path}`, removedKeys, backup: backup.path };
  }
  // Changed since dockauth configured it: exactly dockauth's keys go, the site's later edits stay.
  const content = renderDaemonConfig(unmerged);
  const verdict = validateWithDockerd(content);
  if (verdict !== undefined && verdict !== '') {
    throw new InputError(`failed to unconfigure dockerd: dockerd --validate rejects ${daemonJson} without dockauth's keys: ${verdict}`, { hint: `fix ${daemonJson} by hand (nothing was changed)` });
  }
  return { change: { kind: 'file', path: daemonJson, content, mode: current.mode, backup: true }, how: `${removedKeys.join(', ')} taken out of ${daemonJson} (it changed since dockauth configured it; the rest stays)`, removedKeys, backup: backup?.path ?? null };
}

/** Puts daemon.json and the docker.service drop-in back as they were before `daemon configure`. */
export async function daemonUnconfigureCommand(context: Context, options: DaemonUnconfigureOptions): Promise<CommandResult> {
  const daemonJson = resolve(options.daemonJson);
  const dropinPath = resolve(options.systemdDropin);
  const daemon = daemonJsonChange(daemonJson);
  const changes: Change[] = daemon.change ? [daemon.change] : [];
  const dropin = readOptional(dropinPath);
  let dropinLeft = false;
  if (dropin && dropin.content.toString('utf8').startsWith(DROPIN_HEADER)) changes.push({ kind: 'remove', path: dropinPath, expected: dropin.content });
  else if (dropin) {
    dropinLeft = true;
    context.out.warn(`${dropinPath} was not written by dockauth: left as it is`);
  }
  const plan = { changes };
  if (context.dryRun) {
    const preview = applyPlan(plan, { dryRun: true });
    for (const line of renderPlan(plan, preview)) context.out.say(line);
    return { changed: preview.changed, dryRun: true, daemonJson, keysRemoved: daemon.removedKeys, from: daemon.backup };
  }
  const result = applyPlan(plan, { dryRun: false, now: context.now() });
  const kept = result.outcomes.find((outcome) => outcome.path === daemonJson)?.backup ?? null;
  if (!result.changed) {
    context.out.say(`${daemon.how}; nothing changed.`);
  } else {
    context.out.say(`${daemon.how}${kept ? ` (dockauth's version kept as ${kept})` : ''}.`);
    if (changes.some((change) => change.path === dropinPath)) context.out.say(`Removed ${dropinPath}.`);
    context.out.say(`Next: systemctl daemon-reload && systemctl restart docker && systemctl disable --now ${AUTHZ_SERVICE}`);
  }
  return { changed: result.changed, daemonJson, keysRemoved: daemon.removedKeys, from: daemon.backup, kept, dropin: dropin && !dropinLeft ? dropinPath : null, restartNeeded: result.changed };
}
