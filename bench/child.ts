// A measured child process reports on its last line of stderr: its own figures, its peak memory
// and the CPU time it used. On a shared machine CPU time is what other work disturbs least.

/** The JavaScript a child ends with: `figures` is an object literal's entries, `NAME: value,`. */
export const reportLine = (figures = '') =>
  `{ const u = process.cpuUsage(); process.stderr.write(Object.entries({ ${figures} RSS: process.resourceUsage().maxRSS, CPU: (u.user + u.system) / 1000 }).map(([k, v]) => k + ' ' + v).join(' ') + '\\n'); }`;

/** One figure of a child's report. */
export const figure = (stderr: string, name: string): number => Number(stderr.match(new RegExp(`\\b${name} ([\\d.]+)`))?.[1] ?? NaN);

/** CPU time of this process (every thread) since `from`, ms. */
export const cpuSince = (from: NodeJS.CpuUsage): number => {
  const u = process.cpuUsage(from);
  return (u.user + u.system) / 1000;
};
