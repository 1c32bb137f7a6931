/**
 * A fake azure-devops-extension-sdk host for component tests (jest maps the SDK here).
 * It answers what the real host answers after the handshake; tests point it at a faked
 * transport with `configureHost`, and the real azure-devops-extension-api clients do the rest.
 */
import { manifest } from "../../src/contract";

export interface FakeHost {
  /** What LocationService.getServiceLocation / getResourceAreaLocation return; must end in "/". */
  serviceRoot: string;
  project: { id: string; name: string } | undefined;
  extension: { publisherId: string; extensionId: string; version: string };
  user: { id: string; name: string; displayName: string; descriptor: string; imageUrl: string };
  accessToken: string;
}

const defaults = (): FakeHost => ({
  serviceRoot: "http://devhost.test/fabrikam/",
  project: { id: "00aa00aa-bb11-cc22-dd33-44ee44ee44ee", name: "Fabrikam-Fiber" },
  extension: { publisherId: manifest.publisher, extensionId: manifest.id, version: manifest.version },
  user: { id: "d6245f20-2af8-44f4-9451-8107cb2767db", name: "fabrikamfiber4@hotmail.com", displayName: "Jamal Hartnett", descriptor: "aad.user", imageUrl: "" },
  accessToken: "fake-access-token",
});

let host = defaults();
export const calls: { method: string; args: unknown[] }[] = [];

export function configureHost(overrides: Partial<FakeHost>): void {
  host = { ...host, ...overrides };
}

export function resetHost(): void {
  host = defaults();
  calls.length = 0;
}

function record(method: string, ...args: unknown[]): void {
  calls.push({ method, args });
}

export async function init(options?: unknown): Promise<void> {
  record("init", options);
}
export async function ready(): Promise<void> {
  record("ready");
}
export async function notifyLoadSucceeded(): Promise<void> {
  record("notifyLoadSucceeded");
}
export async function notifyLoadFailed(error: unknown): Promise<void> {
  record("notifyLoadFailed", error);
}

export function getExtensionContext() {
  const { publisherId, extensionId, version } = host.extension;
  return { id: `${publisherId}.${extensionId}`, publisherId, extensionId, version };
}

export function getContributionId(): string {
  return `${host.extension.publisherId}.${host.extension.extensionId}.hub`;
}

export function getUser() {
  return host.user;
}

export function getHost() {
  return { id: "c12d0eb8-e382-443b-9f9c-c52cba5014c2", name: "fabrikam", serviceVersion: "fake", type: 4, isHosted: true };
}

export function getWebContext() {
  return { project: host.project, team: { id: "team", name: `${host.project?.name ?? ""} Team` }, user: host.user };
}

export function getPageContext() {
  return { webContext: getWebContext(), globalization: { culture: "en-US", theme: "Light" } };
}

export async function getAccessToken(): Promise<string> {
  record("getAccessToken");
  return host.accessToken;
}

export async function getAppToken(): Promise<string> {
  return "fake-app-token";
}

const services: Record<string, () => unknown> = {
  "ms.vss-features.location-service": () => ({
    getServiceLocation: async () => host.serviceRoot,
    getResourceAreaLocation: async () => host.serviceRoot,
  }),
  "ms.vss-tfs-web.tfs-page-data-service": () => ({ getProject: async () => host.project }),
};

export async function getService<T>(id: string): Promise<T> {
  record("getService", id);
  const service = services[id];
  if (!service) throw new Error(`The fake host offers no service ${id}`);
  return service() as T;
}

export function register(): void {}
export function unregister(): void {}
export function resize(): void {}
export function applyTheme(): void {}
