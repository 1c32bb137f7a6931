import * as React from "react";
import { Card } from "azure-devops-ui/Card";
import { Header, TitleSize } from "azure-devops-ui/Header";
import type { IHeaderCommandBarItem } from "azure-devops-ui/HeaderCommandBar";
import { Page } from "azure-devops-ui/Page";
import { Spinner, SpinnerSize } from "azure-devops-ui/Spinner";
import { Toggle } from "azure-devops-ui/Toggle";
import { ZeroData, ZeroDataActionType } from "azure-devops-ui/ZeroData";
import type { GitRepository } from "azure-devops-extension-api/Git";
import type { Subscription } from "azure-devops-extension-api/ServiceHooks";
import type { HooksService } from "./services/HooksService";
import { HealthLoader } from "./services/healthLoader";
import { loadPageLists, type PageLists } from "./services/pageLists";
import type { RowHealth } from "./model/notifications";
import { needsReenable } from "./model/status";
import { describeEvent } from "./model/filters";
import { filterRows, queryTerms, sortRows, wordsById, type RowWords, type SortState } from "./model/tableView";
import { BulkReenableDialog } from "./components/BulkReenableDialog";
import { ConfirmDialog } from "./components/ConfirmDialog";
import { EditSubscriptionDialog } from "./edit/EditSubscriptionDialog";
import { EndpointsView } from "./endpoints/EndpointsView";
import { ErrorCard } from "./components/ErrorCard";
import { KeywordFilter } from "./components/KeywordFilter";
import { NewSubscriptionDialog } from "./components/NewSubscriptionDialog";
import { SubscriptionPanel } from "./components/SubscriptionPanel";
import { SubscriptionsTable, type SubscriptionRow } from "./components/SubscriptionsTable";
import type { TestPolling } from "./components/TestButton";
import { Toasts, type ToastMessage } from "./components/Toasts";
import { ConnectPanel } from "./connect/ConnectPanel";

export interface HubProps {
  service: HooksService;
  /** How the Test action follows its notification. */
  testPolling?: TestPolling;
  /** The first load of the lists, when the caller started it before rendering the page (see index.tsx). */
  preloaded?: Promise<PageLists>;
}

type OpenDialog =
  | { kind: "none" }
  | { kind: "new" }
  | { kind: "connect" }
  | { kind: "bulk" }
  | { kind: "delete"; subscription: Subscription }
  | { kind: "edit"; subscription: Subscription };

const DEFAULT_POLLING: TestPolling = { intervalMs: 1000, timeoutMs: 60_000 };

