import * as React from "react";
import { Button } from "azure-devops-ui/Button";
import { SimpleTableCell, Table, TwoLineTableCell, type ITableColumn } from "azure-devops-ui/Table";
import { ArrayItemProvider } from "azure-devops-ui/Utilities/Provider";
import { describeEvent } from "../model/filters";
import { STATUS_COLUMN_WIDTH, StatusPill } from "../components/StatusPill";
import { combinedRateInWords, type EndpointGroup } from "./grouping";

export interface EndpointsTableProps {
  groups: EndpointGroup[];
  onOpen: (group: EndpointGroup) => void;
  /** Called for the subscriptions of the groups on screen (as they scroll in). */
  onNeedHealth: (subscriptionIds: string[]) => void;
}

type Column = ITableColumn<EndpointGroup>;

/** One row per endpoint URL; virtualized like the subscriptions table, so only groups on screen ask for health. */
export function EndpointsTable(props: EndpointsTableProps): JSX.Element {
  const { onOpen, onNeedHealth } = props;
  const columns = React.useMemo(() => buildColumns(onOpen, onNeedHealth), [onOpen, onNeedHealth]);
  const provider = React.useMemo(() => new ArrayItemProvider(props.groups), [props.groups]);
  return (
    <Table<EndpointGroup>
      ariaLabel="Endpoints"
      className="hr-table"
      columns={columns}
      itemProvider={provider}
      showLines
      singleClickActivation={false}
      onActivate={(_event, row) => onOpen(row.data)}
    />
  );
}

function buildColumns(onOpen: (group: EndpointGroup) => void, onNeedHealth: (ids: string[]) => void): Column[] {
  return [
    {
      id: "endpoint",
      name: "Endpoint",
      width: -40,
      renderCell: (_r, columnIndex, column, group) => (
        <SimpleTableCell key={columnIndex} columnIndex={columnIndex} tableColumn={column}>
          {/* The URL is what tells the groups apart, so it wraps rather than ending in an ellipsis. */}
          <span className="hr-endpoint-url hr-endpoint-url-wrapped" title={group.url}>
            {group.url ? breakableUrl(group.url) : "No endpoint URL"}
          </span>
        </SimpleTableCell>
      ),
    },
    {
      id: "subscriptions",
      name: "Subscriptions",
      width: -22,
      renderCell: (_r, columnIndex, column, group) => (
        <TwoLineTableCell
          key={columnIndex}
          columnIndex={columnIndex}
          tableColumn={column}
          line1={countOf(group.rows.length)}
          line2={<span className="hr-filters-text">{eventsOf(group)}</span>}
        />
      ),
    },
    {
      id: "status",
      name: "Worst status",
      width: STATUS_COLUMN_WIDTH,
      renderCell: (_r, columnIndex, column, group) => (
        <SimpleTableCell key={columnIndex} columnIndex={columnIndex} tableColumn={column}>
          <StatusPill subscription={group.worst} />
        </SimpleTableCell>
      ),
    },
    {
      id: "rate",
      name: "Combined success rate",
      width: -20,
      renderCell: (_r, columnIndex, column, group) => (
        <RateCell key={columnIndex} columnIndex={columnIndex} column={column} group={group} onNeedHealth={onNeedHealth} />
      ),
    },
    {
      id: "open",
      name: "Actions",
      width: 112,
      renderCell: (_r, columnIndex, column, group) => (
        <SimpleTableCell key={columnIndex} columnIndex={columnIndex} tableColumn={column}>
          <Button text="Manage" subtle ariaLabel={`Manage endpoint ${group.url}`} onClick={() => onOpen(group)} />
        </SimpleTableCell>
      ),
    },
  ];
}

/** The URL with a line-break opportunity after each "/", so it wraps between its parts rather than inside them. */
function breakableUrl(url: string): React.ReactNode {
  return url.split(/(?<=\/)/).map((part, index) => (
    <React.Fragment key={index}>
      {index > 0 ? <wbr /> : null}
      {part}
    </React.Fragment>
  ));
}

function countOf(count: number): string {
  return `${count} ${count === 1 ? "subscription" : "subscriptions"}`;
}

function eventsOf(group: EndpointGroup): string {
  return [...new Set(group.rows.map((r) => describeEvent(r.subscription.eventType)))].join(", ");
}

interface RateCellProps {
  columnIndex: number;
  column: Column;
  group: EndpointGroup;
  onNeedHealth: (subscriptionIds: string[]) => void;
}

/** Mounted only while its row is on screen: then its subscriptions' history is asked for (each once, in batches). */
function RateCell(props: RateCellProps): JSX.Element {
  const { group, onNeedHealth } = props;
  const missing = group.rows.filter((r) => r.health === undefined).map((r) => r.subscription.id);
  const missingKey = missing.join(",");
  React.useEffect(() => {
    if (missingKey) onNeedHealth(missingKey.split(","));
  }, [missingKey, onNeedHealth]);
  const [rate, basis] = combinedRateInWords(group);
  return <TwoLineTableCell columnIndex={props.columnIndex} tableColumn={props.column} line1={rate} line2={basis} />;
}
