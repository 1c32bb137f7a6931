/**
 * The consumers the stand-in knows: ours, built from the manifest exactly as the real service
 * reads the contribution, and the built-in Web Hooks consumer (so other consumers' subscriptions exist).
 */
import {
  CONSUMER_ID,
  consumer as manifestConsumer,
  type ManifestConsumerAction,
  type ManifestInputDescriptor,
} from "../../contract/manifest";

export interface ConsumerModel {
  id: string;
  /** The manifest's `properties.id`; the real actions endpoint reports it as the action's consumerId. */
  shortId: string;
  name: string;
  description: string;
  informationUrl?: string;
  imageUrl?: string;
  inputDescriptors: ManifestInputDescriptor[];
  actions: ManifestConsumerAction[];
  /** Only contributed consumers are delivered by this stand-in. */
  deliverable: boolean;
}

export const hookRelayConsumer: ConsumerModel = {
  id: CONSUMER_ID,
  shortId: manifestConsumer.id,
  name: manifestConsumer.name,
  description: manifestConsumer.description ?? "",
  informationUrl: manifestConsumer.informationUrl,
  imageUrl: manifestConsumer.imageUrl,
  inputDescriptors: manifestConsumer.inputDescriptors,
  actions: manifestConsumer.actions,
  deliverable: true,
};

const text = (id: string, name: string, extra: Partial<ManifestInputDescriptor> = {}): ManifestInputDescriptor => ({
  id,
  name,
  inputMode: "textBox",
  validation: { dataType: "string", isRequired: false },
  ...extra,
});

export const webHooksConsumer: ConsumerModel = {
  id: "webHooks",
  shortId: "webHooks",
  name: "Web Hooks",
  description: "Provides event communication via HTTP",
  informationUrl: "https://go.microsoft.com/fwlink/?LinkID=393617",
  inputDescriptors: [],
  actions: [
    {
      id: "httpRequest",
      name: "Post via HTTP",
      description: "To send a JSON representation of an object to a service, a URL must be provided.",
      supportedEventTypes: ["*"],
      inputDescriptors: [
        text("url", "URL", { validation: { dataType: "uri", isRequired: true } }),
        text("httpHeaders", "HTTP headers", { inputMode: "textArea" }),
        text("basicAuthUsername", "Basic authentication username"),
        text("basicAuthPassword", "Basic authentication password", { inputMode: "passwordBox", isConfidential: true }),
        text("resourceDetailsToSend", "Resource details to send"),
        text("messagesToSend", "Messages to send"),
        text("detailedMessagesToSend", "Detailed messages to send"),
      ],
      publishEvent: { url: "{{{url}}}" },
    },
  ],
  deliverable: false,
};

export const consumers: ConsumerModel[] = [hookRelayConsumer, webHooksConsumer];

export function findConsumer(id: string): ConsumerModel | undefined {
  return consumers.find((c) => c.id.toLowerCase() === id.toLowerCase());
}

/** Action ids are matched case-sensitively [DEC SubscriptionExtensions.Validate]. */
export function findAction(consumer: ConsumerModel, actionId: string): ManifestConsumerAction | undefined {
  return consumer.actions.find((a) => a.id === actionId);
}

export function inputDescriptorsOf(consumer: ConsumerModel, action: ManifestConsumerAction): ManifestInputDescriptor[] {
  return [...consumer.inputDescriptors, ...(action.inputDescriptors ?? [])];
}

export function confidentialIdsOf(consumerId: string): string[] {
  const found = findConsumer(consumerId);
  if (!found) return [];
  return found.actions
    .flatMap((a) => inputDescriptorsOf(found, a))
    .filter((i) => i.isConfidential)
    .map((i) => i.id);
}

export function supportsEventType(action: ManifestConsumerAction, eventType: string): boolean {
  return action.supportedEventTypes.includes(eventType) || action.supportedEventTypes.includes("*");
}
