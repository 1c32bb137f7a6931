/**
 * The page itself: React, azure-devops-ui and the hub. index.tsx loads it as a second chunk once the
 * first request is on its way, so Azure DevOps answers while this code is parsed and run.
 */
import "azure-devops-ui/Core/override.css";
import "./hub.css";
import * as React from "react";
import * as ReactDOM from "react-dom";
import { SurfaceBackground, SurfaceContext } from "azure-devops-ui/Surface";
import { Hub } from "./Hub";
import type { HooksService } from "./services/HooksService";
import type { PageLists } from "./services/pageLists";

export function renderPage(service: HooksService, preloaded: Promise<PageLists>, container: HTMLElement | null): void {
  ReactDOM.render(
    <SurfaceContext.Provider value={{ background: SurfaceBackground.neutral }}>
      <Hub service={service} preloaded={preloaded} />
    </SurfaceContext.Provider>,
    container,
  );
}
