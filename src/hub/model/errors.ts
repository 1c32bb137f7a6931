/** Turn REST failures (TFS.WebApi.Exception, NetworkException) into something a user can act on. */
import { manifest } from "../../contract";

export interface ProblemDescription {
  title: string;
  detail: string;
  /** Retrying can help (network or server trouble), as opposed to missing permissions or a refused change. */
  retryable: boolean;
}

type Operation = "view" | "edit";

interface ApiErrorLike {
  name?: unknown;
  status?: unknown;
  message?: unknown;
}

export function describeProblem(error: unknown, operation: Operation = "view"): ProblemDescription {
  const e = (typeof error === "object" && error !== null ? error : {}) as ApiErrorLike;
  const status = typeof e.status === "number" ? e.status : undefined;
  const said = serviceMessage(error);
  if (status === 403 && said && /\bscopes?\b/i.test(said)) return scopeProblem(said);
  if (status === 401 || status === 403) return permissionProblem(operation, said);
  if (status === 400 || status === 409) {
    return {
      title: operation === "edit" ? "Azure DevOps refused the change" : "Azure DevOps refused the request",
      detail: said ?? "It gave no reason.",
      retryable: false,
    };
  }
  if (status === 404) {
    return { title: "Azure DevOps could not find it", detail: `${said ? `${said} ` : ""}It may have been deleted: refresh the page.`, retryable: false };
  }
  if (e.name === "NetworkException") {
    return { title: "Azure DevOps could not be reached", detail: said ?? "Check your network connection.", retryable: true };
  }
  return { title: status ? `The request failed (HTTP ${status})` : "The request failed", detail: said ?? "Try again in a moment.", retryable: true };
}

/** The words Azure DevOps (or the browser) gave, when there are any. */
function serviceMessage(error: unknown): string | undefined {
  const message = typeof error === "string" ? error : (error as ApiErrorLike | null)?.message;
  return typeof message === "string" && message.trim() ? message.trim() : undefined;
}

function permissionProblem(operation: Operation, message: string | undefined): ProblemDescription {
  const permission = operation === "edit" ? "Edit subscriptions" : "View subscriptions";
  return {
    title: `You need the "${permission}" permission`,
    detail:
      `Service hooks require "${permission}" in this project. Project Administrators have it by default; ` +
      `a project administrator can grant it under Project settings → Permissions, or add you to Project Administrators.` +
      (message ? ` Azure DevOps said: ${message}` : ""),
    retryable: false,
  };
}

/** The extension's own access (its manifest scopes) does not cover the call, whatever the user may do. */
function scopeProblem(message: string): ProblemDescription {
  return {
    title: "Hook Relay is not allowed to do this",
    detail:
      `The extension's access (${manifest.scopes.join(", ")}) does not cover this kind of subscription, so Azure DevOps refused it ` +
      `whatever your own permissions. Hook Relay manages Git events only. Azure DevOps said: ${message}`,
    retryable: false,
  };
}
