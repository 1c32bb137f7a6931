/**
 * The one definition of a stored event's queryable facts: each column of the events table that the
 * read API lists, once. Both stores, the API shape (EventSummary), the rule for storable text and
 * the stream's announcements are derived from this table; a schema test checks that both dialects'
 * schemas hold exactly these columns and indexes.
 *
 * Adding a fact: add it to EventFacts (contract/facts.ts) and one entry here, then a migration for
 * each dialect (SQLite: a SCHEMA_V* step in sqlite.ts; PostgreSQL: an entry in MIGRATIONS) that
 * adds the column, and its index if it has one.
 *
 * What is not here is each store's own: the row id, PostgreSQL's transaction id, and the body and
 * headers, which are read only for a single event.
 */
import type { EventFacts } from "../../contract/facts";
import { storableText } from "./storable";
import type { Delivery, EventOrigin } from "./types";

/** What a new row is made from: one delivery (already storable) and what its batch folded into it. */
export interface RowSource {
  delivery: Delivery;
  /** Deliveries of this (channel, event id) the row counts. */
  receiptCount: number;
  /** Milliseconds since the epoch. */
  lastReceivedAt: number;
}

/**
 * How a value is kept, which decides its SQL types, the storable-text rule (storable.ts) and how it
 * is read back. `T` is the value as an EventFacts or Delivery holds it, `A` as the API shows it.
 */
interface Kind<T, A> {
  sqlite: string;
  postgres: string;
  /** The value as both stores keep it. */
  storable(value: T): T;
  /** The value as a SQLite parameter (PostgreSQL takes `storable`'s value as it is). */
  sqliteParam(value: T): unknown;
  /** The API value of a value about to be stored. */
  api(value: T): A;
  /** The API value of what a driver returned for the column. */
  read(value: unknown): A;
}

const optionalText = (value: string | undefined) => (value === undefined ? undefined : storableText(value));
const isoInstant = (ms: unknown) => new Date(Number(ms)).toISOString();
const same = <T>(value: T) => value;

const KINDS = {
  text: {
    sqlite: "TEXT NOT NULL",
    postgres: "TEXT NOT NULL",
    storable: storableText,
    sqliteParam: same,
    api: same,
    read: (value) => value as string,
  } satisfies Kind<string, string>,
  optionalText: {
    sqlite: "TEXT",
    postgres: "TEXT",
    storable: optionalText,
    sqliteParam: (value) => value ?? null,
    api: (value) => value ?? null,
    read: (value) => value as string | null,
  } satisfies Kind<string | undefined, string | null>,
  /** SQLite keeps the list as JSON text, PostgreSQL as an array. */
  textList: {
    sqlite: "TEXT NOT NULL",
    postgres: "TEXT[] NOT NULL",
    storable: (values) => values.map(storableText),
    sqliteParam: (values) => JSON.stringify(values),
    api: same,
    read: (value) => (typeof value === "string" ? (JSON.parse(value) as string[]) : (value as string[])),
  } satisfies Kind<string[], string[]>,
  /** Every safe integer fits both columns; anything else is not kept. */
  optionalInteger: {
    sqlite: "INTEGER",
    postgres: "BIGINT",
    storable: (value) => (Number.isSafeInteger(value) ? value : undefined),
    sqliteParam: (value) => value ?? null,
    api: (value) => value ?? null,
    read: (value) => (value === null ? null : Number(value)),
  } satisfies Kind<number | undefined, number | null>,
  boolean: {
    sqlite: "INTEGER NOT NULL",
    postgres: "BOOLEAN NOT NULL",
    storable: same,
    sqliteParam: (value) => (value ? 1 : 0),
    api: same,
    read: Boolean,
  } satisfies Kind<boolean, boolean>,
  /** Milliseconds since the epoch in the store, an ISO 8601 string in the API. */
  instant: {
    sqlite: "INTEGER NOT NULL",
    postgres: "BIGINT NOT NULL",
    storable: same,
    sqliteParam: same,
    api: isoInstant,
    read: isoInstant,
  } satisfies Kind<number, string>,
  /** How the event came to be stored (types.ts); a delivery that does not say was delivered. */
  origin: {
    sqlite: "TEXT NOT NULL",
    postgres: "TEXT NOT NULL",
    storable: (value) => value ?? "delivered",
    sqliteParam: (value) => value ?? "delivered",
    api: (value) => value ?? "delivered",
    read: (value) => value as EventOrigin,
  } satisfies Kind<EventOrigin | undefined, EventOrigin>,
  count: {
    sqlite: "INTEGER NOT NULL",
    postgres: "INTEGER NOT NULL",
    storable: same,
    sqliteParam: same,
    api: same,
    read: Number,
  } satisfies Kind<number, number>,
};

