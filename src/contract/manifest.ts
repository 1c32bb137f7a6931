/**
 * Typed access to vss-extension.json, the single source of truth for ids, inputs and events.
 * Every part (hub, endpoint, devhost, tests) reads the manifest through this module.
 */
import manifestJson from "../../vss-extension.json";

export type ManifestInputMode = "none" | "textBox" | "passwordBox" | "combo" | "radioButtons" | "checkBox" | "textArea";

export interface ManifestInputDescriptor {
  id: string;
  name: string;
  description?: string;
  inputMode?: ManifestInputMode;
  isConfidential?: boolean;
  useInDefaultDescription?: boolean;
  validation?: {
    dataType?: "none" | "string" | "number" | "boolean" | "guid" | "uri";
    isRequired?: boolean;
    pattern?: string;
    patternMismatchErrorMessage?: string;
    minLength?: number;
    maxLength?: number;
  };
  values?: {
    defaultValue?: string;
    isLimitedToPossibleValues?: boolean;
    possibleValues?: { value: string; displayValue?: string }[];
  };
  dependencyInputIds?: string[];
}

export interface ManifestPublishEvent {
  url: string;
  headers?: string[];
  resourceDetailsToSend?: string;
  messagesToSend?: string;
  detailedMessagesToSend?: string;
}

export interface ManifestConsumerAction {
  id: string;
  name: string;
  description?: string;
  supportedEventTypes: string[];
  inputDescriptors?: ManifestInputDescriptor[];
  publishEvent: ManifestPublishEvent;
}

export interface ManifestConsumerProperties {
  id: string;
  name: string;
  description?: string;
  informationUrl?: string;
  imageUrl?: string;
  inputDescriptors: ManifestInputDescriptor[];
  actions: ManifestConsumerAction[];
}

export interface ManifestContribution<P = Record<string, unknown>> {
  id: string;
  type: string;
  targets: string[];
  properties: P;
}

export interface HubProperties {
  name: string;
  uri: string;
  order?: number;
}

export interface ExtensionManifest {
  manifestVersion: number;
  id: string;
  publisher: string;
  version: string;
  name: string;
  description: string;
  repository: { type: string; uri: string };
  categories: string[];
  scopes: string[];
  files: { path: string; addressable?: boolean }[];
  icons: { default: string };
  contributions: ManifestContribution[];
}

export const CONSUMER_CONTRIBUTION_TYPE = "ms.vss-servicehooks.consumer";
export const CONSUMERS_TARGET = "ms.vss-servicehooks.consumers";
export const HUB_CONTRIBUTION_TYPE = "ms.vss-web.hub";
export const PROJECT_ADMIN_HUB_GROUP = "ms.vss-web.project-admin-hub-group";

export const manifest = manifestJson as unknown as ExtensionManifest;

function contributionOfType<P>(type: string): ManifestContribution<P> {
  const found = manifest.contributions.filter((c) => c.type === type);
  if (found.length !== 1) {
    throw new Error(`vss-extension.json must declare exactly one ${type} contribution, found ${found.length}`);
  }
  return found[0] as ManifestContribution<P>;
}

export const consumerContribution = contributionOfType<ManifestConsumerProperties>(CONSUMER_CONTRIBUTION_TYPE);
export const hubContribution = contributionOfType<HubProperties>(HUB_CONTRIBUTION_TYPE);
export const consumer = consumerContribution.properties;

/** Azure DevOps names contributions `<publisher>.<extension>.<contribution>`. */
export function qualifiedContributionId(publisherId: string, extensionId: string, contributionId: string): string {
  return `${publisherId}.${extensionId}.${contributionId}`;
}

/**
 * The consumerId that subscriptions carry. In the hub, prefer {@link consumerIdFor} with the
 * runtime extension context: a dev or private build may be installed under another publisher or id.
 */
export const CONSUMER_ID = qualifiedContributionId(manifest.publisher, manifest.id, consumerContribution.id);
export const HUB_CONTRIBUTION_ID = qualifiedContributionId(manifest.publisher, manifest.id, hubContribution.id);

export function consumerIdFor(extension: { publisherId: string; extensionId: string }): string {
  return qualifiedContributionId(extension.publisherId, extension.extensionId, consumerContribution.id);
}

/** Inputs shared by every action (consumer scope) plus the given action's own. */
export function inputsOf(action: ManifestConsumerAction): ManifestInputDescriptor[] {
  return [...consumer.inputDescriptors, ...(action.inputDescriptors ?? [])];
}

export function actionFor(eventType: string): ManifestConsumerAction | undefined {
  return (
    consumer.actions.find((a) => a.supportedEventTypes.includes(eventType)) ??
    consumer.actions.find((a) => a.supportedEventTypes.includes("*"))
  );
}

export function consumerInput(id: string): ManifestInputDescriptor {
  const input = consumer.inputDescriptors.find((i) => i.id === id);
  if (!input) throw new Error(`vss-extension.json declares no consumer input "${id}"`);
  return input;
}

/**
 * Azure DevOps returns every confidential input as this mask; a PUT that sends it back keeps the
 * stored secret, and a create that sends it is refused (service-hooks-internals §1.5).
 */
export const MASKED_INPUT_VALUE = "********";

/**
 * Whether a confidential input must be typed again instead of sent masked: an input it lists in
 * `dependencyInputIds` (for our token, the URL) differs from the stored subscription. Azure DevOps
 * refuses such an update, so that a stored secret never follows a changed input unseen
 * (service-hooks-internals §1.5, ServiceHooksService.ValidateUpdatedConfidentialInputs).
 */
export function mustRetypeSecret(
  input: ManifestInputDescriptor,
  stored: Readonly<Record<string, string | undefined>>,
  updated: Readonly<Record<string, string | undefined>>,
): boolean {
  return Boolean(input.isConfidential) && (input.dependencyInputIds ?? []).some((id) => stored[id] !== updated[id]);
}

export const confidentialInputIds: readonly string[] = consumer.actions
  .flatMap(inputsOf)
  .filter((i) => i.isConfidential)
  .map((i) => i.id);

/** Every event type some action of ours supports. */
export const supportedEventTypes: readonly string[] = [
  ...new Set(consumer.actions.flatMap((a) => a.supportedEventTypes)),
];

/** The wizard's name for one of our inputs; other consumers' input ids are returned as they are. */
export function inputDisplayName(id: string): string {
  return consumer.actions.flatMap(inputsOf).find((i) => i.id === id)?.name ?? id;
}
