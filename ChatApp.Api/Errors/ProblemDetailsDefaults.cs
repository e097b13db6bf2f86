using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Routing;

namespace ChatApp.Api.Errors;

/// <summary>
/// A <c>detail</c> a person can read on the errors the framework produces by itself (no route, wrong method, body too
/// large, wrong content type), which otherwise come with a status and a title only.
/// </summary>
public static class ProblemDetailsDefaults
{
    public static void AddDetail(ProblemDetailsContext context)
    {
        var problem = context.ProblemDetails;
        if (!string.IsNullOrWhiteSpace(problem.Detail))
        {
            return;
        }
        var request = context.HttpContext.Request;
        problem.Detail = problem.Status switch
        {
            StatusCodes.Status400BadRequest => "The request is not valid.",
            StatusCodes.Status401Unauthorized => "Sign in to do this: send a bearer token.",
            StatusCodes.Status403Forbidden => "Your role does not allow this action.",
            StatusCodes.Status404NotFound => $"There is nothing at {request.Path}. Check the address (the API is under /api).",
            StatusCodes.Status405MethodNotAllowed => $"{request.Path} does not accept {request.Method}."
                + (AllowedMethods(context.HttpContext) is { Length: > 0 } allowed ? $" Use {allowed}." : ""),
            StatusCodes.Status413PayloadTooLarge => "The request body is larger than this endpoint accepts.",
            StatusCodes.Status415UnsupportedMediaType => $"This endpoint does not accept the content type \"{request.ContentType}\"."
                + " Send JSON (Content-Type: application/json), or multipart/form-data for uploads.",
            StatusCodes.Status429TooManyRequests => "You are doing this too often. Wait a little and try again.",
            StatusCodes.Status503ServiceUnavailable => "The service is temporarily unavailable. Try again in a few seconds.",
            _ => problem.Title,
        };
    }

    private static string AllowedMethods(HttpContext context) =>
        context.Response.Headers.Allow.ToString() is { Length: > 0 } header ? header
        : string.Join(", ", context.Features.Get<IEndpointFeature>()?.Endpoint?.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods ?? []);
}