export function Hub(props: HubProps): JSX.Element {
  const { service } = props;
  const [showAll, setShowAll] = React.useState(false);
  const [byEndpoint, setByEndpoint] = React.useState(false);
  const [reloads, setReloads] = React.useState(0);
  const { subscriptions, setSubscriptions, repositories, error, loadCount } = useSubscriptions(service, showAll, reloads, props.preloaded);
  const { health, requestHealth, reloadHealth } = useDeliveryHealth(service, loadCount);
  const [selectedId, setSelectedId] = React.useState<string>();
  const [dialog, setDialog] = React.useState<OpenDialog>({ kind: "none" });
  const [busy, setBusy] = React.useState(false);
  const [actionError, setActionError] = React.useState<unknown>();
  const [toast, setToast] = React.useState<ToastMessage>();
  const notify = React.useCallback((text: string) => setToast({ id: Date.now(), text }), []);
  const clearToast = React.useCallback(() => setToast(undefined), []);

  const repositoryNames = React.useMemo(() => new Map(repositories.map((r) => [r.id.toLowerCase(), r.name])), [repositories]);
  const rows = React.useMemo<SubscriptionRow[]>(
    () => (subscriptions ?? []).map((s) => ({ subscription: s, health: health.get(s.id.toLowerCase()) })),
    [subscriptions, health],
  );
  const { query, setQuery, sort, setSort, shownRows, filtering } = useTableView(subscriptions, rows, repositoryNames);
  React.useEffect(() => {
    // Sorting by last delivery needs every row's history, not only the rows on screen.
    if (sort?.column === "lastDelivery" && subscriptions) requestHealth(subscriptions.map((s) => s.id));
  }, [sort, subscriptions, requestHealth]);
  const needHealth = React.useCallback((id: string) => requestHealth([id]), [requestHealth]);
  const open = React.useCallback((s: Subscription) => {
    setActionError(undefined);
    setSelectedId(s.id);
  }, []);
  const editable = (s: Subscription) => !showAll && isOurs(s, service);
  const toReenable = React.useMemo(
    () => (showAll ? [] : (subscriptions ?? []).filter((s) => isOurs(s, service) && needsReenable(s))),
    [showAll, subscriptions, service],
  );
  const selected = subscriptions?.find((s) => s.id === selectedId);

  const replace = React.useCallback(
    (updated: Subscription) => setSubscriptions((list) => list.map((s) => (s.id === updated.id ? updated : s))),
    [setSubscriptions],
  );
  const removed = React.useCallback((id: string) => setSubscriptions((list) => list.filter((s) => s.id !== id)), [setSubscriptions]);
  const act = async (work: () => Promise<void>) => {
    setBusy(true);
    setActionError(undefined);
    try {
      await work();
    } catch (e) {
      setActionError(e);
    } finally {
      setBusy(false);
    }
  };

  const setEnabled = (s: Subscription, enabled: boolean) =>
    act(async () => {
      replace(await (enabled ? service.enable(s) : service.disable(s)));
      notify(`${describeEvent(s.eventType)} subscription ${enabled ? "enabled" : "disabled"}.`);
    });
  const remove = (s: Subscription) =>
    act(async () => {
      await service.deleteSubscription(s.id);
      removed(s.id);
      setSelectedId(undefined);
      notify(`${describeEvent(s.eventType)} subscription deleted.`);
    }).finally(() => setDialog({ kind: "none" }));
  const reenableAll = () =>
    act(async () => {
      let done = 0;
      const failures: unknown[] = [];
      for (const s of toReenable) {
        try {
          replace(await service.enable(s));
          done++;
        } catch (e) {
          failures.push(e);
        }
      }
      notify(`Re-enabled ${done} of ${done + failures.length} subscriptions.`);
      if (failures.length > 0) throw failures[0];
    }).finally(() => setDialog({ kind: "none" }));
  const save = async (body: Subscription) => {
    replace(await service.replaceSubscription(body));
    setDialog({ kind: "none" });
    notify(`${describeEvent(body.eventType)} subscription saved.`);
  };
  const create = async (body: Subscription) => {
    const created = await service.createSubscription(body);
    setSubscriptions((list) => [created, ...list]);
    setDialog({ kind: "none" });
    notify(`${describeEvent(created.eventType)} subscription created.`);
  };

  const addCreated = React.useCallback(
    (created: Subscription) => setSubscriptions((list) => [created, ...list.filter((s) => s.id !== created.id)]),
    [setSubscriptions],
  );

  const canReenable = toReenable.length > 0 && !busy;
  const commands = React.useMemo<IHeaderCommandBarItem[]>(
    () => [
      { id: "connect", text: "Connect an endpoint", isPrimary: true, iconProps: { iconName: "PlugConnected" }, disabled: showAll, onActivate: () => setDialog({ kind: "connect" }) },
      // One subscription at a time is the rarer need: it waits in the overflow menu so the rest fit at 1280 px.
      { id: "new", text: "New subscription", important: false, iconProps: { iconName: "Add" }, disabled: showAll, onActivate: () => setDialog({ kind: "new" }) },
      { id: "reenable", text: "Re-enable all", iconProps: { iconName: "PlayResume" }, disabled: !canReenable, onActivate: () => setDialog({ kind: "bulk" }) },
      { id: "refresh", text: "Refresh", iconProps: { iconName: "Refresh" }, onActivate: () => setReloads((n) => n + 1) },
    ],
    [showAll, canReenable],
  );

  return (
    <Page className="flex-grow hr-page">
      <PageHeader projectName={service.context.projectName} commands={commands} />
      <div className="page-content page-content-top hr-content">
        <Toggle
          text="Show every subscription of this project (all consumers, read-only)"
          ariaLabel="Show every subscription of this project, read-only"
          checked={showAll}
          onChange={(_e, checked) => {
            setShowAll(checked);
            setSelectedId(undefined);
          }}
        />
        <Toggle text="Group by endpoint" checked={byEndpoint} onChange={(_e, checked) => setByEndpoint(checked)} />
        {actionError && !selected ? <ErrorCard error={actionError} operation="edit" /> : null}
        {error ? <ErrorCard error={error} onRetry={() => setReloads((n) => n + 1)} /> : null}
        {!error && !subscriptions ? <Spinner size={SpinnerSize.large} label="Loading subscriptions…" /> : null}
        {subscriptions && subscriptions.length === 0 ? (
          <ZeroData
            imageAltText=""
            iconProps={{ iconName: "PlugDisconnected" }}
            primaryText={showAll ? "This project has no service hook subscriptions" : "No Hook Relay subscriptions in this project yet"}
            secondaryText="Connect an endpoint subscribes your Hook Relay endpoint's https:// URL and token to the Git events you choose, in the whole project or in chosen repositories, in one step. New subscription creates a single one."
            actionText={showAll ? undefined : "Connect an endpoint"}
            actionType={ZeroDataActionType.ctaButton}
            onActionClick={() => setDialog({ kind: "connect" })}
          />
        ) : null}
        {subscriptions && subscriptions.length > 0 ? (
          <KeywordFilter value={query} onChange={setQuery} active={filtering} shown={shownRows.length} total={rows.length} />
        ) : null}
        {subscriptions && subscriptions.length > 0 && shownRows.length === 0 ? (
          <ZeroData
            imageAltText=""
            iconProps={{ iconName: "Filter" }}
            primaryText={`No subscriptions match "${query.trim()}"`}
            secondaryText="The filter looks for every word in the event, its filters, the endpoint URL, the status and who created the subscription."
            actionText="Clear filter"
            actionType={ZeroDataActionType.ctaButton}
            onActionClick={() => setQuery("")}
          />
        ) : null}
        {shownRows.length > 0 ? (
          <Card className="bolt-table-card flex-grow" contentProps={{ contentPadding: false }}>
            {byEndpoint ? (
              <EndpointsView
                service={service}
                rows={shownRows}
                repositories={repositoryNames}
                polling={props.testPolling ?? DEFAULT_POLLING}
                canEdit={!showAll}
                onReplaced={replace}
                onDeleted={removed}
                onTested={reloadHealth}
                onNeedHealth={requestHealth}
              />
            ) : (
              <SubscriptionsTable rows={shownRows} repositories={repositoryNames} onOpen={open} sort={sort} onSort={setSort} onNeedHealth={needHealth} />
            )}
          </Card>
        ) : null}
      </div>
      {selected ? (
        <SubscriptionPanel
          service={service}
          subscription={selected}
          repositories={repositoryNames}
          polling={props.testPolling ?? DEFAULT_POLLING}
          canEdit={editable(selected)}
          busy={busy}
          error={actionError}
          onSetEnabled={setEnabled}
          onDelete={(s) => setDialog({ kind: "delete", subscription: s })}
          onEdit={(s) => setDialog({ kind: "edit", subscription: s })}
          onTested={reloadHealth}
          onDismiss={() => {
            setActionError(undefined);
            setSelectedId(undefined);
          }}
        />
      ) : null}
      {dialog.kind === "new" ? (
        <NewSubscriptionDialog repositories={repositories} context={service.context} onCreate={create} onDismiss={() => setDialog({ kind: "none" })} />
      ) : null}
      {dialog.kind === "edit" ? (
        <EditSubscriptionDialog subscription={dialog.subscription} repositories={repositories} onSave={save} onDismiss={() => setDialog({ kind: "none" })} />
      ) : null}
      {dialog.kind === "connect" ? (
        <ConnectPanel
          service={service}
          repositories={repositories}
          polling={props.testPolling ?? DEFAULT_POLLING}
          onCreated={addCreated}
          onDismiss={() => setDialog({ kind: "none" })}
        />
      ) : null}
      {dialog.kind === "bulk" ? (
        <BulkReenableDialog subscriptions={toReenable} repositories={repositoryNames} busy={busy} onConfirm={reenableAll} onDismiss={() => setDialog({ kind: "none" })} />
      ) : null}
      {dialog.kind === "delete" ? (
        <ConfirmDialog
          title="Delete subscription?"
          confirmText="Delete"
          danger
          busy={busy}
          onConfirm={() => remove(dialog.subscription)}
          onDismiss={() => setDialog({ kind: "none" })}
        >
          <p>
            Azure DevOps stops delivering {describeEvent(dialog.subscription.eventType).toLowerCase()} events to {dialog.subscription.consumerInputs?.url ?? "this endpoint"} and
            deletes its history. This cannot be undone.
          </p>
        </ConfirmDialog>
      ) : null}
      <Toasts message={toast} onExpired={clearToast} />
    </Page>
  );
}

