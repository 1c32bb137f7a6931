/** The WHERE clause of the list query, for either SQL dialect. */
import type { UnboundedTextColumn } from "./columns";
import { storableText } from "./storable";
import type { EventQuery } from "./types";

export interface Dialect {
  /** Adds a parameter and returns its placeholder. */
  param(value: unknown): string;
  /** A condition true when the event updated or targets this ref. */
  hasRef(placeholder: string): string;
  /**
   * The column as an expression the planner will not answer from an index. For low-selectivity
   * columns next to a selective filter, so the plan follows the selective one.
   */
  unindexed?(column: string): string;
  /**
   * `column = placeholder` for a fact column, written so that column's index answers it (on
   * PostgreSQL the index holds a bounded prefix of the value; see postgres.ts). Plain `=` if absent.
   */
  factEquals?(column: FactColumn, placeholder: string): string;
}

/** Indexed fact columns whose values have no length bound (PostgreSQL indexes a prefix of them). */
export type FactColumn = UnboundedTextColumn;

export type RepositoryColumn = "repository_id" | "repository_name";

export interface WhereOptions {
  /** Match the repository filter against this column only, rather than against the id or the name. */
  repositoryColumn?: RepositoryColumn;
  /** Compare event_type and channel without their indexes (Dialect.unindexed), to follow another order. */
  unindexedTypeAndChannel?: boolean;
}

export function whereClause(query: EventQuery, dialect: Dialect, options: WhereOptions = {}): string {
  const conditions: string[] = [];
  // Text filters follow the rule the stored facts follow, so the value as sent matches.
  const text = (value: string | undefined) => (value === undefined ? undefined : dialect.param(storableText(value)));
  const factEquals = (column: FactColumn, p: string) => dialect.factEquals?.(column, p) ?? `${column} = ${p}`;
  const equals = (column: string, p: string | undefined) => {
    if (p !== undefined) conditions.push(`${column} = ${p}`);
  };
  const selective = query.repository !== undefined || query.pullRequestId !== undefined;
  const unindexed = (column: string, wanted: boolean) => (wanted && dialect.unindexed ? dialect.unindexed(column) : column);
  equals(unindexed("event_type", selective || options.unindexedTypeAndChannel === true), text(query.eventType));
  equals(unindexed("channel", options.unindexedTypeAndChannel === true), text(query.channel));
  if (query.pullRequestId !== undefined) equals("pull_request_id", dialect.param(query.pullRequestId));
  if (query.origin !== undefined) {
    equals("origin", dialect.param(query.origin));
    // The index on origin holds only events not delivered; SQLite uses it when the query says so.
    if (query.origin !== "delivered") conditions.push("origin <> 'delivered'");
  }
  equals("actor", text(query.actor));
  equals("project_id", text(query.projectId));
  const repository = text(query.repository);
  if (repository !== undefined) {
    if (options.repositoryColumn) {
      conditions.push(factEquals(options.repositoryColumn, repository));
    } else {
      conditions.push(`(${factEquals("repository_id", repository)} OR ${factEquals("repository_name", repository)})`);
    }
  }
  const ref = text(query.ref);
  if (ref !== undefined) conditions.push(dialect.hasRef(ref));
  if (query.since !== undefined) conditions.push(`received_at >= ${dialect.param(query.since)}`);
  if (query.until !== undefined) conditions.push(`received_at < ${dialect.param(query.until)}`);
  if (query.after) {
    const at = dialect.param(query.after.receivedAt);
    const id = dialect.param(query.after.rowId);
    conditions.push(`(received_at < ${at} OR (received_at = ${at} AND id < ${id}))`);
  }
  return conditions.length > 0 ? `WHERE ${conditions.join(" AND ")}` : "";
}
