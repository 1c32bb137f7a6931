import * as React from "react";
import { Dialog } from "azure-devops-ui/Dialog";

export interface ConfirmDialogProps {
  title: string;
  confirmText: string;
  danger?: boolean;
  busy?: boolean;
  onConfirm: () => void;
  onDismiss: () => void;
  children: React.ReactNode;
}

/** A Dialog (role "dialog", named by its title) with Cancel and one confirming action. */
export function ConfirmDialog(props: ConfirmDialogProps): JSX.Element {
  return (
    <Dialog
      titleProps={{ text: props.title }}
      onDismiss={props.onDismiss}
      footerButtonProps={[
        { text: "Cancel", onClick: props.onDismiss, disabled: props.busy },
        { text: props.confirmText, onClick: props.onConfirm, primary: !props.danger, danger: props.danger, disabled: props.busy },
      ]}
    >
      {props.children}
    </Dialog>
  );
}
