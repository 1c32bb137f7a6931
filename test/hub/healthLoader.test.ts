import type { DeliveryHealth, RowHealth } from "../../src/hub/model/notifications";
import { HealthLoader } from "../../src/hub/services/healthLoader";

const healthy: DeliveryHealth = { delivered: 1, failed: 0, kept: 1, successRate: 1 };

function loaderWith(load: (ids: string[]) => Promise<Map<string, DeliveryHealth>>, batchSize = 3) {
  const batches: string[][] = [];
  const delivered: Map<string, RowHealth>[] = [];
  let settle: () => void = () => undefined;
  const settled = new Promise<void>((resolve) => (settle = resolve));
  const loader = new HealthLoader(
    (ids) => {
      batches.push(ids);
      return load(ids);
    },
    (health) => {
      delivered.push(health);
      settle();
    },
    batchSize,
    10,
  );
  return { loader, batches, delivered, settled };
}

beforeEach(() => jest.useFakeTimers());
afterEach(() => jest.useRealTimers());

const answer = async (ids: string[]) => new Map(ids.map((id) => [id, healthy]));

test("ids asked for within the window go out together, in batches of the batch size, each id once", async () => {
  const { loader, batches, settled } = loaderWith(answer);
  loader.request(["A", "b"]);
  loader.request(["a", "c", "d"]);
  loader.request(["e", "b"]);
  await jest.advanceTimersByTimeAsync(9);
  expect(batches).toEqual([]);
  await jest.advanceTimersByTimeAsync(1);
  await settled;
  expect(batches).toEqual([
    ["a", "b", "c"],
    ["d", "e"],
  ]);
  loader.request(["c"]);
  loader.reload("D");
  await jest.advanceTimersByTimeAsync(10);
  expect(batches.at(-1)).toEqual(["d"]);
});

test("a failed batch marks its rows unavailable, in words", async () => {
  const { loader, delivered, settled } = loaderWith(() => Promise.reject(Object.assign(new Error("denied"), { status: 403 })));
  loader.request(["a", "b"]);
  await jest.advanceTimersByTimeAsync(10);
  await settled;
  expect([...delivered[0]]).toEqual([
    ["a", { unavailable: 'You need the "View subscriptions" permission' }],
    ["b", { unavailable: 'You need the "View subscriptions" permission' }],
  ]);
});

test("answers arriving after close are dropped", async () => {
  let release: (health: Map<string, DeliveryHealth>) => void = () => undefined;
  const { loader, batches, delivered } = loaderWith(() => new Promise((resolve) => (release = resolve)));
  loader.request(["a"]);
  await jest.advanceTimersByTimeAsync(10);
  expect(batches).toEqual([["a"]]);
  loader.close();
  release(new Map([["a", healthy]]));
  await jest.advanceTimersByTimeAsync(10);
  expect(delivered).toEqual([]);
});