type KindName = keyof typeof KINDS;
type ApiValue<K extends KindName> = ReturnType<(typeof KINDS)[K]["read"]>;

/** Where a column's value comes from. */
type Source =
  | { fact: keyof EventFacts }
  | { delivery: "channel" | "eventId" | "receivedAt" | "origin" | "naturalKey" }
  | { row: "receiptCount" | "lastReceivedAt" };

/** How a delivery of a (channel, event id) already stored updates its row; columns without one keep their value. */
type Merge = "add" | "max";

export interface Column {
  /** The SQL column, the same in both dialects. */
  name: string;
  /** The EventSummary field it answers. */
  field: string;
  kind: KindName;
  from: Source;
  /**
   * The index that answers the read API's filter by this column, newest first: on `(name,
   * received_at)` (PostgreSQL: a bounded prefix of unbounded text, see postgres.ts); for a list,
   * SQLite's event_refs table and a GIN index on PostgreSQL.
   */
  index?: string;
  merge?: Merge;
}

/**
 * The columns, in the order of the table and the API. `as const satisfies` keeps each entry's
 * literal types, from which EventSummary is derived (types.ts).
 */
export const EVENT_COLUMNS = [
  { name: "channel", field: "channel", kind: "text", from: { delivery: "channel" } },
  { name: "event_id", field: "id", kind: "text", from: { delivery: "eventId" } },
  { name: "event_type", field: "eventType", kind: "text", from: { fact: "eventType" }, index: "events_type" },
  /** False for event types outside the catalogue (contract/events.ts). */
  { name: "known", field: "known", kind: "boolean", from: { fact: "known" } },
  /** actor and projectId have no index: two more cost ingest well over 10% (bench/RESULTS.md, "Storage"). */
  { name: "project_id", field: "projectId", kind: "optionalText", from: { fact: "projectId" } },
  { name: "repository_id", field: "repositoryId", kind: "optionalText", from: { fact: "repositoryId" }, index: "events_repository_id" },
  {
    name: "repository_name", field: "repositoryName", kind: "optionalText", from: { fact: "repositoryName" },
    index: "events_repository_name",
  },
  { name: "refs", field: "refs", kind: "textList", from: { fact: "refs" }, index: "events_refs" },
  /** Partial on both stores: pushes have none. */
  { name: "pull_request_id", field: "pullRequestId", kind: "optionalInteger", from: { fact: "pullRequestId" }, index: "events_pull_request" },
  { name: "actor", field: "actor", kind: "optionalText", from: { fact: "actor" } },
  { name: "created_date", field: "createdDate", kind: "optionalText", from: { fact: "createdDate" } },
  { name: "received_at", field: "receivedAt", kind: "instant", from: { delivery: "receivedAt" } },
  { name: "last_received_at", field: "lastReceivedAt", kind: "instant", from: { row: "lastReceivedAt" }, merge: "max" },
  { name: "receipt_count", field: "receiptCount", kind: "count", from: { row: "receiptCount" }, merge: "add" },
  /**
   * delivered, recovered or rebuilt (../reconcile). Its index is partial on both stores (rows not
   * delivered only), so it costs ingest nothing; where.ts names the condition for SQLite's planner.
   */
  { name: "origin", field: "origin", kind: "origin", from: { delivery: "origin" }, index: "events_origin" },
  /**
   * The Git change the event reports (contract/naturalKey.ts), kept by a unique partial index on
   * (natural_key, channel) that both stores check before they insert: one event per change and channel.
   */
  { name: "natural_key", field: "naturalKey", kind: "optionalText", from: { delivery: "naturalKey" } },
] as const satisfies readonly Column[];

