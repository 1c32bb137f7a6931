import * as React from "react";
import { Toast } from "azure-devops-ui/Toast";

export interface ToastMessage {
  id: number;
  text: string;
}

/** Shows the latest completed action for a few seconds (azure-devops-ui Toast, inside the frame). */
export function Toasts(props: { message?: ToastMessage; durationMs?: number; onExpired: () => void }): JSX.Element | null {
  const { message, durationMs = 5000, onExpired } = props;
  React.useEffect(() => {
    if (!message) return;
    const timer = setTimeout(onExpired, durationMs);
    return () => clearTimeout(timer);
  }, [message, durationMs, onExpired]);
  return message ? <Toast key={message.id} message={message.text} /> : null;
}
