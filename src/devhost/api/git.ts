/** Projects, Git repositories and refs: enough for the hub's repository and branch pickers. */
import { headOf } from "../core/gitActivity";
import type { Project, Repository } from "../core/state";
import type { RouteContext, RouteHandler } from "./context";
import { ApiError, errorTypes } from "../core/errors";
import { presentProject, presentRepository } from "../core/gitPresent";
import { listBody } from "../core/wire";

export function projectOrThrow(context: RouteContext): Project | undefined {
  const name = context.params.project;
  if (!name) return undefined;
  const project = context.state.project(decodeURIComponent(name));
  if (!project) {
    throw new ApiError(404, `TF200016: The following project does not exist: ${name}. Verify that the name of the project is correct and that the project exists on the specified Azure DevOps Server.`, errorTypes.projectNotFound);
  }
  return project;
}

export function repositoryOrThrow(context: RouteContext): Repository {
  const project = projectOrThrow(context);
  const repository = context.state.repository(decodeURIComponent(context.params.repositoryId), project?.id);
  if (!repository) {
    throw new ApiError(404, `TF401019: The Git repository with name or identifier ${context.params.repositoryId} does not exist or you do not have permissions for the operation you are attempting.`, errorTypes.repositoryNotFound);
  }
  return repository;
}

export const listProjects: RouteHandler = (context) => ({
  body: listBody(context.state.data.projects.map((p) => presentProject(p, context)), context.wire),
});

export const getProject: RouteHandler = (context) => {
  const project = context.state.project(decodeURIComponent(context.params.projectId));
  if (!project) {
    throw new ApiError(404, `TF200016: The following project does not exist: ${context.params.projectId}.`, errorTypes.projectNotFound);
  }
  return { body: presentProject(project, context) };
};

export const listRepositories: RouteHandler = (context) => {
  const project = projectOrThrow(context);
  const repositories = context.state.data.repositories.filter((r) => !project || r.projectId === project.id);
  return { body: listBody(repositories.map((r) => presentRepository(r, context)), context.wire) };
};

export const getRepository: RouteHandler = (context) => ({ body: presentRepository(repositoryOrThrow(context), context) });

export const listRefs: RouteHandler = (context) => {
  const repository = repositoryOrThrow(context);
  const filter = context.query.get("filter") ?? "";
  const prefix = filter ? `refs/${filter.replace(/^refs\//, "")}` : "";
  const contains = (context.query.get("filterContains") ?? "").toLowerCase();
  const refs = repository.branches
    .filter((name) => name.startsWith(prefix) && name.toLowerCase().includes(contains))
    .map((name) => ({
      name,
      objectId: headOf(repository, name),
      url: `${context.location.collectionUrl}${repository.projectId}/_apis/git/repositories/${repository.id}/refs?filter=${encodeURIComponent(name.slice(5))}`,
    }));
  return { body: listBody(refs, context.wire) };
};
