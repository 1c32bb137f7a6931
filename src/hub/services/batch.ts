/**
 * Runs one request per item with at most `concurrency` in flight, so a change to many subscriptions
 * neither floods Azure DevOps nor waits on each one in turn. Every item settles: a failure is kept
 * with its item (to show Azure DevOps's message and retry only the failed ones), never thrown.
 */
export interface BatchOutcome<T> {
  item: T;
  /** Set when the item's request failed. */
  error?: unknown;
}

export const DEFAULT_CONCURRENCY = 4;

export async function runBatch<T>(
  items: readonly T[],
  work: (item: T) => Promise<void>,
  options: { concurrency?: number; onSettled?: (outcome: BatchOutcome<T>) => void } = {},
): Promise<BatchOutcome<T>[]> {
  const outcomes: BatchOutcome<T>[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      const item = items[index];
      try {
        await work(item);
        outcomes[index] = { item };
      } catch (error) {
        outcomes[index] = { item, error };
      }
      options.onSettled?.(outcomes[index]);
    }
  };
  const workers = Math.max(1, Math.min(options.concurrency ?? DEFAULT_CONCURRENCY, items.length));
  await Promise.all(Array.from({ length: workers }, worker));
  return outcomes;
}
