/**
 * How the real service formats JSON for a caller: the options the clients put in `Accept`
 * (enumsAsNumbers, msDateFormat, noArrayWrap), its error objects, and list wrapping.
 */

export interface WireOptions {
  enumsAsNumbers: boolean;
  msDateFormat: boolean;
  noArrayWrap: boolean;
  apiVersion?: string;
}

export function wireOptions(accept: string | undefined): WireOptions {
  const parameters = new Map<string, string>();
  for (const part of (accept ?? "").split(";").slice(1)) {
    const [key, value = ""] = part.split("=");
    parameters.set(key.trim().toLowerCase(), value.trim());
  }
  const flag = (name: string) => parameters.get(name.toLowerCase()) === "true";
  return {
    enumsAsNumbers: flag("enumsAsNumbers"),
    msDateFormat: flag("msDateFormat"),
    noArrayWrap: flag("noArrayWrap"),
    apiVersion: parameters.get("api-version"),
  };
}

/** Enum fields and their camelCase names, used when the caller did not ask for numbers. */
export type EnumNames = Record<number, string>;

export function enumText(value: number, names: EnumNames, wire: WireOptions): number | string {
  return wire.enumsAsNumbers ? value : names[value] ?? String(value);
}

/** ISO string → "/Date(ms)/" when the caller asked for Microsoft dates; null stays null. */
export function dateText(value: string | null | undefined, wire: WireOptions): string | null | undefined {
  if (!value || !wire.msDateFormat) return value;
  return `/Date(${Date.parse(value)})/`;
}

export function listBody<T>(items: T[], wire: WireOptions): T[] | { count: number; value: T[] } {
  return wire.noArrayWrap ? items : { count: items.length, value: items };
}

export interface ErrorType {
  typeName: string;
  typeKey: string;
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly type: ErrorType,
  ) {
    super(message);
  }

  toBody() {
    return {
      $id: "1",
      innerException: null,
      message: this.message,
      typeName: this.type.typeName,
      typeKey: this.type.typeKey,
      errorCode: 0,
      eventId: 3000,
    };
  }
}

function serviceHooksType(name: string): ErrorType {
  return {
    typeName: `Microsoft.VisualStudio.Services.ServiceHooks.WebApi.${name}, Microsoft.VisualStudio.Services.ServiceHooks.WebApi`,
    typeKey: name,
  };
}

export const errorTypes = {
  unauthorized: {
    typeName: "Microsoft.VisualStudio.Services.Common.VssUnauthorizedException, Microsoft.VisualStudio.Services.Common",
    typeKey: "VssUnauthorizedException",
  },
  routeNotFound: { typeName: "System.Web.Http.HttpResponseException, System.Web.Http", typeKey: "HttpResponseException" },
  argument: { typeName: "System.ArgumentException, mscorlib", typeKey: "ArgumentException" },
  subscriptionNotFound: serviceHooksType("SubscriptionNotFoundException"),
  notificationNotFound: serviceHooksType("NotificationNotFoundException"),
  consumerNotFound: serviceHooksType("ConsumerNotFoundException"),
  publisherNotFound: serviceHooksType("PublisherNotFoundException"),
  subscriptionInput: serviceHooksType("SubscriptionInputException"),
  projectNotFound: {
    typeName: "Microsoft.TeamFoundation.Core.WebApi.ProjectDoesNotExistWithNameException, Microsoft.TeamFoundation.Core.WebApi",
    typeKey: "ProjectDoesNotExistWithNameException",
  },
  repositoryNotFound: {
    typeName: "Microsoft.TeamFoundation.Git.Server.GitRepositoryNotFoundException, Microsoft.TeamFoundation.Git.Server",
    typeKey: "GitRepositoryNotFoundException",
  },
} satisfies Record<string, ErrorType>;
