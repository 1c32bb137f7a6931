/**
 * The one rule for text a store keeps in its indexed columns, the same on SQLite and PostgreSQL:
 * characters neither store can hold as text (U+0000, which PostgreSQL refuses, and lone UTF-16
 * surrogates, which are not Unicode) become U+FFFD. Filters go through the same rule, so a filter
 * by the value as sent finds the event. The raw body is never touched: it is stored byte for byte.
 * Event ids and channels follow the rule too, so a row read back always finds its delivery; the
 * ingest route refuses ids with lone surrogates, so two ids never share a row.
 */
import type { EventFacts } from "../../contract/facts";
import type { Delivery } from "./types";

/** In a `u` regular expression a lone surrogate is a code point of category Cs; a pair is not. */
const UNSTORABLE = /[\u0000\p{Cs}]/gu;

export function storableText(value: string): string {
  return value.replace(UNSTORABLE, "\uFFFD");
}

function storableOptional(value: string | undefined): string | undefined {
  return value === undefined ? undefined : storableText(value);
}

/**
 * Facts as both stores keep them. A pull request id outside the safe integer range is not a fact
 * (extractFacts already drops it); every safe integer fits the BIGINT / INTEGER columns.
 */
export function storableFacts(facts: EventFacts): EventFacts {
  return {
    eventType: storableText(facts.eventType),
    known: facts.known,
    projectId: storableOptional(facts.projectId),
    repositoryId: storableOptional(facts.repositoryId),
    repositoryName: storableOptional(facts.repositoryName),
    refs: facts.refs.map(storableText),
    pullRequestId: Number.isSafeInteger(facts.pullRequestId) ? facts.pullRequestId : undefined,
    actor: storableOptional(facts.actor),
    createdDate: storableOptional(facts.createdDate),
  };
}

/** The delivery as a store keeps it: channel, event id and facts storable; body and headers as received. */
export function storableDelivery(delivery: Delivery): Delivery {
  return {
    ...delivery,
    channel: storableText(delivery.channel),
    eventId: storableText(delivery.eventId),
    facts: storableFacts(delivery.facts),
  };
}

/** Only what every event has: the fallback for a delivery whose facts a store still refused. */
export function factless(facts: EventFacts): EventFacts {
  return { eventType: storableText(facts.eventType), known: facts.known, refs: [] };
}
