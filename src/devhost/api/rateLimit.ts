/**
 * Azure DevOps's rate limiting, on demand: the next N calls, or a share of all calls, are blocked
 * with 429 and `Retry-After`, so a client's backoff can be tested.
 *
 * Headers, from Microsoft's "Rate and usage limits" page: `Retry-After` (seconds) on a blocked
 * call, and `X-RateLimit-Resource` (service and threshold hit; "for humans, not for computation"),
 * `X-RateLimit-Delay` (seconds the call was delayed), `X-RateLimit-Limit` (TSTUs allowed before
 * delays), `X-RateLimit-Remaining` (0 once delayed or blocked) and `X-RateLimit-Reset` (Unix time at
 * which usage would be back to 0). The values below are plausible, not observed: the resource name,
 * the limit and the message text are guesses.
 */
import { ApiError, type ErrorType } from "../core/errors";

export interface RateLimitSettings {
  /** Block the next this many calls. */
  next: number;
  /** Then block this share of calls (0…1), spread evenly: 0.25 blocks every fourth. */
  fraction: number;
  /** Seconds sent in Retry-After. */
  retryAfterSeconds: number;
}

export interface RateLimitStatus extends RateLimitSettings {
  /** Calls answered 429 since the stand-in started. */
  blocked: number;
}

const NO_LIMIT: RateLimitSettings = { next: 0, fraction: 0, retryAfterSeconds: 1 };

/** A guess at the usual "global consumption" limit in TSTUs; the docs name the header, not the number. */
const TSTU_LIMIT = 200;
const RESOURCE = "Core:ATCPU";

const requestBlocked: ErrorType = {
  typeName: "Microsoft.TeamFoundation.Framework.Server.RequestBlockedException, Microsoft.TeamFoundation.Framework.Server",
  typeKey: "RequestBlockedException",
};

export class RateLimiter {
  private settings: RateLimitSettings = { ...NO_LIMIT };
  private owed = 0;
  private blocked = 0;

  constructor(initial: Partial<RateLimitSettings> = {}) {
    this.configure(initial);
  }

  configure(settings: Partial<RateLimitSettings>): RateLimitStatus {
    this.settings = { ...NO_LIMIT, ...settings };
    this.owed = 0;
    return this.status();
  }

  status(): RateLimitStatus {
    return { ...this.settings, blocked: this.blocked };
  }

  /** Whether this call is blocked; counts it. */
  take(): boolean {
    if (this.settings.next > 0) {
      this.settings.next--;
      return this.count();
    }
    this.owed += this.settings.fraction;
    if (this.owed < 1) return false;
    this.owed -= 1;
    return this.count();
  }

  private count(): true {
    this.blocked++;
    return true;
  }

  /** The 429 answer, as an error the API turns into JSON, with its headers. */
  rejection(now: Date): { error: ApiError; headers: Record<string, string> } {
    const retryAfter = this.settings.retryAfterSeconds;
    const error = new ApiError(
      429,
      `TF400733: The request has been canceled: Request was blocked due to exceeding usage of resource '${RESOURCE}' in namespace 'User'.`,
      requestBlocked,
    );
    const headers = {
      "retry-after": String(retryAfter),
      "x-ratelimit-resource": RESOURCE,
      "x-ratelimit-delay": "0",
      "x-ratelimit-limit": String(TSTU_LIMIT),
      "x-ratelimit-remaining": "0",
      "x-ratelimit-reset": String(Math.ceil(now.getTime() / 1000) + retryAfter),
    };
    return { error, headers };
  }
}

/** Reads `{next?, fraction?, retryAfterSeconds?}`; what is wrong, as text, when malformed. */
export function parseRateLimitSettings(body: Record<string, unknown>): Partial<RateLimitSettings> | string {
  const settings: Partial<RateLimitSettings> = {};
  const read = (key: keyof RateLimitSettings, valid: (n: number) => boolean, expected: string): string | undefined => {
    if (body[key] === undefined) return undefined;
    const n = Number(body[key]);
    if (!valid(n)) return `${key} must be ${expected}`;
    settings[key] = n;
    return undefined;
  };
  const problem =
    read("next", (n) => Number.isSafeInteger(n) && n >= 0, "a whole number >= 0") ??
    read("fraction", (n) => n >= 0 && n <= 1, "a number from 0 to 1") ??
    read("retryAfterSeconds", (n) => Number.isSafeInteger(n) && n >= 0, "a whole number of seconds >= 0");
  return problem ?? settings;
}
