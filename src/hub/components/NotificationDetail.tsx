import * as React from "react";
import { Spinner, SpinnerSize } from "azure-devops-ui/Spinner";
import type { Notification } from "azure-devops-extension-api/ServiceHooks";
import type { HooksService } from "../services/HooksService";
import { formatDateTime, formatDuration } from "../model/format";
import { describeResult, missingDetails, statusCodeOf, type MissingDetails } from "../model/notifications";
import { ErrorCard } from "./ErrorCard";
import { JsonViewer } from "./JsonViewer";

export interface NotificationDetailProps {
  service: HooksService;
  /** The entry as listed: result and time, no details. */
  notification: Notification;
}

/** One notification as Azure DevOps recorded it, fetched when opened: status code, error, attempts, request, response and event. */
export function NotificationDetail(props: NotificationDetailProps): JSX.Element {
  const { service, notification: listed } = props;
  const [loaded, setLoaded] = React.useState<Notification>();
  const [error, setError] = React.useState<unknown>();
  const [attempt, setAttempt] = React.useState(0);

  React.useEffect(() => {
    let current = true;
    setError(undefined);
    service.notification(listed.subscriptionId, listed.id).then(
      (n) => current && setLoaded(n),
      (e: unknown) => current && setError(e),
    );
    return () => {
      current = false;
    };
  }, [service, listed.subscriptionId, listed.id, attempt]);

  const notification = loaded ?? listed;
  const recorded = loaded && { details: loaded.details ?? {}, missing: missingDetails(loaded) };
  return (
    <section className="hr-notification" aria-label={`Notification ${listed.id}`}>
      <dl className="hr-facts">
        <dt>Result</dt>
        <dd>{describeResult(notification)}</dd>
        <dt>Created</dt>
        <dd>{formatDateTime(notification.createdDate, "unknown")}</dd>
        {recorded ? <RecordedFacts {...recorded} /> : null}
      </dl>
      {error ? <ErrorCard error={error} onRetry={() => setAttempt((a) => a + 1)} /> : null}
      {!error && !loaded ? <Spinner size={SpinnerSize.small} label="Loading details…" /> : null}
      {recorded ? <RecordedExchange {...recorded} /> : null}
    </section>
  );
}

interface RecordedProps {
  details: Partial<Notification["details"]>;
  missing: MissingDetails | undefined;
}

/** Status code, attempts, duration and error: Azure DevOps sends these to every caller. */
function RecordedFacts(props: RecordedProps): JSX.Element | null {
  const { details, missing } = props;
  if (missing === "deleted") return null;
  const statusCode = statusCodeOf(details.response);
  return (
    <>
      <dt>Response status</dt>
      <dd>{statusCode ? `HTTP ${statusCode}` : missing ? "Not available" : "No response"}</dd>
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
    </>
  );
}

/** The request, response and event, or why Azure DevOps did not send them. */
function RecordedExchange(props: RecordedProps): JSX.Element {
  const { details, missing } = props;
  return (
    <>
      {details.errorDetail ? <Recorded title="Error detail" text={details.errorDetail} /> : null}
      {missing ? (
        <p className="hr-withheld" role="note">
          {missing === "withheld"
            ? "Azure DevOps withheld the request, the response and the event: only the subscription's creator, project administrators and project collection administrators may see them."
            : "Azure DevOps no longer keeps the request, the response and the event: it deletes them after 7 days."}
        </p>
      ) : (
        <>
          <Recorded title="Request" text={details.request} />
          <Recorded title="Response" text={details.response} />
          <h4>Event</h4>
          <JsonViewer value={details.event} label="Event payload" />
        </>
      )}
    </>
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
