/** The WHERE clause of the list query, for either SQL dialect. */
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
}

export type RepositoryColumn = "repository_id" | "repository_name";

export interface WhereOptions {
  /** Match the repository filter against this column only, rather than against the id or the name. */
  repositoryColumn?: RepositoryColumn;
}

export function whereClause(query: EventQuery, dialect: Dialect, options: WhereOptions = {}): string {
  const conditions: string[] = [];
  const equals = (column: string, value: unknown) => {
    if (value !== undefined) conditions.push(`${column} = ${dialect.param(value)}`);
  };
  const selective = query.repository !== undefined || query.pullRequestId !== undefined;
  equals(selective && dialect.unindexed ? dialect.unindexed("event_type") : "event_type", query.eventType);
  equals("channel", query.channel);
  equals("pull_request_id", query.pullRequestId);
  equals("actor", query.actor);
  equals("project_id", query.projectId);
  if (query.repository !== undefined) {
    if (options.repositoryColumn) {
      equals(options.repositoryColumn, query.repository);
    } else {
      const p = dialect.param(query.repository);
      conditions.push(`(repository_id = ${p} OR repository_name = ${p})`);
    }
  }
  if (query.ref !== undefined) conditions.push(dialect.hasRef(dialect.param(query.ref)));
  if (query.since !== undefined) conditions.push(`received_at >= ${dialect.param(query.since)}`);
  if (query.until !== undefined) conditions.push(`received_at < ${dialect.param(query.until)}`);
  if (query.after) {
    const at = dialect.param(query.after.receivedAt);
    const id = dialect.param(query.after.rowId);
    conditions.push(`(received_at < ${at} OR (received_at = ${at} AND id < ${id}))`);
  }
  return conditions.length > 0 ? `WHERE ${conditions.join(" AND ")}` : "";
}
