import "azure-devops-ui/Core/override.css";
import "./hub.css";
import * as SDK from "azure-devops-extension-sdk";
import * as React from "react";
import * as ReactDOM from "react-dom";
import { SurfaceBackground, SurfaceContext } from "azure-devops-ui/Surface";
import { Hub } from "./Hub";
import { createHooksService } from "./services/hostContext";

async function main(): Promise<void> {
  await SDK.init({ loaded: false, applyTheme: true });
  await SDK.ready();
  const service = await createHooksService();
  ReactDOM.render(
    <SurfaceContext.Provider value={{ background: SurfaceBackground.neutral }}>
      <Hub service={service} />
    </SurfaceContext.Provider>,
    document.getElementById("root"),
  );
  await SDK.notifyLoadSucceeded();
}

main().catch((error: unknown) => SDK.notifyLoadFailed(error instanceof Error ? error : String(error)));
