/**
 * The entry: the SDK handshake and the REST clients only. The first list request leaves before the
 * page's code (page.tsx, most of the bundle) is run, so Azure DevOps answers meanwhile: the REST
 * clients' root path and token are known by then (hostContext.ts), so the request goes out within
 * this task, before the import below can resolve.
 */
import * as SDK from "azure-devops-extension-sdk";
import { createHooksService } from "./services/hostContext";
import { loadPageLists } from "./services/pageLists";

async function main(): Promise<void> {
  await SDK.init({ loaded: false, applyTheme: true });
  await SDK.ready();
  const service = await createHooksService();
  const preloaded = loadPageLists(service, "ours");
  // The page reports a failed load; until it renders, the rejection must not count as unhandled.
  preloaded.catch(() => undefined);
  const { renderPage } = await import(/* webpackChunkName: "page" */ "./page");
  renderPage(service, preloaded, document.getElementById("root"));
  await SDK.notifyLoadSucceeded();
}

main().catch((error: unknown) => SDK.notifyLoadFailed(error instanceof Error ? error : String(error)));
