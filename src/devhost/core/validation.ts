/**
 * Subscription input validation as ServiceHooksService.ValidateSubscription does it:
 * unknown ids, empty values, masked values on create, required inputs (validation.isRequired only),
 * data type, pattern, length and possible values; each value fits the service's NVARCHAR(1024) column;
 * on update, a masked secret whose dependencyInputIds changed (ValidateUpdatedConfidentialInputs);
 * URL inputs must not resolve to private, loopback or link-local addresses (Azure DevOps Services).
 */
import { mustRetypeSecret, type ManifestInputDescriptor } from "../../contract/manifest";
import { findAction, findConsumer, inputDescriptorsOf, supportsEventType, type ConsumerModel } from "./consumers";
import { refusedAddressOf, type HostResolver } from "./addresses";
import { isLoopbackHttp } from "./loopback";
import { MASK } from "./masking";
import { ApiError, errorTypes } from "./errors";

export interface InputValidationOptions {
  /** The stored values when replacing; "********" keeps the stored confidential value. */
  stored?: Record<string, string>;
  /** The devhost's documented exception: http://127.0.0.1 / localhost URLs pass the https rule. */
  allowHttp: boolean;
}

/** Each input value is stored in an NVARCHAR(1024) column: longer ones are refused. */
export const MAX_INPUT_LENGTH = 1024;

/** The address rule for URL inputs and deliveries. */
export interface AddressRule {
  /** Accept private, loopback and link-local addresses (the stand-in's demo and tests); the cloud refuses them. */
  allowLocalDelivery: boolean;
  resolveHost: HostResolver;
}

function invalid(message: string): ApiError {
  return new ApiError(400, message, errorTypes.subscriptionInput);
}

export function resolveConsumer(consumerId: unknown, consumerActionId: unknown, eventType: unknown) {
  const consumer = typeof consumerId === "string" ? findConsumer(consumerId) : undefined;
  if (!consumer) {
    throw new ApiError(404, `No consumer with identifier '${String(consumerId)}' could be found.`, errorTypes.consumerNotFound);
  }
  const action = typeof consumerActionId === "string" ? findAction(consumer, consumerActionId) : undefined;
  if (!action) {
    throw new ApiError(404, "No actions are associated with the specified consumer identifier.", errorTypes.consumerNotFound);
  }
  if (typeof eventType !== "string" || !supportsEventType(action, eventType)) {
    throw invalid(`The consumer action '${action.id}' of consumer '${consumer.id}' does not support the event type '${String(eventType)}'.`);
  }
  return { consumer, action };
}

export function validateConsumerInputs(
  consumer: ConsumerModel,
  actionId: string,
  inputs: unknown,
  options: InputValidationOptions,
): Record<string, string> {
  const action = findAction(consumer, actionId)!;
  const descriptors = inputDescriptorsOf(consumer, action);
  const given = (inputs ?? {}) as Record<string, unknown>;
  const resolved: Record<string, string> = {};
  for (const [id, raw] of Object.entries(given)) {
    const descriptor = descriptors.find((d) => d.id === id);
    if (!descriptor) throw invalid(`The consumer input '${id}' is not a known input of consumer '${consumer.name}'.`);
    const value = raw === null || raw === undefined ? "" : String(raw);
    if (value === "") throw invalid(`The value of consumer input '${descriptor.name}' cannot be empty.`);
    // The service's own wording for this refusal is not in the reference.
    if (value.length > MAX_INPUT_LENGTH) throw invalid(`The value of consumer input '${descriptor.name}' is longer than ${MAX_INPUT_LENGTH} characters.`);
    resolved[id] = descriptor.isConfidential && value === MASK ? keepStored(descriptor, options) : value;
    checkValue(descriptor, resolved[id], options);
  }
  for (const descriptor of descriptors) {
    if (descriptor.validation?.isRequired && !(descriptor.id in resolved)) {
      throw invalid(`The required consumer input '${descriptor.name}' was not specified.`);
    }
  }
  if (options.stored) checkRetypedSecrets(descriptors, given, options.stored);
  return resolved;
}

