import "azure-devops-ui/Core/override.css";
import * as SDK from "azure-devops-extension-sdk";
import * as React from "react";
import * as ReactDOM from "react-dom";
import { Header } from "azure-devops-ui/Header";
import { Page } from "azure-devops-ui/Page";

async function main(): Promise<void> {
  await SDK.init({ loaded: false });
  await SDK.ready();
  ReactDOM.render(
    <Page className="flex-grow">
      <Header title="Hook Relay" />
    </Page>,
    document.getElementById("root"),
  );
  await SDK.notifyLoadSucceeded();
}

main().catch((error: unknown) => SDK.notifyLoadFailed(error instanceof Error ? error : String(error)));
