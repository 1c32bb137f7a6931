/**
 * GET _apis/connectionData: who the credentials belong to. A server-side caller checks its token with
 * it before anything else. The real answer also has `locationServiceData` (service URLs), left out here.
 */
import type { Identity } from "../core/state";
import type { RouteHandler } from "./context";

function presentUser(identity: Identity) {
  return {
    id: identity.id,
    descriptor: `Microsoft.IdentityModel.Claims.ClaimsIdentity;${identity.uniqueName}`,
    subjectDescriptor: identity.descriptor,
    providerDisplayName: identity.displayName,
    isActive: true,
    properties: { Account: { $type: "System.String", $value: identity.uniqueName } },
    resourceVersion: 2,
    metaTypeId: 0,
  };
}

export const getConnectionData: RouteHandler = (context) => ({
  body: {
    authenticatedUser: presentUser(context.caller),
    authorizedUser: presentUser(context.caller),
    instanceId: context.state.data.collectionId,
    deploymentType: "hosted",
  },
});
