/** Turn REST failures (TFS.WebApi.Exception, NetworkException) into something a user can act on. */
export interface ProblemDescription {
  title: string;
  detail: string;
  /** Retrying can help (network or server trouble), as opposed to missing permissions. */
  retryable: boolean;
}

type Operation = "view" | "edit";

interface ApiErrorLike {
  name?: string;
  status?: number;
  message?: string;
}

export function describeProblem(error: unknown, operation: Operation = "view"): ProblemDescription {
  const e = (error ?? {}) as ApiErrorLike;
  if (e.status === 401 || e.status === 403) return permissionProblem(operation, e.message);
  if (e.name === "NetworkException") {
    return { title: "Azure DevOps could not be reached", detail: e.message ?? "Check your network connection.", retryable: true };
  }
  const status = e.status ? ` (HTTP ${e.status})` : "";
  return { title: `The request failed${status}`, detail: e.message || String(error), retryable: true };
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
