/**
 * The service's exceptions as the REST API answers them: an HTTP status, a message and the .NET
 * exception type the clients see as typeKey / typeName.
 */

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
  unauthorizedRequest: {
    typeName: "Microsoft.VisualStudio.Services.WebApi.UnauthorizedRequestException, Microsoft.VisualStudio.Services.WebApi",
    typeKey: "UnauthorizedRequestException",
  },
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
