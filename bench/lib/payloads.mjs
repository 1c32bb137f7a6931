/**
 * Realistic delivery bodies: the official samples (samples/payloads), each with a fresh event id,
 * brought to a target size by growing the free text a real event carries (a commit comment, a pull
 * request description, a comment's content), or, below the sample's own size, by leaving out what
 * a subscription's message options leave out. The event keeps its shape and facts.
 */
import { randomUUID } from "node:crypto";
import { gitEventTypes } from "../../build/src/contract/events.js";
import { loadSample } from "../../build/src/contract/samples.js";

/** The five Git events, from the shared contract (compiled by `npm run build:node`). */
export const EVENT_TYPES = gitEventTypes;

const FILLER = "Refactors the retry loop so that transient failures back off instead of failing the build. ";

/** Sets the free-text field of the event's resource to `text`. */
function setFreeText(event, text) {
  const resource = event.resource;
  if (event.eventType === "git.push") resource.commits[0].comment = text;
  else if (event.eventType === "ms.vss-code.git-pullrequest-comment-event") resource.comment.content = text;
  else resource.description = text;
}

function fillerOf(length) {
  return FILLER.repeat(Math.ceil(length / FILLER.length)).slice(0, length);
}

/**
 * Ways a subscription makes its events smaller, applied in turn until the event fits: Azure DevOps
 * leaves out the detailed message when the consumer's `detailedMessagesToSend` is "none", and the
 * message's html and markdown forms when `messagesToSend` asks for text only.
 */
const SHRINKS = [
  (event) => delete event.detailedMessage,
  (event) => {
    if (event.message) event.message = { text: event.message.text };
  },
];

const sizeOf = (event) => Buffer.byteLength(JSON.stringify(event));

/** The sample serialised at exactly `targetBytes`, or as close as its required fields allow. */
export function sampleOfSize(eventType, targetBytes) {
  const event = loadSample(eventType);
  setFreeText(event, "");
  for (const shrink of SHRINKS) {
    if (sizeOf(event) <= targetBytes) break;
    shrink(event);
  }
  setFreeText(event, fillerOf(Math.max(0, targetBytes - sizeOf(event))));
  return event;
}

/**
 * A body template whose event id can be swapped cheaply for each request: `bodyWith(id)` only
 * concatenates strings, so the load generator does not spend its time in JSON.stringify.
 */
export function bodyTemplate(eventType, targetBytes) {
  const PLACEHOLDER = "00000000-0000-4000-8000-000000000000";
  const event = sampleOfSize(eventType, targetBytes);
  event.id = PLACEHOLDER;
  const [prefix, suffix] = JSON.stringify(event).split(PLACEHOLDER);
  return {
    eventType,
    bytes: Buffer.byteLength(prefix + PLACEHOLDER + suffix),
    bodyWith: (id) => prefix + id + suffix,
  };
}

/** Templates for every event type at one size, cycled through by `next()` with fresh ids. */
export function payloadMix(targetBytes) {
  const templates = EVENT_TYPES.map((type) => bodyTemplate(type, targetBytes));
  let turn = 0;
  return {
    templates,
    next() {
      const template = templates[turn++ % templates.length];
      const id = randomUUID();
      return { id, eventType: template.eventType, body: template.bodyWith(id) };
    },
  };
}
