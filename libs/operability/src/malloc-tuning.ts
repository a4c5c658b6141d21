/**
 * glibc's malloc settings the apps are measured with (docs/soak.md, "Memory"). glibc reads them
 * once, when the process starts: setting process.env at runtime changes nothing, so they belong
 * in whatever starts node (the npm scripts, the Dockerfile); at boot the auth server only warns
 * when they are missing.
 *
 * MALLOC_MMAP_THRESHOLD_ pins glibc's threshold at its default (128 KiB): large blocks (scrypt's
 * buffer per password hash) are then always mapped and unmapped, where glibc would otherwise raise
 * the threshold after the first large free and keep the next buffers in the libuv threads' arenas
 * once freed. (MALLOC_ARENA_MAX=2 was measured too and changed nothing: not required.)
 */
export const MALLOC_TUNING: Readonly<Record<string, string>> = { MALLOC_MMAP_THRESHOLD_: '131072' };

/** The same settings in GLIBC_TUNABLES' spelling, which glibc also accepts. */
const TUNABLES: Readonly<Record<string, string>> = { MALLOC_MMAP_THRESHOLD_: 'glibc.malloc.mmap_threshold' };

/**
 * The settings of MALLOC_TUNING that `env` leaves unset, on glibc only (`glibcRuntime` is
 * process.report's glibcVersionRuntime: undefined on musl, macOS or Windows, where they mean nothing).
 */
export function missingMallocTuning(env: NodeJS.ProcessEnv, glibcRuntime: string | undefined): string[] {
  if (!glibcRuntime) return [];
  const tunables = env.GLIBC_TUNABLES ?? '';
  return Object.keys(MALLOC_TUNING).filter((name) => !env[name] && !tunables.includes(`${TUNABLES[name]}=`));
}

/** The running glibc's version, or undefined when node does not run on glibc. */
export function glibcRuntimeVersion(): string | undefined {
  const report = process.report?.getReport() as { header?: { glibcVersionRuntime?: string } } | undefined;
  return report?.header?.glibcVersionRuntime;
}

/** The boot warning, or undefined when the process runs with the settings (or not on glibc). */
export function mallocTuningWarning(env: NodeJS.ProcessEnv, glibcRuntime: string | undefined): string | undefined {
  const missing = missingMallocTuning(env, glibcRuntime);
  if (missing.length === 0) return undefined;
  const settings = missing.map((name) => `${name}=${MALLOC_TUNING[name]}`).join(' ');
  return `started without ${settings} in its environment: glibc's malloc defaults let RSS drift well above live memory under password hashing; set them where node starts (npm start, start:auth and the Docker image do; see the README, operations)`;
}