type EventColumn = (typeof EVENT_COLUMNS)[number];

/** Indexed columns of text with no length bound (PostgreSQL indexes a prefix of them). */
export type UnboundedTextColumn = Extract<EventColumn, { kind: "optionalText"; index: string }>["name"];

/** The API fields of the columns, each typed by its kind. */
export type ColumnFields = { [C in EventColumn as C["field"]]: ApiValue<C["kind"]> };

const columns: readonly Column[] = EVENT_COLUMNS;

/** The columns' names, as a SELECT list. */
export const COLUMN_LIST = columns.map((column) => column.name).join(", ");

/** Columns a filter of the read API is answered by an index for. */
export const INDEXED_COLUMNS = columns.filter((column): column is Column & { index: string } => column.index !== undefined);

function sourceValue(column: Column, source: RowSource): unknown {
  const { from } = column;
  if ("fact" in from) return source.delivery.facts[from.fact];
  if ("delivery" in from) return source.delivery[from.delivery];
  return source[from.row];
}

function kindOf(column: Column): Kind<unknown, unknown> {
  return KINDS[column.kind] as Kind<unknown, unknown>;
}

/** A new row's values as SQLite parameters, named by column. */
export function sqliteValues(source: RowSource): Record<string, unknown> {
  return Object.fromEntries(columns.map((column) => [column.name, kindOf(column).sqliteParam(sourceValue(column, source))]));
}

/** A new row's values as PostgreSQL parameters, in column order. */
export function postgresValues(source: RowSource): unknown[] {
  return columns.map((column) => sourceValue(column, source) ?? null);
}

/** The API fields of a row a driver returned. */
export function readColumns(row: Record<string, unknown>): ColumnFields {
  return Object.fromEntries(columns.map((column) => [column.field, kindOf(column).read(row[column.name])])) as ColumnFields;
}

/** The API fields of a row about to be stored, as readColumns will read them back. */
export function columnFieldsOf(source: RowSource): ColumnFields {
  return Object.fromEntries(columns.map((column) => [column.field, kindOf(column).api(sourceValue(column, source))])) as ColumnFields;
}

/**
 * The delivery as a store keeps it: each column's value made storable by its kind (storable.ts);
 * the body and headers as received.
 */
export function storableDelivery(delivery: Delivery): Delivery {
  const facts: Record<string, unknown> = { ...delivery.facts };
  const fields: Record<string, unknown> = { ...delivery, facts };
  for (const column of columns) {
    const { from } = column;
    if ("fact" in from) facts[from.fact] = kindOf(column).storable(delivery.facts[from.fact]);
    else if ("delivery" in from) fields[from.delivery] = kindOf(column).storable(delivery[from.delivery]);
  }
  return fields as unknown as Delivery;
}

/** The ON CONFLICT update of a stored row, `excluded` being the new delivery's values. */
export function mergeAssignments(dialect: "sqlite" | "postgres"): string {
  const table = dialect === "postgres" ? "events." : "";
  const max = dialect === "postgres" ? "greatest" : "max";
  return columns
    .filter((column) => column.merge !== undefined)
    .map(({ name, merge }) =>
      merge === "add" ? `${name} = ${table}${name} + excluded.${name}` : `${name} = ${max}(${table}${name}, excluded.${name})`,
    )
    .join(", ");
}

/** The columns' SQL definitions in one dialect, as the schema test expects to find them. */
export function columnTypes(dialect: "sqlite" | "postgres"): Map<string, string> {
  return new Map(columns.map((column) => [column.name, KINDS[column.kind][dialect]]));
}
