import { waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import type { Consumer } from "azure-devops-extension-api/ServiceHooks";
import { CONSUMER_ID, consumer as manifestConsumer, consumerIdFor, manifest } from "../../src/contract";
import { ownConsumerId } from "../../src/hub/services/consumerId";
import { configureHost } from "./fakeSdk";
import { callsTo, startDevhost, type Devhost } from "./support/devhost";
import { dataRows, openNewSubscription, renderHub } from "./support/renderHub";

let devhost: Devhost;
beforeEach(() => {
  devhost = startDevhost();
});
afterEach(() => devhost.close());

const queriedConsumerId = () => JSON.parse(callsTo(devhost, "POST", /SubscriptionsQuery$/i)[0].body ?? "{}").consumerId;

test("the computed consumer id is confirmed against the consumers Azure DevOps lists", async () => {
  await renderHub();
  expect(callsTo(devhost, "GET", /_apis\/hooks\/consumers$/i)).toHaveLength(1);
  expect(queriedConsumerId()).toBe(CONSUMER_ID);
  expect(dataRows()).toHaveLength(7);
});

test("when the service names the consumer differently, the page uses the service's id for listing and creating", async () => {
  // Installed under another publisher and id: the computed id is not one Azure DevOps knows.
  configureHost({ extension: { publisherId: "fabrikam-dev", extensionId: "hook-relay-dev", version: manifest.version } });
  const computed = consumerIdFor({ publisherId: "fabrikam-dev", extensionId: "hook-relay-dev" });
  expect(computed).not.toBe(CONSUMER_ID);
  const user = userEvent.setup();
  await renderHub();
  expect(queriedConsumerId()).toBe(CONSUMER_ID);
  expect(dataRows()).toHaveLength(7);

  const dialog = await openNewSubscription(user);
  await user.type(within(dialog).getByLabelText("Endpoint URL (required)"), "https://hooks.example.com/hooks/dev");
  await user.type(within(dialog).getByLabelText("Token (required)"), "a-long-enough-token-123");
  await user.click(within(dialog).getByRole("button", { name: "Create" }));
  await waitFor(() => expect(dataRows()).toHaveLength(8));
  expect(JSON.parse(callsTo(devhost, "POST", /_apis\/hooks\/Subscriptions$/i)[0].body ?? "{}").consumerId).toBe(CONSUMER_ID);
});

test("without the consumers list the page keeps the computed id", async () => {
  devhost.failWith((call) => /_apis\/hooks\/consumers$/i.test(new URL(call.url).pathname), 500, "The service is unavailable.");
  await renderHub();
  expect(queriedConsumerId()).toBe(CONSUMER_ID);
  expect(dataRows()).toHaveLength(7);
});

describe("ownConsumerId", () => {
  const shaped = (id: string, overrides: Partial<Consumer> = {}): Consumer =>
    ({
      id,
      inputDescriptors: manifestConsumer.inputDescriptors.map(({ id: inputId }) => ({ id: inputId })),
      actions: manifestConsumer.actions.map((a) => ({ id: a.id, consumerId: manifestConsumer.id, inputDescriptors: (a.inputDescriptors ?? []).map(({ id: inputId }) => ({ id: inputId })) })),
      ...overrides,
    }) as unknown as Consumer;
  const webHooks = shaped("webHooks", { inputDescriptors: [], actions: [{ id: "httpRequest", inputDescriptors: [{ id: "url" }] }] as Consumer["actions"] });

  test("the expected id, as the service spells it, when it is listed", () => {
    expect(ownConsumerId([webHooks, shaped("Publisher.Hook-Relay.consumer")], "publisher.hook-relay.consumer")).toBe("Publisher.Hook-Relay.consumer");
  });

  test("otherwise the one consumer whose actions and inputs are the manifest's", () => {
    expect(ownConsumerId([webHooks, shaped("hookrelay-consumer")], "publisher.hook-relay.consumer")).toBe("hookrelay-consumer");
  });

  test("the expected id when no consumer, or more than one, has the manifest's shape", () => {
    expect(ownConsumerId([webHooks], "expected")).toBe("expected");
    expect(ownConsumerId([shaped("one"), shaped("two")], "expected")).toBe("expected");
    const otherInputs = shaped("lookalike", { inputDescriptors: [{ id: "url" }] as Consumer["inputDescriptors"] });
    expect(ownConsumerId([otherInputs], "expected")).toBe("expected");
  });
});
