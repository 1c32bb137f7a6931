import * as React from "react";
import type { SubscriptionRow } from "../model/tableView";
import { EndpointPanel, type EndpointActionsProps } from "./EndpointPanel";
import { EndpointsTable } from "./EndpointsTable";
import { groupByEndpoint, type EndpointGroup } from "./grouping";

export interface EndpointsViewProps extends EndpointActionsProps {
  /** The subscriptions table's rows, filtered and sorted. */
  rows: SubscriptionRow[];
}

/** The subscriptions grouped by endpoint URL, and the panel of the endpoint opened. */
export function EndpointsView(props: EndpointsViewProps): JSX.Element {
  const { rows } = props;
  const groups = React.useMemo(() => groupByEndpoint(rows), [rows]);
  // The opened endpoint keeps its subscriptions by id, so they stay in the panel when their URL changes.
  const [opened, setOpened] = React.useState<{ url: string; ids: Set<string> }>();
  const open = React.useCallback((group: EndpointGroup) => setOpened({ url: group.url, ids: new Set(group.rows.map((r) => r.subscription.id)) }), []);
  const openedRows = React.useMemo(() => (opened ? rows.filter((r) => opened.ids.has(r.subscription.id)) : []), [opened, rows]);
  return (
    <>
      <EndpointsTable groups={groups} onOpen={open} onNeedHealth={props.onNeedHealth} />
      {opened ? (
        <EndpointPanel {...props} url={opened.url} rows={openedRows} onDismiss={() => setOpened(undefined)} />
      ) : null}
    </>
  );
}
