/** The address rule of Azure DevOps Services and the scope rule of extension tokens. */
import { isRefusedAddress, refusedAddressOf } from "../../src/devhost/core/addresses";
import { scopesCover } from "../../src/devhost/core/permissions";

test.each([
  ["127.0.0.1", true],
  ["10.255.0.1", true],
  ["172.16.0.1", true],
  ["172.31.255.255", true],
  ["172.32.0.1", false],
  ["192.168.0.10", true],
  ["100.64.1.1", true],
  ["169.254.169.254", true],
  ["168.63.129.16", true],
  ["0.0.0.0", true],
  ["::1", true],
  ["fe80::1", true],
  ["fd12:3456::1", true],
  ["::ffff:10.0.0.1", true],
  ["::ffff:93.184.216.34", false],
  ["93.184.216.34", false],
  ["2606:2800:220:1::1", false],
])("%s refused: %s", (address, refused) => {
  expect(isRefusedAddress(address)).toBe(refused);
});

test("a URL is refused when any address its host resolves to is", async () => {
  const resolve = async (host: string) => (host === "mixed.example.com" ? ["93.184.216.34", "10.0.0.2"] : ["93.184.216.34"]);
  expect(await refusedAddressOf("https://mixed.example.com/hooks", resolve)).toBe("10.0.0.2");
  expect(await refusedAddressOf("https://hooks.example.com/hooks", resolve)).toBeUndefined();
  expect(await refusedAddressOf("https://[::1]:8443/hooks", resolve)).toBe("::1");
});

test("vso.code reaches git, tfvc and code events only; vso.hooks reaches every event", () => {
  for (const eventType of ["git.push", "git.pullrequest.merged", "ms.vss-code.git-pullrequest-comment-event", "tfvc.checkin"]) {
    expect(scopesCover(["vso.code"], eventType)).toBe(true);
  }
  for (const eventType of ["build.complete", "workitem.updated", "ms.vss-pipelines.run-state-changed-event"]) {
    expect(scopesCover(["vso.code"], eventType)).toBe(false);
    expect(scopesCover(["vso.hooks"], eventType)).toBe(true);
  }
  expect(scopesCover(["vso.code_write"], "git.push")).toBe(true);
  expect(scopesCover(["vso.codesearch"], "git.push")).toBe(false);
  expect(scopesCover(["vso.work"], "workitem.updated")).toBe(true);
});
