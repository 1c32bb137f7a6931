/**
 * Delivers events to subscriptions of our contributed consumer the way Azure DevOps Server 2022 does
 * (service-hooks-internals §4): transient retries, probation windows with dropped events,
 * disabledBySystem, and a notification history row per delivery. Time can be compressed.
 */
import { refusedAddressOf, resolveWithDns, type HostResolver } from "../core/addresses";
import { confidentialIdsOf, findAction, findConsumer } from "../core/consumers";
import { NotificationResult, NotificationStatus, SubscriptionStatus } from "../core/contracts";
import { maskInputs } from "../core/masking";
import { buildRequest, HISTORY_LIMIT, responseText, type OutgoingRequest } from "../core/request";
import {
  DETAILS_RETENTION_DAYS,
  UNSAVED_SUBSCRIPTION_ID,
  type DevhostState,
  type NotificationDetails,
  type StoredNotification,
  type StoredSubscription,
} from "../core/state";
import { checkInputAddresses, resolveConsumer, validateConsumerInputs } from "../core/validation";
import { MAX_PROBATION_RETRIES, MAX_TRANSIENT_RETRIES, probationWindow, retryDelay } from "./backoff";
import { testSampleEvent } from "./testSample";
import { sendDelivery, type DeliveryResponse, type SendOptions } from "./transport";

/** Sends one delivery; the default goes over the network (transport.ts). */
export type DeliverySender = (url: string, options: SendOptions) => Promise<DeliveryResponse>;

export interface DeliveryOptions {
  /** Multiplies every delay and window: 0.001 turns a 20-minute probation window into 1.2 s. Default 1. */
  timeScale?: number;
  /** Deliver to http://127.0.0.1 / localhost (see loopback.ts). Default false, as Azure DevOps. */
  allowHttp?: boolean;
  /** Deliver to private, loopback and link-local addresses. Default false: Azure DevOps Services refuses them at every send. */
  allowLocalDelivery?: boolean;
  /** How delivery URLs' hosts are resolved for that check; default DNS. */
  resolveHost?: HostResolver;
  /**
   * Show a notification waiting for a transient retry as `queuedForRetry` (40), as the 7.2 contract
   * (2026) allows. Default false: Server 2022 has no such status. Which status it shows instead is not
   * in the reference; the stand-in shows `queued` again, since the retry is queued in memory.
   */
  queuedForRetryStatus?: boolean;
  /** PEM certificates to trust besides Node's default CAs, e.g. the local companion's self-signed one. */
  trustedCertificates?: string[];
  /** Replaces the network sender, e.g. to answer deliveries in-process in component tests. */
  send?: DeliverySender;
  /** Request timeout; default 30 s × timeScale, but never under 2 s so a busy machine does not fake timeouts. */
  timeoutMs?: number;
  random?: () => number;
  now?: () => Date;
  log?: (message: string) => void;
}

type Outcome = "success" | "transient" | "gone" | "enduring";

const DAY = 86_400_000;
/** How often the retention cleanup runs. */
const RETENTION_INTERVAL_MS = 3_600_000;
const UNABLE_TO_SEND = "The Service Hooks service was unable to send the notification to the target consumer.";

function classify(status: number): Outcome {
  if (status >= 200 && status < 300) return "success";
  if ([408, 502, 503, 504].includes(status)) return "transient";
  if (status === 410) return "gone";
  return "enduring";
}

interface Delivery {
  notificationId: number;
  subscriptionId: string;
  inputs: Record<string, string>;
  consumerId: string;
  actionId: string;
  event: Record<string, unknown>;
  isTest: boolean;
}

export class DeliveryEngine {
  private readonly inFlight = new Set<Promise<void>>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly intervals = new Set<NodeJS.Timeout>();
  private timeScale: number;
  private readonly random: () => number;
  private readonly now: () => Date;
  private readonly log: (message: string) => void;
  private closed = false;

  constructor(
    private readonly state: DevhostState,
    private readonly options: DeliveryOptions = {},
  ) {
    this.timeScale = options.timeScale ?? 1;
    this.random = options.random ?? Math.random;
    this.now = options.now ?? (() => new Date());
    this.log = options.log ?? (() => undefined);
  }

