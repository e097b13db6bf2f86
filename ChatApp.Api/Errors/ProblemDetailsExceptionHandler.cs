using System.Text.Json;
using ChatApp.Api.Data;
using ChatApp.Api.Services;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Mvc;

namespace ChatApp.Api.Errors;

/// <summary>Turns every exception that reaches the pipeline into a ProblemDetails a person can read.</summary>
public class ProblemDetailsExceptionHandler(
    IProblemDetailsService problemDetails, WriteHealth writes, ILogger<ProblemDetailsExceptionHandler> logger) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext context, Exception exception, CancellationToken ct)
    {
        if (exception is Microsoft.EntityFrameworkCore.DbUpdateException && DatabaseFailures.IsUnavailable(exception))
        {
            // A save the database could not make (disk full, say): /health says Degraded until a write succeeds.
            writes.Failed("saving changes");
        }
        var problem = exception switch
        {
            ChatException chat => FromChatException(chat, context),
            BadHttpRequestException { InnerException: JsonException json } => new ProblemDetails
            {
                Status = StatusCodes.Status400BadRequest,
                Title = "The request body is not valid JSON.",
                Detail = json.Message,
            },
            BadHttpRequestException bad => new ProblemDetails
            {
                Status = bad.StatusCode,
                Title = bad.StatusCode == StatusCodes.Status413PayloadTooLarge ? "The request is too large." : "The request is not valid.",
                Detail = bad.Message,
            },
            InvalidDataException invalid => new ProblemDetails
            {
                Status = StatusCodes.Status400BadRequest,
                Title = "The request body could not be read.",
                Detail = invalid.Message,
            },
            _ when context.RequestAborted.IsCancellationRequested => null,
            _ when DatabaseFailures.IsUnavailable(exception) => FromChatException(DatabaseFailures.Unavailable(exception), context),
            _ => null,
        };
        if (problem is null)
        {
            if (context.RequestAborted.IsCancellationRequested)
            {
                return true;
            }
            logger.LogError(exception, "Unhandled error on {Method} {Path}", context.Request.Method, context.Request.Path);
            problem = new ProblemDetails
            {
                Status = StatusCodes.Status500InternalServerError,
                Title = "Something went wrong on our side.",
                Detail = "The error was logged. Nothing was saved by this request; try again.",
            };
        }
        context.Response.StatusCode = problem.Status!.Value;
        return await problemDetails.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = context,
            ProblemDetails = problem,
            Exception = exception,
        });
    }

    /// <summary>The ProblemDetails for a refusal; sets <c>Retry-After</c> on the response when the refusal has a wait.</summary>
    public static ProblemDetails FromChatException(ChatException chat, HttpContext context)
    {
        if (chat.RetryAfter is { } wait)
        {
            context.Response.Headers.RetryAfter = ChatException.Seconds(wait).ToString();
        }
        var (status, title) = chat.Error switch
        {
            ChatError.Invalid => (StatusCodes.Status400BadRequest, "The request is not valid."),
            ChatError.NotFound => (StatusCodes.Status404NotFound, "Not found."),
            ChatError.Forbidden => (StatusCodes.Status403Forbidden, "You are not allowed to do this."),
            ChatError.Conflict => (StatusCodes.Status409Conflict, "This conflicts with the current state."),
            ChatError.TooManyRequests => (StatusCodes.Status429TooManyRequests, "Too many requests."),
            ChatError.Unauthorized => (StatusCodes.Status401Unauthorized, "Not signed in."),
            ChatError.TooLarge => (StatusCodes.Status413PayloadTooLarge, "The file is too large."),
            ChatError.UnsupportedType => (StatusCodes.Status415UnsupportedMediaType, "This file type is not allowed."),
            ChatError.Unavailable => (StatusCodes.Status503ServiceUnavailable, "Temporarily unavailable."),
            _ => (StatusCodes.Status400BadRequest, "The request is not valid."),
        };
        if (chat.FieldErrors is { } errors)
        {
            return new ValidationProblemDetails(errors) { Status = status, Title = title, Detail = chat.Message };
        }
        return new ProblemDetails { Status = status, Title = title, Detail = chat.Message };
    }
}
