// Helpers for bench/run: timing whole processes, statistics, and the results file.
import { spawnSync } from 'node:child_process';

/** Runs a shell command line once; returns wall milliseconds (throws if it fails). */
export function timeShell(command, options = {}) {
  const started = process.hrtime.bigint();
  const result = spawnSync('sh', ['-c', command], { encoding: 'utf8', cwd: options.cwd, env: { ...process.env, ...options.env }, maxBuffer: 256 * 1024 * 1024 });
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  if (result.status !== 0) throw new Error(`failed (${result.status}): ${command}\n${result.stderr.slice(0, 2000)}`);
  return ms;
}

/** Runs `make(i)` runs times (after `warmup` untimed runs); returns the timings' statistics. */
export function measure(runs, make, options = {}) {
  for (let i = 0; i < (options.warmup ?? 1); i++) timeShell(make(-1 - i), options);
  const times = [];
  for (let i = 0; i < runs; i++) times.push(timeShell(make(i), options));
  return stats(times);
}

/**
 * Times several commands side by side: run i of every command comes before run i+1 of any,
 * so a noisy neighbour slows them alike and their ratios stay fair. Returns one statistics
 * object per command, in the order given.
 */
export function measureSideBySide(runs, makers, options = {}) {
  for (const make of makers) for (let i = 0; i < (options.warmup ?? 1); i++) timeShell(make(-1 - i), options);
  const times = makers.map(() => []);
  for (let i = 0; i < runs; i++) {
    // Rotate who goes first, so none is always the one after a cold cache.
    for (let k = 0; k < makers.length; k++) {
      const which = (i + k) % makers.length;
      times[which].push(timeShell(makers[which](i), options));
    }
  }
  return times.map((series) => ({ ...stats(series), times: series }));
}

/**
 * The median of the per-round ratios a/b of two side-by-side series: each round's pair ran
 * within the same second, so the shared host's slow spells cancel out of each ratio.
 */
export function pairedRatio(a, b) {
  return stats(a.times.map((time, i) => time / b.times[i])).median;
}

export function stats(times) {
  const sorted = [...times].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  const median = sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
  return { median, min: sorted[0], max: sorted[sorted.length - 1], runs: sorted.length };
}

export const fmt = (ms) => (ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${ms.toFixed(1)} ms`);
export const ratio = (a, b) => a / b;

/** A horizontal bar chart (SVG) of dockauth's time as a ratio of each peer's, with 1.0 marked. */
export function ratioChart(rows) {
  const width = 820;
  const rowHeight = 26;
  const left = 430;
  const max = Math.max(2, ...rows.map((row) => row.ratio)) * 1.1;
  const x = (value) => left + ((width - left - 60) * Math.log10(1 + value * 9)) / Math.log10(1 + max * 9);
  const height = rows.length * rowHeight + 60;
  const bars = rows
    .map((row, index) => {
      const y = 30 + index * rowHeight;
      // No target: context (grey), not a verdict.
      const colour = row.target === undefined ? '#9e9e9e' : row.ratio <= row.target ? '#2e7d32' : '#c62828';
      return [
        `<text x="${left - 8}" y="${y + 16}" text-anchor="end" font-size="12">${escape(row.label)}</text>`,
        `<rect x="${left}" y="${y + 4}" width="${Math.max(1, x(row.ratio) - left)}" height="16" fill="${colour}"/>`,
        `<text x="${x(row.ratio) + 4}" y="${y + 16}" font-size="12">${row.ratio.toFixed(2)}×${row.target !== undefined ? ` (target ≤ ${row.target}×)` : ''}</text>`,
      ].join('');
    })
    .join('\n');
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" font-family="sans-serif">
<rect width="100%" height="100%" fill="white"/>
<text x="10" y="18" font-size="14" font-weight="bold">dockauth time ÷ peer time (lower is better; green meets its target, red misses it, grey has none; log scale)</text>
<line x1="${x(1)}" y1="26" x2="${x(1)}" y2="${height - 20}" stroke="#555" stroke-dasharray="4 3"/>
<text x="${x(1) + 3}" y="${height - 8}" font-size="11">1.0 = same as the peer</text>
${bars}
</svg>
`;
}

function escape(text) {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;');
}
