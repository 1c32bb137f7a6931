import "azure-devops-ui/Core/override.css";
import "./hub.css";
import * as SDK from "azure-devops-extension-sdk";
import * as React from "react";
import * as ReactDOM from "react-dom";
import { SurfaceBackground, SurfaceContext } from "azure-devops-ui/Surface";
import { Hub } from "./Hub";
import { createHooksService } from "./services/hostContext";
import { loadPageLists } from "./services/pageLists";

async function main(): Promise<void> {
  await SDK.init({ loaded: false, applyTheme: true });
  await SDK.ready();
  const service = await createHooksService();
  // Ask for the lists before the first render, so Azure DevOps answers while React draws the page around them.
  const preloaded = loadPageLists(service, "ours");
  // The page reports a failed load; until it renders, the rejection must not count as unhandled.
  preloaded.catch(() => undefined);
  ReactDOM.render(
    <SurfaceContext.Provider value={{ background: SurfaceBackground.neutral }}>
      <Hub service={service} preloaded={preloaded} />
    </SurfaceContext.Provider>,
    document.getElementById("root"),
  );
  await SDK.notifyLoadSucceeded();
}

main().catch((error: unknown) => SDK.notifyLoadFailed(error instanceof Error ? error : String(error)));