  /** Runs the retention cleanup now and then hourly, until close(). */
  startRetention(): void {
    this.cleanUpDetails();
    const retention = setInterval(() => this.cleanUpDetails(), RETENTION_INTERVAL_MS);
    retention.unref();
    this.intervals.add(retention);
  }

  /** The service's cleanup job: notification details older than 7 days are deleted (the rows stay). */
  cleanUpDetails(): number {
    return this.state.deleteNotificationDetails(new Date(this.now().getTime() - DETAILS_RETENTION_DAYS * DAY));
  }

  setTimeScale(timeScale: number): void {
    if (!(timeScale > 0)) throw new Error("timeScale must be a positive number");
    this.timeScale = timeScale;
  }

  getTimeScale(): number {
    return this.timeScale;
  }

  /**
   * Hands one published event to one subscription. Returns the notification created, or undefined
   * when the subscription is on probation inside its window (the event is dropped, as Azure DevOps does).
   */
  deliverEvent(subscription: StoredSubscription, event: Record<string, unknown>): StoredNotification | undefined {
    if (!findConsumer(subscription.consumerId)?.deliverable) return undefined;
    if (subscription.status === SubscriptionStatus.OnProbation && !this.probeDue(subscription)) {
      this.state.countDropped(subscription.id);
      this.log(`[devhost] event ${String(event.id)} dropped: subscription ${subscription.id} is on probation`);
      return undefined;
    }
    const notification = this.createNotification(subscription.id, subscription, event);
    this.start({
      notificationId: notification.id,
      subscriptionId: subscription.id,
      inputs: { ...subscription.consumerInputs },
      consumerId: subscription.consumerId,
      actionId: subscription.consumerActionId,
      event,
      isTest: false,
    });
    return notification;
  }

  /** POST …/TestNotifications by `testerId`: the canned sample, queued at once, delivered once, no side effects. */
  async sendTest(request: Record<string, unknown>, testerId: string): Promise<StoredNotification> {
    const requested = (request.details ?? {}) as Record<string, unknown>;
    const subscriptionId = String(request.subscriptionId ?? UNSAVED_SUBSCRIPTION_ID).toLowerCase();
    const stored = subscriptionId === UNSAVED_SUBSCRIPTION_ID ? undefined : this.state.subscription(subscriptionId);
    const eventType = String(requested.eventType ?? stored?.eventType ?? "");
    const { consumer, action } = resolveConsumer(requested.consumerId ?? stored?.consumerId, requested.consumerActionId ?? stored?.consumerActionId, eventType);
    const inputs = validateConsumerInputs(consumer, action.id, requested.consumerInputs ?? (stored && maskInputs(stored.consumerId, stored.consumerInputs)), {
      allowHttp: this.options.allowHttp ?? false,
      stored: stored?.consumerId === consumer.id ? stored.consumerInputs : undefined,
    });
    await checkInputAddresses(consumer, action.id, inputs, this.addressRule());
    const event = testSampleEvent(eventType, this.now());
    const publisherInputs = (requested.publisherInputs ?? stored?.publisherInputs ?? {}) as Record<string, string>;
    const notification = this.createNotification(subscriptionId, {
      subscriberId: stored?.subscriberId ?? testerId,
      eventType,
      publisherId: String(requested.publisherId ?? stored?.publisherId ?? "tfs"),
      publisherInputs,
      consumerId: consumer.id,
      consumerActionId: action.id,
      consumerInputs: inputs,
    }, event);
    const snapshot = structuredClone(notification);
    this.start({ notificationId: notification.id, subscriptionId, inputs, consumerId: consumer.id, actionId: action.id, event, isTest: true });
    return snapshot;
  }

