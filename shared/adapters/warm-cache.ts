/**
 * Values a warm Lambda container keeps for `ttlMs`. Concurrent misses of one key share one load, so an alert
 * storm on a cold container asks DynamoDB or SSM once, not once per alert. A failed load is not cached; a key
 * deleted while its load runs does not get the (possibly stale) result.
 */
export class WarmCache<V> {
  private readonly values = new Map<string, { value: V; until: number }>();
  private readonly loading = new Map<string, Promise<V>>();

  constructor(
    private readonly ttlMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  get(key: string, load: () => Promise<V>): Promise<V> {
    const hit = this.values.get(key);
    if (hit && hit.until > this.now()) return Promise.resolve(hit.value);
    const pending = this.loading.get(key);
    if (pending) return pending;
    const started = this.now();
    const promise: Promise<V> = load()
      .then((value) => {
        if (this.loading.get(key) === promise) this.values.set(key, { value, until: started + this.ttlMs });
        return value;
      })
      .finally(() => {
        if (this.loading.get(key) === promise) this.loading.delete(key);
      });
    this.loading.set(key, promise);
    return promise;
  }

  delete(key: string): void {
    this.values.delete(key);
    this.loading.delete(key);
  }

  clear(): void {
    this.values.clear();
    this.loading.clear();
  }
}