/**
 * A secret sent masked keeps the stored one only while the inputs it depends on are unchanged (the raw
 * values as sent, compared with the stored ones). Otherwise Azure DevOps throws an ArgumentException
 * (400) with Error_ConfidentialInputValuesRequired, formatted with the secret's name
 * [DEC ServiceHooksService.ValidateUpdatedConfidentialInputs].
 */
function checkRetypedSecrets(descriptors: ManifestInputDescriptor[], given: Record<string, unknown>, stored: Record<string, string>): void {
  const sent = Object.fromEntries(Object.entries(given).map(([id, value]) => [id, value === null || value === undefined ? undefined : String(value)]));
  for (const descriptor of descriptors) {
    if (sent[descriptor.id] === MASK && mustRetypeSecret(descriptor, stored, sent)) {
      // The resource's wording is not in the reference nor in the decompiled code; its name and argument are.
      throw new ApiError(400, `The value of the confidential input '${descriptor.name}' must be provided again because an input it depends on changed.`, errorTypes.argument);
    }
  }
}

function keepStored(descriptor: ManifestInputDescriptor, options: InputValidationOptions): string {
  const stored = options.stored?.[descriptor.id];
  if (stored === undefined) {
    throw invalid(`The confidential consumer input '${descriptor.name}' must be provided: a masked value can only keep an existing secret.`);
  }
  return stored;
}

function checkValue(descriptor: ManifestInputDescriptor, value: string, options: InputValidationOptions): void {
  const validation = descriptor.validation ?? {};
  const name = descriptor.name;
  if (validation.maxLength !== undefined && value.length > validation.maxLength) {
    throw invalid(`The value of consumer input '${name}' is longer than ${validation.maxLength} characters.`);
  }
  if (validation.minLength !== undefined && value.length < validation.minLength) {
    throw invalid(`The value of consumer input '${name}' is shorter than ${validation.minLength} characters.`);
  }
  if (validation.dataType === "uri" && !isAbsoluteHttpUrl(value)) {
    throw invalid(`The value of consumer input '${name}' is not a valid absolute HTTP or HTTPS URI.`);
  }
  if (validation.pattern && !matchesPattern(validation.pattern, value, validation.dataType === "uri" && options.allowHttp)) {
    throw invalid(validation.patternMismatchErrorMessage ?? `The value of consumer input '${name}' does not match the pattern '${validation.pattern}'.`);
  }
  const values = descriptor.values;
  if (values?.isLimitedToPossibleValues && values.possibleValues && !values.possibleValues.some((p) => p.value === value)) {
    throw invalid(`'${value}' is not an allowed value of consumer input '${name}'.`);
  }
}

/** With allowHttp, a loopback http URL is checked as if it were https, so the rest of the pattern still applies. */
function matchesPattern(pattern: string, value: string, allowLoopbackHttp: boolean): boolean {
  const candidate = allowLoopbackHttp && isLoopbackHttp(value) ? value.replace(/^http:/i, "https:") : value;
  return new RegExp(pattern).test(candidate);
}

function isAbsoluteHttpUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return url.protocol === "https:" || url.protocol === "http:";
  } catch {
    return false;
  }
}

/** Refuses URL inputs (dataType uri) whose host resolves to an address Azure DevOps Services does not deliver to. */
export async function checkInputAddresses(consumer: ConsumerModel, actionId: string, inputs: Record<string, string>, rule: AddressRule): Promise<void> {
  if (rule.allowLocalDelivery) return;
  const action = findAction(consumer, actionId)!;
  for (const descriptor of inputDescriptorsOf(consumer, action)) {
    const value = inputs[descriptor.id];
    if (descriptor.validation?.dataType !== "uri" || value === undefined) continue;
    const address = await refusedAddressOf(value, rule.resolveHost);
    // The service's exact message is not in the reference; the status and exception type are.
    if (address) throw invalid(`The URL '${value}' of consumer input '${descriptor.name}' resolves to ${address}, a private, loopback or link-local address that Azure DevOps does not deliver to.`);
  }
}
