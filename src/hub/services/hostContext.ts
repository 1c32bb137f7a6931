/** Build the HooksService from what the Azure DevOps host tells the page. */
import * as SDK from "azure-devops-extension-sdk";
import { getClient, type IProjectPageService } from "azure-devops-extension-api";
import { GitRestClient } from "azure-devops-extension-api/Git";
import { ServiceHooksRestClient } from "azure-devops-extension-api/ServiceHooks";
import { consumerIdFor } from "../../contract";
import { confirmConsumerId } from "./consumerId";
import { HooksService } from "./HooksService";
import { hostTokenProvider } from "./hostTokens";

/** CommonServiceIds.ProjectPageService; the api declares it as an ambient const enum, which isolated modules cannot read. */
const PROJECT_PAGE_SERVICE = "ms.vss-tfs-web.tfs-page-data-service";

export async function createHooksService(): Promise<HooksService> {
  const extension = SDK.getExtensionContext();
  const authTokenProvider = hostTokenProvider();
  const hooks = getClient(ServiceHooksRestClient, { authTokenProvider });
  const git = getClient(GitRestClient, { authTokenProvider });
  const [project, consumerId] = await Promise.all([
    SDK.getService<IProjectPageService>(PROJECT_PAGE_SERVICE).then((service) => service.getProject()),
    confirmConsumerId(hooks, consumerIdFor(extension)),
  ]);
  if (!project) throw new Error("Hook Relay's page must be opened from a project's settings.");
  return new HooksService(hooks, git, { projectId: project.id, projectName: project.name, consumerId });
}
