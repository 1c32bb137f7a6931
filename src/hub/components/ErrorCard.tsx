import * as React from "react";
import { MessageCard, MessageCardSeverity } from "azure-devops-ui/MessageCard";
import { describeProblem } from "../model/errors";

export interface ErrorCardProps {
  error: unknown;
  operation?: "view" | "edit";
  onRetry?: () => void;
}

/** role "alert": the problem in words, and Retry when retrying can help. */
export function ErrorCard(props: ErrorCardProps): JSX.Element {
  const problem = describeProblem(props.error, props.operation);
  const retry = problem.retryable && props.onRetry ? [{ text: "Retry", onClick: props.onRetry }] : undefined;
  return (
    <MessageCard severity={MessageCardSeverity.Error} buttonProps={retry} className="hr-error">
      <div>
        <strong>{problem.title}</strong>
        <div>{problem.detail}</div>
      </div>
    </MessageCard>
  );
}
