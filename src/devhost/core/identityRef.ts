/** IdentityRef as the service writes it. */
import type { DevhostState } from "./state";

/** Where the caller reached us, e.g. "http://127.0.0.1:3000/fabrikam/". */
export interface Location {
  collectionUrl: string;
}

/** An IdentityRef; for an identity the organization no longer knows (old data, deleted users) only its `id`. */
export function identityRef(state: DevhostState, id: string, location: Location) {
  const identity = state.identity(id);
  if (!identity) return { id };
  return {
    displayName: identity.displayName,
    url: `${location.collectionUrl}_apis/Identities/${identity.id}`,
    id: identity.id,
    uniqueName: identity.uniqueName,
    descriptor: identity.descriptor,
    imageUrl: `${location.collectionUrl}_api/_common/identityImage?id=${identity.id}`,
  };
}
