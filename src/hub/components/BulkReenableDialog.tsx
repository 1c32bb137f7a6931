import * as React from "react";
import type { Subscription } from "azure-devops-extension-api/ServiceHooks";
import type { RepositoryNames } from "../model/filters";
import { describeEvent, filtersInWords } from "../model/filters";
import { describeStatus } from "../model/status";
import { ConfirmDialog } from "./ConfirmDialog";

export interface BulkReenableDialogProps {
  subscriptions: Subscription[];
  repositories: RepositoryNames;
  busy: boolean;
  onConfirm: () => void;
  onDismiss: () => void;
}

/** Lists exactly what "Re-enable all" will turn back on before it does. */
export function BulkReenableDialog(props: BulkReenableDialogProps): JSX.Element {
  const count = props.subscriptions.length;
  return (
    <ConfirmDialog
      title={`Re-enable ${count} ${count === 1 ? "subscription" : "subscriptions"}?`}
      confirmText="Re-enable"
      busy={props.busy}
      onConfirm={props.onConfirm}
      onDismiss={props.onDismiss}
    >
      <p>These subscriptions are on probation or were disabled by Azure DevOps. Subscriptions a user disabled stay off.</p>
      <ul aria-label="Subscriptions to re-enable">
        {props.subscriptions.map((s) => (
          <li key={s.id}>
            {describeEvent(s.eventType)} — {filtersInWords(s.eventType, s.publisherInputs, props.repositories)} — {describeStatus(s).label}
          </li>
        ))}
      </ul>
    </ConfirmDialog>
  );
}
