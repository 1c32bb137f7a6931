import { hostTokenProvider, TOKEN_REUSE_MS } from "../../src/hub/services/hostTokens";

function tokens() {
  let issued = 0;
  let clock = 0;
  const asked: number[] = [];
  const provider = hostTokenProvider(
    async () => {
      asked.push(clock);
      return `t${++issued}`;
    },
    () => clock,
  );
  return { provider, asked, advance: (ms: number) => (clock += ms) };
}

test("calls within a minute share one token from the host", async () => {
  const { provider, asked, advance } = tokens();
  const first = provider.getAuthorizationHeader();
  advance(TOKEN_REUSE_MS - 1);
  expect(await Promise.all([first, provider.getAuthorizationHeader()])).toEqual(["Bearer t1", "Bearer t1"]);
  expect(asked).toHaveLength(1);
  advance(2);
  expect(await provider.getAuthorizationHeader()).toBe("Bearer t2");
});

test("a forced refresh (the client's retry after a 401) always asks the host", async () => {
  const { provider, asked } = tokens();
  await provider.getAuthorizationHeader();
  expect(await provider.getAuthorizationHeader(true)).toBe("Bearer t2");
  expect(await provider.getAuthorizationHeader()).toBe("Bearer t2");
  expect(asked).toHaveLength(2);
});

test("a failed request for a token is not reused", async () => {
  let calls = 0;
  const provider = hostTokenProvider(async () => {
    if (++calls === 1) throw new Error("host busy");
    return "fresh";
  });
  await expect(provider.getAuthorizationHeader()).rejects.toThrow("host busy");
  expect(await provider.getAuthorizationHeader()).toBe("Bearer fresh");
});
