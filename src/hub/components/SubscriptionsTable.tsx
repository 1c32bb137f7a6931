import * as React from "react";
import { Button } from "azure-devops-ui/Button";
import { ColumnSorting, SimpleTableCell, SortOrder, Table, TwoLineTableCell, type ITableColumn } from "azure-devops-ui/Table";
import { ArrayItemProvider } from "azure-devops-ui/Utilities/Provider";
import type { Subscription } from "azure-devops-extension-api/ServiceHooks";
import { describeEvent, filtersInWords, type RepositoryNames } from "../model/filters";
import { formatDateTime, formatPercent, personName } from "../model/format";
import { describeResult, isUnavailable, type RowHealth } from "../model/notifications";
import type { SortColumn, SortState, SubscriptionRow } from "../model/tableView";
import { STATUS_COLUMN_WIDTH, StatusPill } from "./StatusPill";

export type { SubscriptionRow } from "../model/tableView";

export interface SubscriptionsTableProps {
  /** Already filtered and sorted. */
  rows: SubscriptionRow[];
  repositories: RepositoryNames;
  onOpen: (subscription: Subscription) => void;
  /** undefined: the order the rows came in, no header marked. */
  sort?: SortState;
  onSort: (sort: SortState) => void;
  /** Called for the rows on screen (as they scroll in) whose health has not loaded. */
  onNeedHealth: (subscriptionId: string) => void;
}

type Column = ITableColumn<SubscriptionRow>;

/** A virtualized table: only the rows on screen are in the DOM, so thousands of subscriptions stay fast. */
export function SubscriptionsTable(props: SubscriptionsTableProps): JSX.Element {
  const { repositories, onOpen, sort, onNeedHealth } = props;
  const columns = React.useMemo(() => buildColumns(repositories, onOpen, sort, onNeedHealth), [repositories, onOpen, sort, onNeedHealth]);
  const provider = React.useMemo(() => new ArrayItemProvider(props.rows), [props.rows]);
  const sorting = useColumnSorting(columns, props.onSort);
  return (
    <Table<SubscriptionRow>
      ariaLabel="Hook Relay subscriptions"
      className="hr-table"
      columns={columns}
      itemProvider={provider}
      behaviors={[sorting]}
      showLines
      singleClickActivation={false}
      onActivate={(_event, row) => onOpen(row.data.subscription)}
    />
  );
}

/** The Table initializes its behaviors once, so the behavior stays the same and reads the latest columns and callback. */
function useColumnSorting(columns: Column[], onSort: (sort: SortState) => void): ColumnSorting<SubscriptionRow> {
  const latest = React.useRef({ columns, onSort });
  latest.current = { columns, onSort };
  return React.useMemo(
    () =>
      new ColumnSorting<SubscriptionRow>((columnIndex, proposed) => {
        const column = latest.current.columns[columnIndex];
        if (column?.sortProps) {
          latest.current.onSort({ column: column.id as SortColumn, direction: proposed === SortOrder.ascending ? "ascending" : "descending" });
        }
      }),
    [],
  );
}

function buildColumns(
  repositories: RepositoryNames,
  onOpen: (s: Subscription) => void,
  sort: SortState | undefined,
  onNeedHealth: (subscriptionId: string) => void,
): Column[] {
  // Two-line columns sort by their first line.
  const sortable = (id: SortColumn, column: Column): Column => ({ ...column, id, sortProps: { sortOrder: sortOrderOf(id, sort) } });
  return [
    sortable(
      "event",
      twoLineColumn(
        "event",
        "Event and filters",
        -26,
        (row) => <span className="hr-event">{describeEvent(row.subscription.eventType)}</span>,
        (row) => <span className="hr-filters-text">{filtersInWords(row.subscription.eventType, row.subscription.publisherInputs, repositories)}</span>,
      ),
    ),
    sortable("endpoint", {
      id: "endpoint",
      name: "Endpoint",
      width: -24, // Wide enough at 1280 px for a URL of about 36 characters on its two lines.
      renderCell: (_r, columnIndex, column, row) => (
        <SimpleTableCell key={columnIndex} columnIndex={columnIndex} tableColumn={column}>
          <EndpointUrl url={row.subscription.consumerInputs?.url} />
        </SimpleTableCell>
      ),
    }),
    sortable("status", {
      id: "status",
      name: "Status",
      width: STATUS_COLUMN_WIDTH,
      renderCell: (_r, columnIndex, column, row) => (
        <SimpleTableCell key={columnIndex} columnIndex={columnIndex} tableColumn={column}>
          <StatusPill subscription={row.subscription} />
        </SimpleTableCell>
      ),
    }),
    sortable("lastDelivery", {
      id: "lastDelivery",
      name: "Last delivery / success rate",
      width: -19,
      renderCell: (_r, columnIndex, column, row) => (
        <HealthCell key={columnIndex} columnIndex={columnIndex} column={column} row={row} onNeedHealth={onNeedHealth} />
      ),
    }),
    sortable(
      "modified",
      twoLineColumn(
        "modified",
        "Modified / created by",
        -17,
        (row) => formatDateTime(row.subscription.modifiedDate),
        (row) => `Created by ${personName(row.subscription.createdBy)}`,
      ),
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

function sortOrderOf(column: SortColumn, sort: SortState | undefined): SortOrder | undefined {
  if (sort?.column !== column) return undefined;
  return sort.direction === "ascending" ? SortOrder.ascending : SortOrder.descending;
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

/** The one text the table may cut: a URL longer than two lines ends in an ellipsis and shows in full on hover. */
function EndpointUrl(props: { url: string | undefined }): JSX.Element {
  if (!props.url) return <span>—</span>;
  return (
    <span className="hr-endpoint-url hr-endpoint-url-clamped" title={props.url}>
      {withBreaksAfterSlashes(props.url)}
    </span>
  );
}

/** A line may break after each "/" (<wbr>), so a URL wraps between its parts rather than inside a name. */
function withBreaksAfterSlashes(url: string): React.ReactNode[] {
  return url.split(/(?<=\/)/).map((part, index) => (
    <React.Fragment key={index}>
      {index > 0 ? <wbr /> : null}
      {part}
    </React.Fragment>
  ));
}

interface HealthCellProps {
  columnIndex: number;
  column: Column;
  row: SubscriptionRow;
  onNeedHealth: (subscriptionId: string) => void;
}

/** The table renders only the rows on screen, so a row's history is asked for when its cell mounts. */
function HealthCell(props: HealthCellProps): JSX.Element {
  const { row, onNeedHealth } = props;
  const id = row.subscription.id;
  const loaded = row.health !== undefined;
  React.useEffect(() => {
    if (!loaded) onNeedHealth(id);
  }, [id, loaded, onNeedHealth]);
  return <TwoLineTableCell columnIndex={props.columnIndex} tableColumn={props.column} line1={lastDelivery(row.health)} line2={successRate(row.health)} />;
}

function lastDelivery(health: RowHealth | undefined): string {
  if (!health) return "Loading…";
  if (isUnavailable(health)) return "History unavailable";
  if (health.last) return `${describeResult(health.last)}, ${formatDateTime(health.last.createdDate, "date unknown")}`;
  return health.kept > 0 ? "Not returned by Azure DevOps" : "No deliveries kept";
}

function successRate(health: RowHealth | undefined): string {
  if (!health) return "…";
  if (isUnavailable(health)) return health.unavailable;
  if (health.successRate === undefined) return health.kept > 0 ? "No completed deliveries" : "—";
  return `${formatPercent(health.successRate)} of ${health.delivered + health.failed} succeeded`;
}
