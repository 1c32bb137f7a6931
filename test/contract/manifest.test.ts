import { readFileSync } from "node:fs";
import { join } from "node:path";
import {
  CONSUMER_ID,
  MASKED_INPUT_VALUE,
  PROJECT_ADMIN_HUB_GROUP,
  consumer,
  consumerContribution,
  gitEventTypes,
  hubContribution,
  inputsOf,
  manifest,
  mustRetypeSecret,
  supportedEventTypes,
} from "../../src/contract";

const root = join(__dirname, "../..");
const rawManifest = JSON.parse(readFileSync(join(root, "vss-extension.json"), "utf8"));
const allInputs = consumer.actions.flatMap(inputsOf);

describe("vss-extension.json: the service-hooks consumer", () => {
  it("is one ms.vss-servicehooks.consumer contribution targeting ms.vss-servicehooks.consumers, with a stable properties.id", () => {
    expect(consumerContribution.targets).toEqual(["ms.vss-servicehooks.consumers"]);
    expect(consumer.id).toMatch(/^[A-Za-z][A-Za-z0-9]+$/);
    expect(consumer.name).toBe("Hook Relay");
    expect(consumer.description).toBeTruthy();
    expect(consumer.informationUrl).toMatch(/^https:\/\//);
    expect(CONSUMER_ID).toBe(`${rawManifest.publisher}.${rawManifest.id}.${consumerContribution.id}`);
  });

  it("gives every input a name and a description a user understands, and unique ids", () => {
    for (const input of allInputs) {
      expect(input.name.trim().length).toBeGreaterThan(2);
      expect((input.description ?? "").length).toBeGreaterThan(20);
    }
    const ids = allInputs.map((i) => i.id);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it("marks required inputs through validation.isRequired, never the ignored top-level isRequired", () => {
    const raw = rawManifest.contributions.find((c: { id: string }) => c.id === consumerContribution.id);
    for (const input of raw.properties.inputDescriptors) expect(input).not.toHaveProperty("isRequired");
    const required = allInputs.filter((i) => i.validation?.isRequired).map((i) => i.id);
    expect(required.sort()).toEqual(["token", "url"]);
  });

  it("takes the endpoint as a required https uri", () => {
    const url = allInputs.find((i) => i.id === "url")!;
    expect(url.validation).toMatchObject({ dataType: "uri", isRequired: true });
    const pattern = new RegExp(url.validation!.pattern!);
    expect(pattern.test("https://hooks.example.com/hooks/team-a")).toBe(true);
    expect(pattern.test("http://hooks.example.com/hooks")).toBe(false);
  });

  it("keeps the token confidential, in a password box, and out of the default description", () => {
    const token = allInputs.find((i) => i.id === "token")!;
    expect(token).toMatchObject({ inputMode: "passwordBox", isConfidential: true, validation: { isRequired: true } });
    expect(token.useInDefaultDescription).toBeFalsy();
    // Azure DevOps splits header entries on ':' and keeps only the second segment.
    const pattern = new RegExp(token.validation!.pattern!);
    expect(pattern.test("Kx3_9aZ-qP0rT7wLm2Yb")).toBe(true);
    expect(pattern.test("user:password-that-is-long")).toBe(false);
    expect(pattern.test("short")).toBe(false);
  });

  it("makes the token depend on the URL, so Azure DevOps asks for it again when the URL changes", () => {
    const token = allInputs.find((i) => i.id === "token")!;
    expect(token.dependencyInputIds).toEqual(["url"]);
    const stored = { url: "https://hooks.example.com/hooks", token: "Kx3_9aZ-qP0rT7wLm2Yb" };
    expect(mustRetypeSecret(token, stored, { ...stored, token: MASKED_INPUT_VALUE })).toBe(false);
    expect(mustRetypeSecret(token, stored, { ...stored, resourceDetailsToSend: "minimal" })).toBe(false);
    expect(mustRetypeSecret(token, stored, { ...stored, url: "https://elsewhere.example.net/hooks" })).toBe(true);
    expect(mustRetypeSecret(token, stored, { token: MASKED_INPUT_VALUE })).toBe(true);
    // Only a secret is guarded; nothing else lists dependencies among our inputs.
    expect(mustRetypeSecret(allInputs.find((i) => i.id === "url")!, stored, { ...stored, url: "https://x.example/" })).toBe(false);
    expect(allInputs.filter((i) => i.dependencyInputIds).map((i) => i.id)).toEqual(["token"]);
  });

  it("offers the detail-level choices with sensible defaults", () => {
    const choices = (id: string) => allInputs.find((i) => i.id === id)!.values!;
    expect(choices("resourceDetailsToSend").possibleValues!.map((v) => v.value)).toEqual(["all", "minimal", "none"]);
    for (const id of ["messagesToSend", "detailedMessagesToSend"]) {
      expect(choices(id).possibleValues!.map((v) => v.value)).toEqual(["all", "text", "html", "markdown", "none"]);
    }
    for (const id of ["resourceDetailsToSend", "messagesToSend", "detailedMessagesToSend"]) {
      expect(choices(id)).toMatchObject({ defaultValue: "all", isLimitedToPossibleValues: true });
    }
  });

  it("lists the five Git events across actions with unique ids and non-empty supportedEventTypes", () => {
    const ids = consumer.actions.map((a) => a.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const action of consumer.actions) expect(action.supportedEventTypes.length).toBeGreaterThan(0);
    expect([...supportedEventTypes].sort()).toEqual([...gitEventTypes].sort());
  });

  it("renders the URL from the url input and sends the token only as the Authorization bearer", () => {
    for (const { publishEvent } of consumer.actions) {
      expect(publishEvent.url).toBe("{{{url}}}");
      expect(publishEvent.headers).toEqual(["Authorization:Bearer {{{token}}}"]);
      const elsewhere = [publishEvent.url, publishEvent.resourceDetailsToSend, publishEvent.messagesToSend, publishEvent.detailedMessagesToSend];
      expect(elsewhere.join(" ")).not.toMatch(/token/);
      expect(publishEvent).toMatchObject({
        resourceDetailsToSend: "{{resourceDetailsToSend}}",
        messagesToSend: "{{messagesToSend}}",
        detailedMessagesToSend: "{{detailedMessagesToSend}}",
      });
    }
  });

  it("uses no fields Azure DevOps ignores for contributed consumers", () => {
    for (const action of consumer.actions) {
      expect(action.publishEvent).not.toHaveProperty("transforms");
      expect(action).not.toHaveProperty("authentication");
      expect(action).not.toHaveProperty("httpHeaders");
    }
  });
});

describe("vss-extension.json: the hub and the package", () => {
  it("contributes one hub to the project admin hub group, pointing at the built page", () => {
    expect(hubContribution.targets).toEqual([PROJECT_ADMIN_HUB_GROUP]);
    expect(hubContribution.properties).toMatchObject({ name: "Hook Relay", uri: "dist/hub/hub.html" });
    expect(manifest.files.some((f) => hubContribution.properties.uri.startsWith(`${f.path}/`) && f.addressable)).toBe(true);
  });

  it("declares the scope for managing Git service hooks, a Marketplace category, a version and a short description", () => {
    expect(manifest.scopes).toEqual(["vso.code"]);
    const allowed = ["Azure Repos", "Azure Boards", "Azure Pipelines", "Azure Test Plans", "Azure Artifacts"];
    expect(manifest.categories.length).toBeGreaterThan(0);
    for (const category of manifest.categories) expect(allowed).toContain(category);
    expect(manifest.version).toMatch(/^\d+\.\d+\.\d+$/);
    expect(manifest.description.length).toBeLessThanOrEqual(200);
  });

  it("has a 128×128 PNG icon and an overview", () => {
    const png = readFileSync(join(root, manifest.icons.default));
    expect(png.subarray(1, 4).toString("ascii")).toBe("PNG");
    expect([png.readUInt32BE(16), png.readUInt32BE(20)]).toEqual([128, 128]);
    expect(readFileSync(join(root, rawManifest.content.details.path), "utf8")).toMatch(/^# Hook Relay/);
  });
});
