import { existsSync } from 'node:fs';
import { describe, expect, it } from '@jest/globals';
import { glibcRuntimeVersion, mallocTuningWarning, missingMallocTuning } from './malloc-tuning.js';

describe('malloc tuning at boot', () => {
  it('names what is missing on glibc', () => {
    expect(missingMallocTuning({}, '2.36')).toEqual(['MALLOC_MMAP_THRESHOLD_']);
    expect(missingMallocTuning({ MALLOC_ARENA_MAX: '2' }, '2.36')).toEqual(['MALLOC_MMAP_THRESHOLD_']);
    expect(missingMallocTuning({ MALLOC_MMAP_THRESHOLD_: '131072' }, '2.36')).toEqual([]);
  });

  it("accepts GLIBC_TUNABLES' spelling", () => {
    expect(missingMallocTuning({ GLIBC_TUNABLES: 'glibc.malloc.arena_max=2:glibc.malloc.mmap_threshold=131072' }, '2.36')).toEqual([]);
    expect(missingMallocTuning({ GLIBC_TUNABLES: 'glibc.malloc.arena_max=2' }, '2.36')).toEqual(['MALLOC_MMAP_THRESHOLD_']);
  });

  it('says nothing off glibc, where the settings mean nothing', () => {
    expect(missingMallocTuning({}, undefined)).toEqual([]);
    expect(mallocTuningWarning({}, undefined)).toBeUndefined();
  });

  it('warns with the settings to add', () => {
    expect(mallocTuningWarning({}, '2.36')).toMatch(/^started without MALLOC_MMAP_THRESHOLD_=131072 in its environment/);
    expect(mallocTuningWarning({ MALLOC_MMAP_THRESHOLD_: '131072' }, '2.36')).toBeUndefined();
  });

  // Debian (this machine, CI and the node:*-bookworm image) runs on glibc; Alpine would not.
  (existsSync('/etc/debian_version') ? it : it.skip)('reads the running glibc from the process report', () => {
    expect(glibcRuntimeVersion()).toMatch(/^2\.\d+$/);
  });
});
