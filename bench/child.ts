// A measured child process reports on its last line of stderr: its own figures, its peak memory
// and the CPU time it used. On a shared machine CPU time is what other work disturbs least.
import { readFileSync } from 'node:fs';

/**
 * This process's own peak memory, KiB. Linux's getrusage (process.resourceUsage().maxRSS) carries
 * over to a spawned child the high-water mark of the process it was forked from, so a child of the
 * bench reported the bench's own memory (its Typst compiler growing run by run) as its peak; the
 * address space's own mark (VmHWM) starts anew at exec. Where there is no /proc, getrusage's.
 */
export function peakKiB(): number {
  try {
    const hwm = /VmHWM:\s*(\d+) kB/.exec(readFileSync('/proc/self/status', 'utf8'));
    if (hwm) return Number(hwm[1]);
  } catch {
    // No /proc: not Linux.
  }
  return process.resourceUsage().maxRSS;
}

/** The JavaScript a child ends with: `figures` is an object literal's entries, `NAME: value,`. */
export const reportLine = (figures = '') =>
  `{ const u = process.cpuUsage(); const { peakKiB } = await import(${JSON.stringify(import.meta.url)}); process.stderr.write(Object.entries({ ${figures} RSS: peakKiB(), CPU: (u.user + u.system) / 1000 }).map(([k, v]) => k + ' ' + v).join(' ') + '\\n'); }`;

/** The middle of several runs' figures. */
export const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** One figure of a child's report. */
export const figure = (stderr: string, name: string): number => Number(stderr.match(new RegExp(`\\b${name} ([\\d.]+)`))?.[1] ?? NaN);

/** CPU time of this process (every thread) since `from`, ms. */
export const cpuSince = (from: NodeJS.CpuUsage): number => {
  const u = process.cpuUsage(from);
  return (u.user + u.system) / 1000;
};
