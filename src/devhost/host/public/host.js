// The host side of the extension SDK's XDM channel (extension-ui-notes §2), answered the way the
// real Azure DevOps host does, plus a small panel to raise events. Plain browser JS, no bundler.
"use strict";

(async function main() {
  const frame = document.getElementById("ext");
  // /?user=<id, unique name or display name> signs the hub in as that identity (GET /_devhost/identities lists them).
  const requestedUser = new URLSearchParams(location.search).get("user");
  const contextResponse = await fetch(`/_devhost/context${requestedUser ? `?user=${encodeURIComponent(requestedUser)}` : ""}`);
  if (!contextResponse.ok) {
    document.body.textContent = (await contextResponse.json()).message;
    return;
  }
  const context = await contextResponse.json();

  // What tests and curious people can inspect: window.devhost.
  const devhost = (window.devhost = { context, accessTokenCalls: 0, loadSucceeded: false, loadFailed: null, toasts: [] });

  const text = (id, value) => (document.getElementById(id).textContent = value);
  text("crumbs", `${context.organization} / ${context.project ? context.project.name : "(no project)"} / Settings / ${context.contribution.properties.name} · signed in as ${context.user.displayName}`);
  text("hub-name", context.contribution.properties.name);
  document.getElementById("http-note").hidden = !context.allowHttp;

  function setLoadStatus(state, label) {
    const status = document.getElementById("load-status");
    status.dataset.state = state;
    status.textContent = label;
  }

  function logTo(listId, message) {
    const item = document.createElement("li");
    item.textContent = message; // textContent: nothing from the page or payloads is parsed as HTML
    document.getElementById(listId).prepend(item);
  }

  // --- serialization, mirroring the SDK's XDM (§2.3) ---
  let nextProxyId = 1;
  const proxies = {};
  function serialize(value) {
    if (value === null || typeof value !== "object") return value;
    if (value instanceof Date) return { __proxyDate: value.getTime() };
    if (Array.isArray(value)) return value.map(serialize);
    const result = {};
    for (const key of Object.keys(value)) {
      const member = value[key];
      if (typeof member === "function") {
        const id = nextProxyId++;
        proxies["proxy" + id] = member.bind(value);
        result[key] = { __proxyFunctionId: id, _channelId: 1 };
      } else if (member !== undefined) {
        result[key] = serialize(member);
      }
    }
    return result;
  }

  // --- the handshake reply that every SDK version accepts (§2.5) ---
  const extension = context.extension;
  const pageContext = {
    webContext: {
      account: { id: context.host.id, name: context.organization, uri: context.collectionUrl },
      collection: { id: context.host.id, name: context.organization, uri: context.collectionUrl },
      project: context.project,
      team: context.project && { id: context.project.id, name: `${context.project.name} Team` },
      user: { id: context.user.id, name: context.user.displayName, email: context.user.uniqueName, uniqueName: context.user.uniqueName },
      host: { id: context.host.id, name: context.organization, uri: context.collectionUrl, relativeUri: `/${context.organization}/` },
    },
    globalization: { culture: "en-US", theme: "ms.vss-web.vsts-theme", explicitTheme: "", timeZoneId: "UTC", timezoneOffset: 0, typeAheadDisabled: false },
    timeZonesConfiguration: { daylightSavingsAdjustments: [] },
  };
  const user = { id: context.user.id, descriptor: context.user.descriptor, name: context.user.uniqueName, displayName: context.user.displayName, imageUrl: "" };
  const host = { id: context.host.id, name: context.organization, serviceVersion: "devhost", type: 4, isHosted: true };
  const handshakeReply = {
    contributionId: context.contribution.id,
    contribution: { id: context.contribution.id, properties: context.contribution.properties },
    extensionContext: { publisherId: extension.publisherId, extensionId: extension.extensionId, version: extension.version, baseUri: context.baseUri },
    pageContext,
    context: {
      extension: { id: `${extension.publisherId}.${extension.extensionId}`, publisherId: extension.publisherId, extensionId: extension.extensionId, version: extension.version },
      pageContext,
      user,
      host,
    },
    initialConfig: {},
  };

  // --- services the hub asks for with SDK.getService ---
  const services = {
    "ms.vss-features.location-service": {
      getServiceLocation: async () => context.collectionUrl,
      getResourceAreaLocation: async () => context.collectionUrl,
    },
    "ms.vss-tfs-web.tfs-page-data-service": {
      getProject: async () => context.project,
    },
    "ms.vss-tfs-web.tfs-global-messages-service": {
      addToast: (toast) => {
        devhost.toasts.push(toast);
        logTo("toasts", toast && toast.message ? String(toast.message) : "(toast)");
      },
      addBanner: (banner) => logTo("toasts", banner && banner.message ? String(banner.message) : "(banner)"),
      closeBanner: () => undefined,
    },
    "ms.vss-features.host-navigation-service": {
      getHash: async () => location.hash.replace(/^#/, ""),
      setHash: (hash) => history.replaceState(null, "", "#" + hash),
      replaceHash: (hash) => history.replaceState(null, "", "#" + hash),
      getQueryParams: async () => Object.fromEntries(new URLSearchParams(location.search)),
      setQueryParams: () => undefined,
      navigate: (url) => logTo("toasts", `Navigate to ${url}`),
      openNewWindow: (url) => logTo("toasts", `Open ${url}`),
      reload: () => frame.contentWindow.location.reload(),
      setDocumentTitle: (title) => (document.title = `${title} · local stand-in`),
      getPageRoute: async () => ({ id: "ms.vss-admin-web.project-admin-hub-route", routeValues: {} }),
      onHashChanged: () => undefined,
    },
  };

  const registry = {
    "DevOps.HostControl": {
      initialHandshake: () => handshakeReply,
      notifyLoadSucceeded: () => {
        devhost.loadSucceeded = true;
        setLoadStatus("loaded", "Extension loaded");
      },
      notifyLoadFailed: (error) => {
        devhost.loadFailed = String((error && error.message) || error);
        setLoadStatus("failed", `Extension failed: ${devhost.loadFailed}`);
      },
      getAccessToken: () => {
        devhost.accessTokenCalls += 1;
        return { token: context.accessToken };
      },
      getAppToken: () => ({ token: context.accessToken }),
      resize: () => undefined,
    },
    "DevOps.ServiceManager": { getService: (id) => services[id] || {} },
    __proxyFunctions: proxies,
  };
  registry["VSS.HostControl"] = registry["DevOps.HostControl"];

  window.addEventListener("message", async (event) => {
    if (event.source !== frame.contentWindow || typeof event.data !== "string") return;
    let message;
    try {
      message = JSON.parse(event.data);
    } catch {
      return;
    }
    if (!message.instanceId) return; // a response to a call we never make
    const reply = (payload) =>
      event.source.postMessage(JSON.stringify({ id: message.id, handshakeToken: message.handshakeToken, ...payload }), "*");
    try {
      const target = registry[message.instanceId];
      const method = target && target[message.methodName];
      if (typeof method !== "function") throw new Error(`Not found: ${message.instanceId}.${message.methodName}`);
      reply({ result: serialize(await method.apply(target, message.params || [])) });
    } catch (error) {
      console.warn("[devhost] host call failed", error);
      reply({ error: { message: String((error && error.message) || error) } });
    }
  });

  frame.src = context.hubUrl;

  // --- the publish panel ---
  const eventSelect = document.getElementById("event-type");
  for (const type of context.eventTypes) eventSelect.add(new Option(type, type));
  const repositorySelect = document.getElementById("repository");
  for (const repository of context.repositories) repositorySelect.add(new Option(repository.name, repository.id));

  document.getElementById("publish-form").addEventListener("submit", async (submit) => {
    submit.preventDefault();
    const body = { eventType: eventSelect.value, repository: repositorySelect.value || undefined, branch: document.getElementById("branch").value.trim() || undefined };
    const response = await fetch("/_devhost/publish", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
    const result = await response.json();
    if (!response.ok) return logTo("publish-log", `Failed: ${result.message}`);
    const dropped = result.dropped.length ? `, dropped by ${result.dropped.length} on probation` : "";
    logTo("publish-log", `${body.eventType} ${result.eventId.slice(0, 8)}: ${result.notifications.length} notification(s)${dropped}`);
  });
})().catch((error) => {
  document.getElementById("load-status").textContent = `Host page failed: ${error.message}`;
});
