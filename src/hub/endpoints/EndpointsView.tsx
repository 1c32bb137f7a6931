import * as React from "react";
import type { Subscription } from "azure-devops-extension-api/ServiceHooks";
import type { HooksService } from "../services/HooksService";
import type { RepositoryNames } from "../model/filters";
import type { SubscriptionRow } from "../model/tableView";
import type { TestPolling } from "../components/TestButton";
import { EndpointPanel } from "./EndpointPanel";
import { EndpointsTable } from "./EndpointsTable";
import { groupByEndpoint, type EndpointGroup } from "./grouping";

export interface EndpointsViewProps {
  service: HooksService;
  /** The subscriptions table's rows, filtered and sorted. */
  rows: SubscriptionRow[];
  repositories: RepositoryNames;
  polling: TestPolling;
  canEdit: boolean;
  onReplaced: (subscription: Subscription) => void;
  onDeleted: (subscriptionId: string) => void;
  onTested: (subscriptionId: string) => void;
  onNeedHealth: (subscriptionIds: string[]) => void;
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
        <EndpointPanel
          service={props.service}
          url={opened.url}
          rows={openedRows}
          repositories={props.repositories}
          polling={props.polling}
          canEdit={props.canEdit}
          onReplaced={props.onReplaced}
          onDeleted={props.onDeleted}
          onTested={props.onTested}
          onNeedHealth={props.onNeedHealth}
          onDismiss={() => setOpened(undefined)}
        />
      ) : null}
    </>
  );
}
