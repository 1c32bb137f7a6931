/** Projects and Git repositories: enough for the hub's repository and branch pickers. */
import { createHash } from "node:crypto";
import type { Project, Repository } from "../core/state";
import type { RouteContext, RouteHandler } from "./context";
import { ApiError, errorTypes } from "../core/errors";
import { listBody } from "./wire";

function presentProject(project: Project, context: RouteContext) {
  return {
    id: project.id,
    name: project.name,
    description: project.description,
    url: `${context.location.collectionUrl}_apis/projects/${project.id}`,
    state: context.wire.enumsAsNumbers ? 1 : "wellFormed",
    revision: 1,
    visibility: context.wire.enumsAsNumbers ? 0 : "private",
    lastUpdateTime: "2025-01-06T09:00:00Z",
  };
}

function presentRepository(repository: Repository, context: RouteContext) {
  const project = context.state.project(repository.projectId)!;
  const webUrl = `${context.location.collectionUrl}${encodeURIComponent(project.name)}/_git/${encodeURIComponent(repository.name)}`;
  return {
    id: repository.id,
    name: repository.name,
    url: `${context.location.collectionUrl}${project.id}/_apis/git/repositories/${repository.id}`,
    project: presentProject(project, context),
    defaultBranch: repository.defaultBranch,
    size: 1024 * repository.branches.length,
    remoteUrl: webUrl,
    sshUrl: `git@ssh.example.invalid:v3/${context.state.organization}/${project.name}/${repository.name}`,
    webUrl,
    isDisabled: false,
    isInMaintenance: false,
  };
}

function projectOrThrow(context: RouteContext): Project | undefined {
  const name = context.params.project;
  if (!name) return undefined;
  const project = context.state.project(decodeURIComponent(name));
  if (!project) {
    throw new ApiError(404, `TF200016: The following project does not exist: ${name}. Verify that the name of the project is correct and that the project exists on the specified Azure DevOps Server.`, errorTypes.projectNotFound);
  }
  return project;
}

function repositoryOrThrow(context: RouteContext): Repository {
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

/** A stable fake commit id per ref, so refs look real and do not change between calls. */
function objectId(repository: Repository, ref: string): string {
  return createHash("sha1").update(`${repository.id}:${ref}`).digest("hex");
}

export const listRefs: RouteHandler = (context) => {
  const repository = repositoryOrThrow(context);
  const filter = context.query.get("filter") ?? "";
  const prefix = filter ? `refs/${filter.replace(/^refs\//, "")}` : "";
  const contains = (context.query.get("filterContains") ?? "").toLowerCase();
  const refs = repository.branches
    .filter((name) => name.startsWith(prefix) && name.toLowerCase().includes(contains))
    .map((name) => ({
      name,
      objectId: objectId(repository, name),
      url: `${context.location.collectionUrl}${repository.projectId}/_apis/git/repositories/${repository.id}/refs?filter=${encodeURIComponent(name.slice(5))}`,
    }));
  return { body: listBody(refs, context.wire) };
};