  /** Resolves when every delivery started so far (including scheduled retries) has finished. */
  async idle(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight]);
  }

  close(): void {
    this.closed = true;
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    for (const interval of this.intervals) clearInterval(interval);
    this.intervals.clear();
  }

  private probeDue(subscription: StoredSubscription): boolean {
    const since = Date.parse(subscription.lastProbationRetryDate ?? subscription.modifiedDate);
    const window = probationWindow(subscription.probationRetries + 1, this.random) * this.timeScale;
    if (this.now().getTime() - since < window) return false;
    this.state.updateSubscription(subscription.id, {
      probationRetries: subscription.probationRetries + 1,
      lastProbationRetryDate: this.now().toISOString(),
    });
    return true;
  }

  private createNotification(
    subscriptionId: string,
    source: Pick<StoredSubscription, "subscriberId" | "eventType" | "publisherId" | "publisherInputs" | "consumerId" | "consumerActionId" | "consumerInputs">,
    event: Record<string, unknown>,
  ): StoredNotification {
    const now = this.now().toISOString();
    return this.state.addNotification({
      subscriptionId,
      subscriberId: source.subscriberId,
      eventId: String(event.id),
      status: NotificationStatus.Queued,
      result: NotificationResult.Pending,
      createdDate: now,
      modifiedDate: now,
      details: {
        event: storedEvent(event),
        eventType: source.eventType,
        publisherId: source.publisherId,
        publisherInputs: { ...source.publisherInputs },
        consumerId: source.consumerId,
        consumerActionId: source.consumerActionId,
        consumerInputs: maskInputs(source.consumerId, source.consumerInputs),
        request: null,
        response: null,
        errorMessage: null,
        errorDetail: null,
        queuedDate: now,
        dequeuedDate: null,
        processedDate: null,
        completedDate: null,
        requestDuration: 0,
        requestAttempts: 0,
      },
    });
  }

  private start(delivery: Delivery, attempt = 0, delayMs = 0): void {
    if (this.closed) return;
    let finish!: () => void;
    const done = new Promise<void>((resolve) => (finish = resolve));
    this.inFlight.add(done);
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      this.attempt(delivery, attempt)
        .catch((error: unknown) => this.log(`[devhost] delivery crashed: ${(error as Error).stack}`))
        .finally(() => {
          this.inFlight.delete(done);
          finish();
        });
    }, delayMs);
    this.timers.add(timer);
  }

  private addressRule() {
    return { allowLocalDelivery: this.options.allowLocalDelivery ?? false, resolveHost: this.options.resolveHost ?? resolveWithDns };
  }

  private update(id: number, patch: Partial<StoredNotification>, details: Partial<NotificationDetails> = {}): StoredNotification {
    const notification = this.state.notification(id)!;
    Object.assign(notification, patch, { modifiedDate: this.now().toISOString() });
    if (notification.details) Object.assign(notification.details, details);
    this.state.changed();
    return notification;
  }

  private async attempt(delivery: Delivery, attempt: number): Promise<void> {
    const startedAt = this.now();
    const notification = this.update(delivery.notificationId, { status: NotificationStatus.RequestInProgress }, { dequeuedDate: startedAt.toISOString() });
    let request: OutgoingRequest;
    try {
      request = this.build(delivery);
    } catch (error) {
      // Building failed: the notification fails, the subscription's status is not touched.
      this.complete(delivery, NotificationResult.Failed, { errorMessage: UNABLE_TO_SEND, errorDetail: (error as Error).message });
      return;
    }
    this.update(delivery.notificationId, {}, {
      event: storedEvent(request.event),
      request: request.historyText,
      requestAttempts: (notification.details?.requestAttempts ?? 0) + 1,
    });
    const outcome = await this.send(request, delivery.notificationId);
    this.update(delivery.notificationId, {}, {
      requestDuration: (this.now().getTime() - startedAt.getTime()) / 1000,
      processedDate: this.now().toISOString(),
    });
    this.settle(delivery, attempt, outcome);
  }

  private build(delivery: Delivery): OutgoingRequest {
    const consumer = findConsumer(delivery.consumerId);
    const action = consumer && findAction(consumer, delivery.actionId);
    if (!action) throw new Error(`No actions are associated with the specified consumer identifier.`);
    if (!action.supportedEventTypes.includes(String(delivery.event.eventType)) && !action.supportedEventTypes.includes("*")) {
      throw new Error(`No matching event handler method was found for event type '${String(delivery.event.eventType)}'.`);
    }
    return buildRequest({
      consumerId: delivery.consumerId,
      actionId: action.id,
      publishEvent: action.publishEvent,
      inputs: delivery.inputs,
      confidentialIds: confidentialIdsOf(delivery.consumerId),
      event: delivery.event,
      allowHttp: this.options.allowHttp ?? false,
    });
  }

  /** Checked on every send; a refused address is an enduring failure like a refused connection. */
  private async checkAddress(url: string): Promise<void> {
    const rule = this.addressRule();
    if (rule.allowLocalDelivery) return;
    const address = await refusedAddressOf(url, rule.resolveHost);
    // The service's exact wording is not in the reference.
    if (address) throw new Error(`The host of '${url}' resolves to ${address}, an address Azure DevOps does not deliver to.`);
  }

  private timeoutMs(): number {
    return this.options.timeoutMs ?? Math.max(2000, 30_000 * this.timeScale);
  }

  private async send(request: OutgoingRequest, notificationId: number): Promise<Outcome> {
    try {
      await this.checkAddress(request.url);
      const response = await (this.options.send ?? sendDelivery)(request.url, {
        headers: request.headers,
        body: request.body,
        timeoutMs: this.timeoutMs(),
        trustedCertificates: this.options.trustedCertificates,
      });
      const outcome = classify(response.status);
      this.update(notificationId, {}, {
        response: responseText(response.status, response.statusText, response.headers),
        ...(outcome === "success"
          ? { errorMessage: null, errorDetail: null }
          : { errorMessage: `Response status code does not indicate success: ${response.status} (${response.statusText}).`, errorDetail: null }),
      });
      return outcome;
    } catch (error) {
      const timedOut = (error as Error).name === "TimeoutError";
      this.update(notificationId, {}, {
        response: null,
        errorMessage: timedOut ? "A task was canceled." : "An error occurred while sending the request.",
        errorDetail: timedOut ? `The request timed out after ${this.timeoutMs()} ms.` : (error as Error).message,
      });
      return timedOut ? "transient" : "enduring";
    }
  }

  private settle(delivery: Delivery, attempt: number, outcome: Outcome): void {
    if (outcome === "transient" && !delivery.isTest && attempt < MAX_TRANSIENT_RETRIES) {
      const waiting = this.options.queuedForRetryStatus ? NotificationStatus.QueuedForRetry : NotificationStatus.Queued;
      this.update(delivery.notificationId, { status: waiting });
      this.start(delivery, attempt + 1, retryDelay(attempt + 1, this.random) * this.timeScale);
      return;
    }
    const succeeded = outcome === "success";
    this.complete(delivery, succeeded ? NotificationResult.Succeeded : NotificationResult.Failed);
    if (!delivery.isTest) this.updateSubscriptionAfter(delivery.subscriptionId, outcome);
  }

  private complete(delivery: Delivery, result: number, details: Partial<NotificationDetails> = {}): void {
    this.update(delivery.notificationId, { status: NotificationStatus.Completed, result }, { ...details, completedDate: this.now().toISOString() });
  }

  private updateSubscriptionAfter(subscriptionId: string, outcome: Outcome): void {
    const subscription = this.state.subscription(subscriptionId);
    if (!subscription) return;
    const now = this.now().toISOString();
    if (outcome === "success") {
      this.state.updateSubscription(subscriptionId, {
        lastSuccessfulAttemptDate: now,
        ...(subscription.status === SubscriptionStatus.OnProbation
          ? { status: SubscriptionStatus.Enabled, probationRetries: 0, lastProbationRetryDate: null }
          : {}),
      });
    } else if (outcome === "gone") {
      this.state.updateSubscription(subscriptionId, { status: SubscriptionStatus.DisabledBySystem, probationRetries: 0 });
    } else if (subscription.status === SubscriptionStatus.Enabled) {
      this.state.updateSubscription(subscriptionId, { status: SubscriptionStatus.OnProbation, probationRetries: 0, lastProbationRetryDate: now });
    } else if (subscription.status === SubscriptionStatus.OnProbation && subscription.probationRetries >= MAX_PROBATION_RETRIES) {
      this.state.updateSubscription(subscriptionId, { status: SubscriptionStatus.DisabledBySystem });
    }
  }
}

/** The history keeps at most 64,000 characters of event JSON; beyond that the resource is dropped. */
function storedEvent(event: Record<string, unknown>): Record<string, unknown> {
  return JSON.stringify(event).length > HISTORY_LIMIT ? { ...event, resource: "Truncated" } : event;
}
