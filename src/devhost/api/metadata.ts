/** Consumers, consumer actions, publishers and event types (_apis/hooks/Consumers, Publishers). */
import type { ManifestConsumerAction, ManifestInputDescriptor } from "../../contract/manifest";
import { eventCatalogue, gitEventTypes, PUBLISHER_ID, type EventFilter } from "../../contract/events";
import { consumers, findAction, findConsumer, type ConsumerModel } from "../core/consumers";
import type { RouteContext, RouteHandler } from "./context";
import { AuthenticationType, InputDataType, InputMode } from "../core/contracts";
import { ApiError, errorTypes } from "../core/errors";
import { enumText, listBody, parseEnum, type WireOptions } from "./wire";

function presentInput(input: ManifestInputDescriptor, wire: WireOptions) {
  return {
    ...input,
    inputMode: enumText(parseEnum(input.inputMode, InputMode) ?? InputMode.None, InputMode, wire),
    validation: input.validation && {
      ...input.validation,
      dataType: enumText(parseEnum(input.validation.dataType, InputDataType) ?? InputDataType.None, InputDataType, wire),
    },
  };
}

function presentAction(consumer: ConsumerModel, action: ManifestConsumerAction, context: RouteContext) {
  return {
    // The real service reports the manifest's short id here, not the fully-qualified one.
    consumerId: consumer.shortId,
    id: action.id,
    name: action.name,
    description: action.description,
    supportedEventTypes: action.supportedEventTypes,
    supportedResourceVersions: {},
    allowResourceVersionOverride: false,
    inputDescriptors: (action.inputDescriptors ?? []).map((i) => presentInput(i, context.wire)),
    url: `${context.location.collectionUrl}_apis/hooks/Consumers/${consumer.id}/Actions/${action.id}`,
  };
}

function presentConsumer(consumer: ConsumerModel, context: RouteContext) {
  return {
    id: consumer.id,
    name: consumer.name,
    description: consumer.description,
    informationUrl: consumer.informationUrl,
    imageUrl: consumer.imageUrl,
    authenticationType: enumText(AuthenticationType.External, AuthenticationType, context.wire),
    inputDescriptors: consumer.inputDescriptors.map((i) => presentInput(i, context.wire)),
    actions: consumer.actions.map((a) => presentAction(consumer, a, context)),
    url: `${context.location.collectionUrl}_apis/hooks/Consumers/${consumer.id}`,
  };
}

function consumerOrThrow(id: string): ConsumerModel {
  const found = findConsumer(id);
  if (!found) throw new ApiError(404, `No consumer with identifier '${id}' could be found.`, errorTypes.consumerNotFound);
  return found;
}

export const listConsumers: RouteHandler = (context) => ({
  body: listBody(consumers.map((c) => presentConsumer(c, context)), context.wire),
});

export const getConsumer: RouteHandler = (context) => ({
  body: presentConsumer(consumerOrThrow(context.params.consumerId), context),
});

export const listConsumerActions: RouteHandler = (context) => {
  const consumer = consumerOrThrow(context.params.consumerId);
  return { body: listBody(consumer.actions.map((a) => presentAction(consumer, a, context)), context.wire) };
};

export const getConsumerAction: RouteHandler = (context) => {
  const consumer = consumerOrThrow(context.params.consumerId);
  const action = findAction(consumer, context.params.actionId);
  if (!action) throw new ApiError(404, "No actions are associated with the specified consumer identifier.", errorTypes.consumerNotFound);
  return { body: presentAction(consumer, action, context) };
};

function filterInput(filter: EventFilter, wire: WireOptions) {
  return presentInput(
    {
      id: filter.id,
      name: filter.name,
      inputMode: "combo",
      validation: { dataType: filter.kind === "repository" ? "guid" : "string", isRequired: false },
      ...(filter.choices ? { values: { possibleValues: filter.choices.map((c) => ({ value: c.value, displayValue: c.label })) } } : {}),
      ...(filter.kind === "branch" ? { dependencyInputIds: ["repository"] } : {}),
    },
    wire,
  );
}

function eventTypes(context: RouteContext) {
  return gitEventTypes.map((id) => ({
    id,
    name: eventCatalogue[id].name,
    publisherId: PUBLISHER_ID,
    supportedResourceVersions: ["1.0"],
    inputDescriptors: eventCatalogue[id].filters.map((f) => filterInput(f, context.wire)),
    url: `${context.location.collectionUrl}_apis/hooks/Publishers/${PUBLISHER_ID}/EventTypes/${id}`,
  }));
}

function publisher(context: RouteContext) {
  return {
    id: PUBLISHER_ID,
    name: "Azure DevOps Services",
    description: "Publishes Azure DevOps Services events",
    supportedEvents: eventTypes(context),
    url: `${context.location.collectionUrl}_apis/hooks/Publishers/${PUBLISHER_ID}`,
  };
}

function publisherOrThrow(id: string): void {
  if (id.toLowerCase() !== PUBLISHER_ID) {
    throw new ApiError(404, `No publisher with identifier '${id}' could be found.`, errorTypes.publisherNotFound);
  }
}

export const listPublishers: RouteHandler = (context) => ({ body: listBody([publisher(context)], context.wire) });

export const getPublisher: RouteHandler = (context) => {
  publisherOrThrow(context.params.publisherId);
  return { body: publisher(context) };
};

export const listEventTypes: RouteHandler = (context) => {
  publisherOrThrow(context.params.publisherId);
  return { body: listBody(eventTypes(context), context.wire) };
};
