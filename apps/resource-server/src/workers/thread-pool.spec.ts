import { describe, expect, it } from '@jest/globals';
import { DEFAULT_RESOURCE_THREADPOOL_SIZE, resourceThreadPoolEnv, threadPoolSize } from './thread-pool.js';

describe('the resource server thread pool size', () => {
  it('starts a process with one pool thread unless the operator set a size', () => {
    expect(DEFAULT_RESOURCE_THREADPOOL_SIZE).toBe(1);
    expect(resourceThreadPoolEnv({})).toEqual({ UV_THREADPOOL_SIZE: '1' });
    expect(resourceThreadPoolEnv({ UV_THREADPOOL_SIZE: '' })).toEqual({ UV_THREADPOOL_SIZE: '1' });
    expect(resourceThreadPoolEnv({ UV_THREADPOOL_SIZE: '8' })).toEqual({ UV_THREADPOOL_SIZE: '8' });
  });

  it('reads the size as libuv does: 4 when unset, atoi, 0, empty and junk as 1, clamped to 1024', () => {
    expect(threadPoolSize({})).toBe(4);
    expect(threadPoolSize({ UV_THREADPOOL_SIZE: '' })).toBe(1);
    expect(threadPoolSize({ UV_THREADPOOL_SIZE: '2' })).toBe(2);
    expect(threadPoolSize({ UV_THREADPOOL_SIZE: '3 threads' })).toBe(3);
    expect(threadPoolSize({ UV_THREADPOOL_SIZE: '0' })).toBe(1);
    expect(threadPoolSize({ UV_THREADPOOL_SIZE: 'many' })).toBe(1);
    expect(threadPoolSize({ UV_THREADPOOL_SIZE: '5000' })).toBe(1024);
    expect(threadPoolSize({ UV_THREADPOOL_SIZE: '-1' })).toBe(1024);
  });
});
