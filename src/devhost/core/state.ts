/**
 * The stand-in's whole world: one organization, its projects and Git repositories, service-hook
 * subscriptions and their notification history. Plain JSON, so it can live in a file.
 *
 * Stored values are the server's own: confidential consumer inputs are kept in clear here
 * (the real service keeps them in its secret store) and masked by the API on every read.
 */
import { existsSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import type { NotificationResult, NotificationStatus, SubscriptionStatus } from "./contracts";

export type IsoDate = string;

export interface Identity {
  id: string;
  displayName: string;
  uniqueName: string;
  descriptor: string;
}

export interface Project {
  id: string;
  name: string;
  description: string;
  /** Identity ids of the Project Administrators group: they may view every subscription's diagnostics. */
  administrators: string[];
}

export interface Repository {
  id: string;
  name: string;
  projectId: string;
  defaultBranch: string;
  /** Full ref names: "refs/heads/main". */
  branches: string[];
}

export interface StoredSubscription {
  id: string;
  status: SubscriptionStatus;
  publisherId: string;
  eventType: string;
  resourceVersion: string | null;
  eventDescription: string;
  consumerId: string;
  consumerActionId: string;
  actionDescription: string;
  publisherInputs: Record<string, string>;
  /** Clear values, including confidential ones. */
  consumerInputs: Record<string, string>;
  subscriberId: string;
  createdById: string;
  modifiedById: string;
  createdDate: IsoDate;
  modifiedDate: IsoDate;
  probationRetries: number;
  lastProbationRetryDate: IsoDate | null;
  lastSuccessfulAttemptDate: IsoDate | null;
}

/** What the service fills in itself when a subscription is created by `userId` at `now`. */
export function newSubscriptionBookkeeping(userId: string, now: IsoDate) {
  return {
    resourceVersion: null,
    subscriberId: userId,
    createdById: userId,
    modifiedById: userId,
    createdDate: now,
    modifiedDate: now,
    probationRetries: 0,
    lastProbationRetryDate: null,
    lastSuccessfulAttemptDate: null,
  } satisfies Partial<StoredSubscription>;
}

export interface NotificationDetails {
  event: Record<string, unknown> | null;
  eventType: string;
  publisherId: string;
  publisherInputs: Record<string, string>;
  consumerId: string;
  consumerActionId: string;
  /** Masked as the real history shows them. */
  consumerInputs: Record<string, string>;
  request: string | null;
  response: string | null;
  errorMessage: string | null;
  errorDetail: string | null;
  queuedDate: IsoDate;
  dequeuedDate: IsoDate | null;
  processedDate: IsoDate | null;
  completedDate: IsoDate | null;
  requestDuration: number;
  requestAttempts: number;
}

export interface StoredNotification {
  id: number;
  subscriptionId: string;
  subscriberId: string;
  eventId: string;
  status: NotificationStatus;
  result: NotificationResult;
  createdDate: IsoDate;
  modifiedDate: IsoDate;
  /** Gone once the retention cleanup has run past it (DETAILS_RETENTION_DAYS). */
  details?: NotificationDetails;
}

/** The subscriptionId of a test notification sent from the wizard before its subscription was saved (Guid.Empty). */
export const UNSAVED_SUBSCRIPTION_ID = "00000000-0000-0000-0000-000000000000";

/** The service's cleanup job deletes notification details older than this (CleanupNotificationDetails(7)). */
export const DETAILS_RETENTION_DAYS = 7;

export interface DevhostData {
  organization: string;
  collectionId: string;
  /** Who the host page signs in as unless told otherwise (`--user`, `?user=`). */
  currentUserId: string;
  identities: Identity[];
  /** Identity ids of the Project Collection Administrators group. */
  collectionAdmins: string[];
  /** Group name → unique names of its members, for the pushedBy / createdBy / reviewer filters. */
  groups: Record<string, string[]>;
  projects: Project[];
  repositories: Repository[];
  subscriptions: StoredSubscription[];
  notifications: StoredNotification[];
  nextNotificationId: number;
  /** Events skipped inside a probation window, per subscription. Devhost-only: the real service only logs them. */
  droppedOnProbation: Record<string, number>;
}

export const DEFAULT_USER: Identity = {
  id: "d6245f20-2af8-44f4-9451-8107cb2767db",
  displayName: "Jamal Hartnett",
  uniqueName: "fabrikamfiber4@hotmail.com",
  descriptor: "aad.ZDYyNDVmMjAtMmFmOC03NGY0LTk0NTEtODEwN2NiMjc2N2Ri",
};

export function emptyData(organization = "fabrikam"): DevhostData {
  return {
    organization,
    collectionId: "c12d0eb8-e382-443b-9f9c-c52cba5014c2",
    currentUserId: DEFAULT_USER.id,
    identities: [DEFAULT_USER],
    collectionAdmins: [DEFAULT_USER.id],
    groups: {},
    projects: [],
    repositories: [],
    subscriptions: [],
    notifications: [],
    nextNotificationId: 1,
    droppedOnProbation: {},
  };
}

export interface StateOptions {
  organization?: string;
  /** Persist to this JSON file (loaded when it exists, rewritten shortly after each change). */
  file?: string;
}

/** The in-memory model with a small mutation API; every change goes through `changed()`. */
export class DevhostState {
  data: DevhostData;
  private readonly file?: string;
  private saveTimer?: NodeJS.Timeout;
  private readonly listeners = new Set<() => void>();

  constructor(options: StateOptions = {}) {
    this.file = options.file;
    this.data = this.file && existsSync(this.file) ? loadFile(this.file) : emptyData(options.organization);
  }

  get organization(): string {
    return this.data.organization;
  }

  currentUser(): Identity {
    return this.identity(this.data.currentUserId) ?? DEFAULT_USER;
  }

  identity(id: string): Identity | undefined {
    return this.data.identities.find((i) => i.id === id);
  }

  project(idOrName: string): Project | undefined {
    const key = idOrName.toLowerCase();
    return this.data.projects.find((p) => p.id.toLowerCase() === key || p.name.toLowerCase() === key);
  }

  repository(idOrName: string, projectId?: string): Repository | undefined {
    const key = idOrName.toLowerCase();
    return this.data.repositories.find(
      (r) => (r.id.toLowerCase() === key || r.name.toLowerCase() === key) && (!projectId || r.projectId === projectId),
    );
  }

  subscription(id: string): StoredSubscription | undefined {
    const key = id.toLowerCase();
    return this.data.subscriptions.find((s) => s.id === key);
  }

  addSubscription(subscription: StoredSubscription): StoredSubscription {
    this.data.subscriptions.push(subscription);
    this.changed();
    return subscription;
  }

  updateSubscription(id: string, patch: Partial<StoredSubscription>): StoredSubscription {
    const subscription = this.subscription(id);
    if (!subscription) throw new Error(`No subscription ${id}`);
    Object.assign(subscription, patch);
    this.changed();
    return subscription;
  }

  /** Deletes the subscription and its notification history, which then answers 404 as the service's does. */
  deleteSubscription(id: string): boolean {
    const key = id.toLowerCase();
    const before = this.data.subscriptions.length;
    this.data.subscriptions = this.data.subscriptions.filter((s) => s.id !== key);
    this.data.notifications = this.data.notifications.filter((n) => n.subscriptionId !== key);
    this.changed();
    return this.data.subscriptions.length !== before;
  }

  addNotification(notification: Omit<StoredNotification, "id">): StoredNotification {
    const stored = { ...notification, id: this.data.nextNotificationId++ };
    this.data.notifications.push(stored);
    this.changed();
    return stored;
  }

  notification(id: number): StoredNotification | undefined {
    return this.data.notifications.find((n) => n.id === id);
  }

  notificationsOf(subscriptionId: string): StoredNotification[] {
    const key = subscriptionId.toLowerCase();
    return this.data.notifications.filter((n) => n.subscriptionId === key);
  }

  /** The retention cleanup: drops the details of notifications created before `cutoff`; the rows stay. */
  deleteNotificationDetails(cutoff: Date): number {
    let deleted = 0;
    for (const notification of this.data.notifications) {
      if (notification.details && Date.parse(notification.createdDate) < cutoff.getTime()) {
        delete notification.details;
        deleted++;
      }
    }
    if (deleted > 0) this.changed();
    return deleted;
  }

  countDropped(subscriptionId: string): void {
    this.data.droppedOnProbation[subscriptionId] = (this.data.droppedOnProbation[subscriptionId] ?? 0) + 1;
    this.changed();
  }

  /** Replace everything, e.g. for a reset from a test. */
  replace(data: DevhostData): void {
    this.data = data;
    this.changed();
  }

  onChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  changed(): void {
    for (const listener of this.listeners) listener();
    if (this.file && !this.saveTimer) {
      this.saveTimer = setTimeout(() => this.flush(), 200);
      this.saveTimer.unref();
    }
  }

  /** Write pending changes now (also called on shutdown). */
  flush(): void {
    clearTimeout(this.saveTimer);
    this.saveTimer = undefined;
    if (!this.file) return;
    const temporary = `${this.file}.tmp`;
    writeFileSync(temporary, JSON.stringify(this.data, null, 2));
    renameSync(temporary, this.file);
  }
}

function loadFile(file: string): DevhostData {
  const parsed = JSON.parse(readFileSync(file, "utf8")) as Partial<DevhostData>;
  const data = { ...emptyData(parsed.organization), ...parsed };
  // State files written before projects had administrators.
  data.projects = data.projects.map((p) => ({ ...p, administrators: p.administrators ?? [] }));
  return data;
}