/**
 * Rendered again only when its commands change: the command bar measures itself after every render,
 * which forces a layout of the whole page, table included.
 */
const PageHeader = React.memo(function PageHeader(props: { projectName: string; commands: IHeaderCommandBarItem[] }) {
  return (
    <Header
      title="Hook Relay subscriptions"
      titleSize={TitleSize.Large}
      description={`Service hooks of project ${props.projectName} that deliver to Hook Relay.`}
      commandBarItems={props.commands}
    />
  );
});

interface TableView {
  query: string;
  setQuery: (query: string) => void;
  sort: SortState | undefined;
  setSort: (sort: SortState) => void;
  /** The rows that match the query, in the chosen order. */
  shownRows: SubscriptionRow[];
  filtering: boolean;
}

/**
 * Filter and sort in memory; each step recomputes only when its own inputs change. The rows' words are
 * computed only once a filter or a sort by them needs them: on 1,000 rows they would delay the first row.
 */
function useTableView(subscriptions: Subscription[] | undefined, rows: SubscriptionRow[], repositories: ReadonlyMap<string, string>): TableView {
  const [query, setQuery] = React.useState("");
  const [sort, setSort] = React.useState<SortState>();
  const needsWords = queryTerms(query).length > 0 || sort?.column === "event" || sort?.column === "endpoint";
  const words = React.useMemo(
    () => (needsWords ? wordsById(subscriptions ?? [], repositories) : NO_WORDS),
    [needsWords, subscriptions, repositories],
  );
  const matching = React.useMemo(() => filterRows(rows, words, query), [rows, words, query]);
  const shownRows = React.useMemo(() => sortRows(matching, sort, words), [matching, sort, words]);
  return { query, setQuery, sort, setSort, shownRows, filtering: queryTerms(query).length > 0 };
}

