/**
 * Which consumer id this extension's subscriptions carry. Azure DevOps names contributed consumers
 * `<publisher>.<extension>.<contribution>`, but that could not be checked against a live organization,
 * so the page confirms it against the consumers the service lists and follows the service if it differs.
 */
import type { Consumer, ServiceHooksRestClient } from "azure-devops-extension-api/ServiceHooks";
import { consumer as manifestConsumer } from "../../contract";

/** `expected`, or the id of the one listed consumer whose actions and inputs are the manifest's. */
export async function confirmConsumerId(hooks: Pick<ServiceHooksRestClient, "listConsumers">, expected: string): Promise<string> {
  try {
    return ownConsumerId(await hooks.listConsumers(), expected);
  } catch {
    // Without the list the computed id is the best guess; the subscriptions query reports real trouble.
    return expected;
  }
}

export function ownConsumerId(consumers: Consumer[], expected: string): string {
  const listed = consumers.find((c) => sameText(c.id, expected));
  if (listed) return listed.id;
  const matching = consumers.filter(isManifestConsumer);
  return matching.length === 1 ? matching[0].id : expected;
}

function isManifestConsumer(candidate: Consumer): boolean {
  const actions = candidate.actions ?? [];
  return (
    sameIds(ids(candidate.inputDescriptors), ids(manifestConsumer.inputDescriptors)) &&
    sameIds(ids(actions), ids(manifestConsumer.actions)) &&
    manifestConsumer.actions.every((action) => {
      const listedAction = actions.find((a) => a.id === action.id);
      return listedAction !== undefined && sameIds(ids(listedAction.inputDescriptors), ids(action.inputDescriptors));
    })
  );
}

function ids(items: { id: string }[] | undefined): string[] {
  return (items ?? []).map((item) => item.id).sort();
}

function sameIds(a: string[], b: string[]): boolean {
  return a.length === b.length && a.every((id, i) => id === b[i]);
}

function sameText(a: string | undefined, b: string): boolean {
  return !!a && a.toLowerCase() === b.toLowerCase();
}
