import { screen, waitFor } from "@testing-library/react";
import * as React from "react";
import * as ReactDOM from "react-dom";
import type * as FakeSdk from "./fakeSdk";
import { startDevhost, type Devhost } from "./support/devhost";

let devhost: Devhost;
beforeEach(() => {
  devhost = startDevhost();
  document.body.innerHTML = '<div id="root"></div>';
});
afterEach(async () => {
  const root = document.getElementById("root");
  if (root) ReactDOM.unmountComponentAtNode(root);
  await devhost.close();
});

/**
 * Run the entry module in a fresh module registry, as a page load would; returns that load's fake SDK.
 * React stays the test's own copy, so the entry renders with the React that unmounts it and whose act() the test uses.
 */
function loadEntry(prepare?: (sdk: typeof FakeSdk) => void): typeof FakeSdk {
  let sdk!: typeof FakeSdk;
  jest.doMock("react", () => React);
  jest.doMock("react-dom", () => ReactDOM);
  jest.isolateModules(() => {
    sdk = require("azure-devops-extension-sdk");
    prepare?.(sdk);
    require("../../src/hub/index");
  });
  return sdk;
}

test("initialises the SDK, renders the page and reports success", async () => {
  const sdk = loadEntry();
  expect(await screen.findByRole("heading", { name: "Hook Relay subscriptions" })).toBeInTheDocument();
  await waitFor(() => expect(sdk.calls.map((c) => c.method)).toContain("notifyLoadSucceeded"));
  const order = sdk.calls.map((c) => c.method).filter((m) => ["init", "ready", "notifyLoadSucceeded"].includes(m));
  expect(order).toEqual(["init", "ready", "notifyLoadSucceeded"]);
  expect(sdk.calls.find((c) => c.method === "init")?.args[0]).toMatchObject({ loaded: false });
  await screen.findByRole("grid", { name: "Hook Relay subscriptions" });
});

test("reports the failure to the host when the page cannot start", async () => {
  const sdk = loadEntry((fake) => fake.configureHost({ project: undefined }));
  await waitFor(() => expect(sdk.calls.map((c) => c.method)).toContain("notifyLoadFailed"));
  const failure = sdk.calls.find((c) => c.method === "notifyLoadFailed")?.args[0] as Error;
  expect(failure.message).toMatch(/project's settings/);
  expect(sdk.calls.map((c) => c.method)).not.toContain("notifyLoadSucceeded");
});
