import { describe, expect, it } from 'vitest';
import { WarmCache } from '#adapters/warm-cache.js';

/** A load the test resolves by hand, counting how often it was started. */
const manualLoad = () => {
  let calls = 0;
  const resolvers: Array<(v: string) => void> = [];
  const load = () => {
    calls++;
    return new Promise<string>((resolve) => resolvers.push(resolve));
  };
  return { load, calls: () => calls, resolve: (i: number, v: string) => resolvers[i]?.(v) };
};

describe('WarmCache', () => {
  it('shares one load between concurrent misses of a key, then serves the value until it expires', async () => {
    let now = 0;
    const cache = new WarmCache<string>(1000, () => now);
    const l = manualLoad();
    const a = cache.get('k', l.load);
    const b = cache.get('k', l.load);
    expect(l.calls()).toBe(1);
    l.resolve(0, 'v1');
    expect(await a).toBe('v1');
    expect(await b).toBe('v1');
    now = 999;
    expect(await cache.get('k', l.load)).toBe('v1');
    expect(l.calls()).toBe(1);
    now = 1000;
    const c = cache.get('k', l.load);
    expect(l.calls()).toBe(2);
    l.resolve(1, 'v2');
    expect(await c).toBe('v2');
  });

  it('does not cache a failed load: the next get tries again', async () => {
    const cache = new WarmCache<string>(1000, () => 0);
    await expect(cache.get('k', () => Promise.reject(new Error('throttled')))).rejects.toThrow('throttled');
    expect(await cache.get('k', () => Promise.resolve('ok'))).toBe('ok');
  });

  it('does not keep the result of a load that was running when the key was deleted (a write invalidated it)', async () => {
    const cache = new WarmCache<string>(1000, () => 0);
    const l = manualLoad();
    const stale = cache.get('k', l.load);
    cache.delete('k');
    const fresh = cache.get('k', l.load);
    expect(l.calls()).toBe(2);
    l.resolve(0, 'before the write');
    l.resolve(1, 'after the write');
    expect(await stale).toBe('before the write');
    expect(await fresh).toBe('after the write');
    expect(await cache.get('k', l.load)).toBe('after the write');
    expect(l.calls()).toBe(2);
  });
});
