/**
 * Seeded randomness for fault tests: each run logs its seed, and FAULTS_SEED=<seed> replays the
 * same kill points.
 */
import { randomInt } from "node:crypto";

export interface SeededRandom {
  readonly seed: number;
  /** An integer in [min, max). */
  between(min: number, max: number): number;
}

export function seededRandom(testName: string): SeededRandom {
  const given = process.env.FAULTS_SEED;
  const seed = given === undefined ? randomInt(2 ** 31) : Number(given);
  if (!Number.isSafeInteger(seed)) throw new Error(`FAULTS_SEED must be an integer, got "${given}".`);
  console.log(`${testName}: seed ${seed} (replay with FAULTS_SEED=${seed})`);
  const next = mulberry32(seed);
  return { seed, between: (min, max) => min + Math.floor(next() * (max - min)) };
}

/** A small, well-known 32-bit generator (Tommy Ettinger's Mulberry32). */
function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
