/**
 * The body a contributed consumer receives: the plain Event (no subscriptionId/notificationId),
 * shaped by resourceDetailsToSend and the two *MessagesToSend settings (EventTransformer).
 */

export type ResourceDetails = "all" | "minimal" | "none";
export type MessageFormat = "all" | "text" | "html" | "markdown" | "none";

export interface Shaping {
  resourceDetailsToSend: ResourceDetails;
  messagesToSend: MessageFormat;
  detailedMessagesToSend: MessageFormat;
}

/** EventTransformer.s_minimalResourceFields: the only top-level keys "minimal" keeps. */
export const MINIMAL_RESOURCE_FIELDS = [
  "id",
  "url",
  "webUrl",
  "name",
  "pullRequestId",
  "workItemId",
  "pushId",
  "changesetId",
  "stageName",
  "attemptId",
  "runId",
  "runUrl",
  "approvalId",
] as const;

export class ShapingError extends Error {}

/** The rendered *ToSend text parsed like a .NET enum: case-insensitive, empty means "all". */
export function parseSetting<T extends string>(rendered: string, allowed: readonly T[]): T {
  const value = rendered.trim().toLowerCase();
  if (value === "") return "all" as T;
  const match = allowed.find((a) => a.toLowerCase() === value);
  if (!match) throw new ShapingError(`Requested value '${rendered}' was not found.`);
  return match;
}

function shapeResource(resource: unknown, details: Exclude<ResourceDetails, "none">): unknown {
  if (details === "all" || resource === null || typeof resource !== "object") return resource;
  const source = resource as Record<string, unknown>;
  const minimal: Record<string, unknown> = {};
  for (const key of MINIMAL_RESOURCE_FIELDS) if (key in source) minimal[key] = source[key];
  return minimal;
}

function shapeMessage(message: unknown, format: MessageFormat): unknown {
  if (format === "none") return null;
  if (format === "all" || message === null || typeof message !== "object") return message;
  return { [format]: (message as Record<string, unknown>)[format] };
}

/**
 * With resourceDetailsToSend "none", `resource` and `resourceVersion` are left out: the Event contract
 * does not emit default values (rest-responses §3). Whether a `none` message is left out too is not
 * stated; it is sent as null, as service-hooks-internals §3.2 describes.
 */
export function shapeEvent(event: Record<string, unknown>, shaping: Shaping): Record<string, unknown> {
  const body: Record<string, unknown> = {
    id: event.id,
    eventType: event.eventType,
    publisherId: event.publisherId,
    message: shapeMessage(event.message, shaping.messagesToSend),
    detailedMessage: shapeMessage(event.detailedMessage, shaping.detailedMessagesToSend),
  };
  if (shaping.resourceDetailsToSend !== "none") {
    body.resource = shapeResource(event.resource, shaping.resourceDetailsToSend);
    body.resourceVersion = event.resourceVersion ?? null;
  }
  if (event.resourceContainers !== null && event.resourceContainers !== undefined) body.resourceContainers = event.resourceContainers;
  body.createdDate = event.createdDate;
  if (event.data !== undefined) body.data = event.data;
  return body;
}
