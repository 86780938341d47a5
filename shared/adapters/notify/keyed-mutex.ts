/** Runs tasks of the same key one after another (decisions of one alert group share one thread). */
export class KeyedMutex {
  private readonly tails = new Map<string, Promise<unknown>>();

  async run<T>(key: string, task: () => Promise<T>): Promise<T> {
    const previous = this.tails.get(key) ?? Promise.resolve();
    const current = previous.then(task, task);
    const tail = current.catch(() => undefined);
    this.tails.set(key, tail);
    try {
      return await current;
    } finally {
      if (this.tails.get(key) === tail) this.tails.delete(key);
    }
  }
}

/** Polls `read` until `done` says so or `timeoutMs` passes; the last value read either way. */
export const waitFor = async <T>(
  read: () => Promise<T>,
  done: (value: T) => boolean,
  options: { timeoutMs: number; everyMs: number; sleep: (ms: number) => Promise<void> },
): Promise<T> => {
  let value = await read();
  for (let waited = 0; !done(value) && waited < options.timeoutMs; waited += options.everyMs) {
    await options.sleep(options.everyMs);
    value = await read();
  }
  return value;
};
