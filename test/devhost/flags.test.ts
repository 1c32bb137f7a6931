/** The stand-in's command line: strict, like the endpoint's. */
import { FlagError, parseFlags } from "../../src/devhost/host/flags";

test("defaults, flags and environment variables", () => {
  expect(parseFlags([], {})).toEqual({
    port: 3000,
    seed: true,
    subscriptions: 0,
    timeScale: 1,
    endpointPort: 0,
    allowHttp: false,
    blockLocalDelivery: false,
    queuedForRetry: false,
  });
  expect(parseFlags(["--user", "fabrikamfiber2@hotmail.com", "--block-local-delivery", "--queued-for-retry"], {})).toMatchObject({
    user: "fabrikamfiber2@hotmail.com",
    blockLocalDelivery: true,
    queuedForRetry: true,
  });
  const flags = parseFlags(["--port", "0", "--no-seed", "--time-scale=0.01", "--allow-http", "--ready-file", "r.json"], { DEVHOST_STATE_FILE: "s.json" });
  expect(flags).toMatchObject({ port: 0, seed: false, timeScale: 0.01, allowHttp: true, readyFile: "r.json", stateFile: "s.json" });
  expect(parseFlags(["--port", "4000"], { DEVHOST_PORT: "5000" }).port).toBe(4000);
});

test.each([
  [["--prot", "3000"], /Unknown option '--prot'/],
  [["extra"], /positional argument/],
  [["--port", "http"], /--port must be a port number/],
  [["--time-scale", "0"], /--time-scale must be a positive number/],
  [["--subscriptions", "1.5"], /--subscriptions must be a whole number/],
  [["--seed", "--no-seed"], /contradict/],
])("refuses %j", (argv, message) => {
  expect(() => parseFlags(argv, {})).toThrow(FlagError);
  expect(() => parseFlags(argv, {})).toThrow(message);
});
