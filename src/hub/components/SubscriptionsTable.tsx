import * as React from "react";
import { Button } from "azure-devops-ui/Button";
import { SimpleTableCell, Table, TwoLineTableCell, type ITableColumn } from "azure-devops-ui/Table";
import { ArrayItemProvider } from "azure-devops-ui/Utilities/Provider";
import type { Subscription } from "azure-devops-extension-api/ServiceHooks";
import { describeEvent, filtersInWords, type RepositoryNames } from "../model/filters";
import { formatDateTime, formatPercent } from "../model/format";
import { describeResult, type DeliveryHealth } from "../model/notifications";
import { StatusPill } from "./StatusPill";

export interface SubscriptionRow {
  subscription: Subscription;
  /** undefined while the row's delivery history has not loaded. */
  health?: DeliveryHealth;
}

export interface SubscriptionsTableProps {
  rows: SubscriptionRow[];
  repositories: RepositoryNames;
  onOpen: (subscription: Subscription) => void;
}

type Column = ITableColumn<SubscriptionRow>;

/** A virtualized table: only the rows on screen are in the DOM, so thousands of subscriptions stay fast. */
export function SubscriptionsTable(props: SubscriptionsTableProps): JSX.Element {
  const { repositories, onOpen } = props;
  const columns = React.useMemo(() => buildColumns(repositories, onOpen), [repositories, onOpen]);
  const provider = React.useMemo(() => new ArrayItemProvider(props.rows), [props.rows]);
  return (
    <Table<SubscriptionRow>
      ariaLabel="Hook Relay subscriptions"
      className="hr-table"
      columns={columns}
      itemProvider={provider}
      showLines
      singleClickActivation={false}
      onActivate={(_event, row) => onOpen(row.data.subscription)}
    />
  );
}

function buildColumns(repositories: RepositoryNames, onOpen: (s: Subscription) => void): Column[] {
  return [
    twoLineColumn(
      "event",
      "Event and filters",
      -30,
      (row) => <span className="hr-event">{describeEvent(row.subscription.eventType)}</span>,
      (row) => <span className="hr-filters-text">{filtersInWords(row.subscription.eventType, row.subscription.publisherInputs, repositories)}</span>,
    ),
    textColumn("endpoint", "Endpoint", -22, (row) => row.subscription.consumerInputs?.url ?? "—"),
    {
      id: "status",
      name: "Status",
      // Fixed, so the longest pill ("Disabled: inactive owner") is never cut.
      width: 190,
      renderCell: (_r, columnIndex, column, row) => (
        <SimpleTableCell key={columnIndex} columnIndex={columnIndex} tableColumn={column}>
          <StatusPill subscription={row.subscription} />
        </SimpleTableCell>
      ),
    },
    twoLineColumn("health", "Last delivery / success rate", -20, (row) => lastDelivery(row.health), (row) => successRate(row.health)),
    twoLineColumn(
      "owner",
      "Created by / modified",
      -16,
      (row) => row.subscription.createdBy?.displayName ?? "—",
      (row) => `Modified ${formatDateTime(row.subscription.modifiedDate)}`,
    ),
    {
      id: "open",
      name: "Details",
      width: 96,
      renderCell: (_r, columnIndex, column, row) => (
        <SimpleTableCell key={columnIndex} columnIndex={columnIndex} tableColumn={column}>
          <Button
            text="Details"
            subtle
            ariaLabel={`Details of ${describeEvent(row.subscription.eventType)} subscription ${row.subscription.id}`}
            onClick={() => onOpen(row.subscription)}
          />
        </SimpleTableCell>
      ),
    },
  ];
}

type CellContent = (row: SubscriptionRow) => React.ReactNode;

function twoLineColumn(id: string, name: string, width: number, line1: CellContent, line2: CellContent): Column {
  return {
    id,
    name,
    width,
    renderCell: (_r, columnIndex, column, row) => (
      <TwoLineTableCell key={columnIndex} columnIndex={columnIndex} tableColumn={column} line1={line1(row)} line2={line2(row)} />
    ),
  };
}

function textColumn(id: string, name: string, width: number, text: (row: SubscriptionRow) => string): Column {
  return {
    id,
    name,
    width,
    renderCell: (_r, columnIndex, column, row) => (
      <SimpleTableCell key={columnIndex} columnIndex={columnIndex} tableColumn={column}>
        <span className="text-ellipsis">{text(row)}</span>
      </SimpleTableCell>
    ),
  };
}

function lastDelivery(health: DeliveryHealth | undefined): string {
  if (!health) return "Loading…";
  if (!health.last) return "No deliveries kept";
  return `${describeResult(health.last)}, ${formatDateTime(health.last.createdDate)}`;
}

function successRate(health: DeliveryHealth | undefined): string {
  if (!health) return "…";
  if (health.successRate === undefined) return "—";
  return `${formatPercent(health.successRate)} of ${health.delivered + health.failed} succeeded`;
}
