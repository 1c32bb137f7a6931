/**
 * The real service's back-off shapes (BackoffTimerHelper.GetExponentialBackoff), in real
 * milliseconds before time compression: min + (2^n − 1)·delta·jitter(0.8…1.2), capped.
 */
const SECOND = 1000;
const MINUTE = 60 * SECOND;

export const MAX_TRANSIENT_RETRIES = 8;
export const MAX_PROBATION_RETRIES = 7;

function exponential(n: number, min: number, max: number, delta: number, random: () => number): number {
  const jitter = 0.8 + 0.4 * random();
  return Math.min(max, min + (2 ** n - 1) * delta * jitter);
}

/** Delay before transient retry n (1…8): about 2, 4, 8, 16, 32, then 60 s. */
export function retryDelay(n: number, random: () => number = Math.random): number {
  return exponential(n, 1 * SECOND, 60 * SECOND, 1 * SECOND, random);
}

/** Probation window n (1…): about 20 min, 40 min, 80 min … capped at 15 h. */
export function probationWindow(n: number, random: () => number = Math.random): number {
  return exponential(n, 10 * MINUTE, 15 * 60 * MINUTE, 10 * MINUTE, random);
}
