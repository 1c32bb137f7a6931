/** The azure-devops-extension-api contracts the contract module builds on, in one place. */
export type { GitPullRequest, GitPush, GitRepository, Comment } from "azure-devops-extension-api/Git";
export type { IdentityRef } from "azure-devops-extension-api/WebApi";
