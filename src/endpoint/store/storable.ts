/**
 * The one rule for text a store keeps in its indexed columns, the same on SQLite and PostgreSQL:
 * characters neither store can hold as text (U+0000, which PostgreSQL refuses, and lone UTF-16
 * surrogates, which are not Unicode) become U+FFFD. Filters go through the same rule, so a filter
 * by the value as sent finds the event. The raw body is never touched: it is stored byte for byte.
 * Event ids and channels follow the rule too, so a row read back always finds its delivery; the
 * ingest route refuses ids with lone surrogates, so two ids never share a row. Which columns hold
 * text is columns.ts's to say (storableDelivery).
 */
import type { EventFacts } from "../../contract/facts";

/** In a `u` regular expression a lone surrogate is a code point of category Cs; a pair is not. */
const UNSTORABLE = /[\u0000\p{Cs}]/gu;

export function storableText(value: string): string {
  return value.replace(UNSTORABLE, "\uFFFD");
}

/** Only what every event has: the fallback for a delivery whose facts a store still refused. */
export function factless(facts: EventFacts): EventFacts {
  return { eventType: storableText(facts.eventType), known: facts.known, refs: [] };
}