const NO_WORDS: ReadonlyMap<string, RowWords> = new Map();

function isOurs(subscription: Subscription, service: HooksService): boolean {
  return subscription.consumerId.toLowerCase() === service.context.consumerId.toLowerCase();
}

interface LoadedSubscriptions {
  subscriptions: Subscription[] | undefined;
  /** Changes the loaded list; does nothing while it loads. */
  setSubscriptions: (update: (list: Subscription[]) => Subscription[]) => void;
  repositories: GitRepository[];
  error: unknown;
  /** Counts completed loads: delivery health belongs to one load of the list. */
  loadCount: number;
}

interface ListsState {
  lists?: PageLists;
  error?: unknown;
  loadCount: number;
}

/**
 * The subscriptions and repositories, reloaded when the scope changes or the user asks. The first load
 * may come in started (`preloaded`). A load lands in one state update: React 16 does not batch updates
 * made outside its event handlers, and one render per list would render the 1,000-row table twice.
 */
function useSubscriptions(service: HooksService, showAll: boolean, reloads: number, preloaded: Promise<PageLists> | undefined): LoadedSubscriptions {
  const [state, setState] = React.useState<ListsState>({ loadCount: 0 });
  const firstLoad = React.useRef(preloaded);

  React.useEffect(() => {
    let current = true;
    const loading = firstLoad.current ?? loadPageLists(service, showAll ? "all" : "ours");
    firstLoad.current = undefined;
    setState((previous) => (previous.lists || previous.error ? { loadCount: previous.loadCount } : previous));
    loading.then(
      (lists) => current && setState((previous) => ({ lists, loadCount: previous.loadCount + 1 })),
      (error: unknown) => current && setState((previous) => ({ error, loadCount: previous.loadCount })),
    );
    return () => {
      current = false;
    };
  }, [service, showAll, reloads]);

  const setSubscriptions = React.useCallback(
    (update: (list: Subscription[]) => Subscription[]) =>
      setState((previous) => (previous.lists ? { ...previous, lists: { ...previous.lists, subscriptions: update(previous.lists.subscriptions) } } : previous)),
    [],
  );
  return {
    subscriptions: state.lists?.subscriptions,
    setSubscriptions,
    repositories: state.lists?.repositories ?? NO_REPOSITORIES,
    error: state.error,
    loadCount: state.loadCount,
  };
}

const NO_REPOSITORIES: GitRepository[] = [];

interface DeliveryHealthState {
  /** By lower-case subscription id. */
  health: Map<string, RowHealth>;
  requestHealth: (subscriptionIds: string[]) => void;
  reloadHealth: (subscriptionId: string) => void;
}

/** Delivery health of the rows asked for, batched by HealthLoader; starts over with each load of the list. */
function useDeliveryHealth(service: HooksService, loadCount: number): DeliveryHealthState {
  const [health, setHealth] = React.useState(new Map<string, RowHealth>());
  const loader = React.useMemo(
    () => new HealthLoader((ids) => service.deliveryHealth(ids), (batch) => setHealth((previous) => new Map([...previous, ...batch]))),
    // A new loader per load of the list, so a reloaded list asks again.
    [service, loadCount],
  );
  React.useEffect(() => {
    // Bail out when already empty: the first load would otherwise render the table a second time.
    setHealth((previous) => (previous.size === 0 ? previous : new Map()));
    return () => loader.close();
  }, [loader]);
  const requestHealth = React.useCallback((ids: string[]) => loader.request(ids), [loader]);
  const reloadHealth = React.useCallback((id: string) => loader.reload(id), [loader]);
  return { health, requestHealth, reloadHealth };
}
