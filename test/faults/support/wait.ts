/** Waiting on a condition rather than for a fixed time. */

/** Polls `probe` until it holds; throws after `withinMs` naming what was awaited. */
export async function until(what: string, probe: () => boolean | Promise<boolean>, withinMs = 20_000): Promise<void> {
  const deadline = Date.now() + withinMs;
  while (!(await probe())) {
    if (Date.now() > deadline) throw new Error(`Timed out after ${withinMs} ms waiting until ${what}.`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
