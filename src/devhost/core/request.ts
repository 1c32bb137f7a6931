/**
 * Builds the one HTTP request a contributed consumer gets (DataDrivenConsumerAction.CreateHttpRequest)
 * and the text the notification history keeps of it and of the response.
 */
import type { IncomingHttpHeaders } from "node:http";
import type { ManifestPublishEvent } from "../../contract/manifest";
import { MASK } from "./masking";
import { isLoopbackHttp } from "./loopback";
import { parseSetting, shapeEvent, type MessageFormat, type ResourceDetails } from "./shaping";
import { renderTemplate } from "./templates";

export const CONTENT_TYPE = "application/json; charset=utf-8";
/** The history column size the real service truncates to. */
export const HISTORY_LIMIT = 64_000;

export class RequestBuildError extends Error {}

export interface OutgoingRequest {
  url: string;
  headers: [string, string][];
  body: string;
  /** The sent event, shaped, as the history keeps it. */
  event: Record<string, unknown>;
  /** Method, masked URL, headers with the Authorization parameter masked, and the body. */
  historyText: string;
}

/** Content headers cannot be added through HttpRequestMessage.Headers; .NET throws and delivery fails. */
const CONTENT_HEADERS = new Set(["content-type", "content-length", "content-encoding", "content-language", "content-location", "content-md5", "content-range", "content-disposition", "expires", "last-modified", "allow"]);
const RESOURCE_DETAILS: readonly ResourceDetails[] = ["all", "minimal", "none"];
const MESSAGE_FORMATS: readonly MessageFormat[] = ["all", "text", "html", "markdown", "none"];

export interface BuildOptions {
  consumerId: string;
  actionId: string;
  publishEvent: ManifestPublishEvent;
  /** Clear consumer inputs. */
  inputs: Record<string, string>;
  confidentialIds: readonly string[];
  event: Record<string, unknown>;
  allowHttp: boolean;
}

export function buildRequest(options: BuildOptions): OutgoingRequest {
  const { publishEvent, inputs } = options;
  const url = renderTemplate(publishEvent.url, inputs);
  checkScheme(url, options);
  const headers = (publishEvent.headers ?? []).map((entry) => renderHeader(entry, inputs));
  const event = shapeEvent(options.event, {
    resourceDetailsToSend: parseSetting(renderTemplate(publishEvent.resourceDetailsToSend ?? "", inputs), RESOURCE_DETAILS),
    messagesToSend: parseSetting(renderTemplate(publishEvent.messagesToSend ?? "", inputs), MESSAGE_FORMATS),
    detailedMessagesToSend: parseSetting(renderTemplate(publishEvent.detailedMessagesToSend ?? "", inputs), MESSAGE_FORMATS),
  });
  const body = JSON.stringify(event);
  const maskedInputs = { ...inputs };
  for (const id of options.confidentialIds) if (id in maskedInputs) maskedInputs[id] = MASK;
  const historyText = requestText(renderTemplate(publishEvent.url, maskedInputs), headers, body);
  return { url, headers, body, event, historyText };
}

function checkScheme(url: string, options: BuildOptions): void {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new RequestBuildError(`Invalid URI: '${url}' is not an absolute URI.`);
  }
  if (parsed.protocol === "https:") return;
  if (options.allowHttp && isLoopbackHttp(url)) return;
  throw new RequestBuildError(`Consumer '${options.consumerId}', action '${options.actionId}' is HTTP-based and is restricted to using only HTTPS.`);
}

/** "Name:value": only the second ':'-separated segment is used, as the real code does. */
function renderHeader(entry: string, inputs: Record<string, string>): [string, string] {
  const segments = entry.split(":");
  const name = segments[0].trim();
  if (segments.length < 2 || name === "") throw new RequestBuildError(`The header '${entry}' is not in the form 'Name:value'.`);
  if (CONTENT_HEADERS.has(name.toLowerCase())) {
    throw new RequestBuildError(`Misused header name, '${name}'. Make sure request headers are used with HttpRequestMessage, response headers with HttpResponseMessage, and content headers with HttpContent objects.`);
  }
  return [name, renderTemplate(segments[1], inputs).trim()];
}

function maskAuthorization(value: string): string {
  const space = value.indexOf(" ");
  return space > 0 ? `${value.slice(0, space)} ${MASK}` : MASK;
}

function headerBlock(lines: string[]): string {
  return `{\r\n${lines.map((l) => `  ${l}\r\n`).join("")}}`;
}

export function truncate(text: string): string {
  return text.length > HISTORY_LIMIT ? text.slice(0, HISTORY_LIMIT) : text;
}

function requestText(maskedUrl: string, headers: [string, string][], body: string): string {
  const lines = headers.map(([name, value]) => `${name}: ${name.toLowerCase() === "authorization" ? maskAuthorization(value) : value}`);
  lines.push(`Content-Type: ${CONTENT_TYPE}`);
  return truncate(
    `Method: POST, RequestUri: '${maskedUrl}', Version: 1.1, Content: System.Net.Http.StringContent, Headers:\r\n${headerBlock(lines)}\r\n\r\n${body}`,
  );
}

/** Status line and headers only: the real service never reads the response body. */
export function responseText(status: number, statusText: string, headers: IncomingHttpHeaders): string {
  const lines = Object.entries(headers).map(([name, value]) => `${name}: ${Array.isArray(value) ? value.join(", ") : String(value)}`);
  return truncate(`StatusCode: ${status}, ReasonPhrase: '${statusText}', Version: 1.1, Content: System.Net.Http.StreamContent, Headers:\r\n${headerBlock(lines)}`);
}
