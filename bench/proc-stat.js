// One process's name and CPU time from Linux's /proc/<pid>/stat: bench/lib.js sums PostgreSQL's
// processes with it, bench/server-child.js a worker pool's. Throws where there is no /proc or the
// process has gone; callers skip it then.
import { readFileSync } from 'node:fs';

/** `name` (the comm field) and `cpuMicros` (utime + stime in µs, USER_HZ 100) of process `pid`. */
export function procStat(pid) {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const close = stat.lastIndexOf(')');
  const fields = stat.slice(close + 2).split(' ');
  return { name: stat.slice(stat.indexOf('(') + 1, close), cpuMicros: (Number(fields[11]) + Number(fields[12])) * 10_000 };
}
