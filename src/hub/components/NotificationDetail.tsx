import * as React from "react";
import type { Notification } from "azure-devops-extension-api/ServiceHooks";
import { formatDateTime, formatDuration } from "../model/format";
import { describeResult, statusCodeOf } from "../model/notifications";
import { JsonViewer } from "./JsonViewer";

/** One notification as Azure DevOps recorded it: request (URL, headers), response status, error, attempts, event. */
export function NotificationDetail(props: { notification: Notification }): JSX.Element {
  const { notification } = props;
  const details = notification.details ?? ({} as Notification["details"]);
  const statusCode = statusCodeOf(details.response);
  return (
    <section className="hr-notification" aria-label={`Notification ${notification.id}`}>
      <dl className="hr-facts">
        <dt>Result</dt>
        <dd>{describeResult(notification)}</dd>
        <dt>Response status</dt>
        <dd>{statusCode ? `HTTP ${statusCode}` : "No response"}</dd>
        <dt>Created</dt>
        <dd>{formatDateTime(notification.createdDate)}</dd>
        <dt>Attempts</dt>
        <dd>{details.requestAttempts ?? 0}</dd>
        <dt>Duration</dt>
        <dd>{formatDuration(details.requestDuration)}</dd>
        {details.errorMessage ? (
          <>
            <dt>Error</dt>
            <dd className="hr-error-text">{details.errorMessage}</dd>
          </>
        ) : null}
      </dl>
      {details.errorDetail ? <Recorded title="Error detail" text={details.errorDetail} /> : null}
      <Recorded title="Request" text={details.request} />
      <Recorded title="Response" text={details.response} />
      <h4>Event</h4>
      {details.event ? <JsonViewer value={details.event} label="Event payload" /> : <p>Not available (Azure DevOps removes it after 7 days or without diagnostics permission).</p>}
    </section>
  );
}

function Recorded(props: { title: string; text: string | null | undefined }): JSX.Element {
  return (
    <>
      <h4>{props.title}</h4>
      {props.text ? <pre className="hr-recorded" aria-label={props.title}>{props.text}</pre> : <p>Not recorded.</p>}
    </>
  );
}
