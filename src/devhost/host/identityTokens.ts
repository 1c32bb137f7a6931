/** One secret token per identity: bearer tokens for the host page, personal access tokens for server-side callers. */
import { randomBytes, timingSafeEqual } from "node:crypto";

export class IdentityTokens {
  /** Identity id → its token. */
  private readonly tokens = new Map<string, string>();

  /** The identity's token; made at first use, from `chosen` when given, else random. */
  tokenFor(identityId: string, chosen?: string): string {
    let token = this.tokens.get(identityId);
    if (!token) {
      token = chosen ?? randomBytes(24).toString("base64url");
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
