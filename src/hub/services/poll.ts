/** Poll until a value is final, with a bounded number of attempts. */
export interface PollOptions {
  intervalMs: number;
  timeoutMs: number;
  /** Stops polling early, e.g. when the component unmounts. */
  signal?: { aborted: boolean };
}

export class PollTimeoutError extends Error {
  constructor(timeoutMs: number) {
    super(`No final result after ${Math.round(timeoutMs / 1000)} s.`);
    this.name = "PollTimeoutError";
  }
}

export async function pollUntil<T>(
  read: () => Promise<T>,
  isDone: (value: T) => boolean,
  options: PollOptions,
  onProgress?: (value: T) => void,
): Promise<T> {
  const deadline = Date.now() + options.timeoutMs;
  for (;;) {
    const value = await read();
    if (isDone(value) || options.signal?.aborted) return value;
    onProgress?.(value);
    if (Date.now() + options.intervalMs > deadline) throw new PollTimeoutError(options.timeoutMs);
    await new Promise((resolve) => setTimeout(resolve, options.intervalMs));
  }
}
