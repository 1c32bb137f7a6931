/** One bearer token per identity, so the host page can sign the hub in as any of them. */
import { randomBytes, timingSafeEqual } from "node:crypto";

export class IdentityTokens {
  /** Identity id → its token. */
  private readonly tokens = new Map<string, string>();

  tokenFor(identityId: string): string {
    let token = this.tokens.get(identityId);
    if (!token) {
      token = randomBytes(24).toString("base64url");
      this.tokens.set(identityId, token);
    }
    return token;
  }

  /** The identity a token belongs to; every token is compared, in constant time. */
  identityOf(token: string): string | undefined {
    const given = Buffer.from(token);
    let found: string | undefined;
    for (const [identityId, expected] of this.tokens) {
      const candidate = Buffer.from(expected);
      if (candidate.length === given.length && timingSafeEqual(candidate, given)) found = identityId;
    }
    return found;
  }
}
