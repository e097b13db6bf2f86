using ChatApp.Api.Data;
using ChatApp.Api.Services;
using Microsoft.AspNetCore.SignalR;

namespace ChatApp.Api.Hubs;

/// <summary>
/// Gives hub callers the same readable refusals REST callers get as ProblemDetails. Every exception leaving the hub
/// becomes a <see cref="HubException"/> with a message meant for a person, the only kind of message SignalR passes on
/// to clients (also when it closes a connection whose OnConnectedAsync failed).
/// </summary>
public class HubErrorFilter(ILogger<HubErrorFilter> logger) : IHubFilter
{
    public async ValueTask<object?> InvokeMethodAsync(
        HubInvocationContext invocationContext, Func<HubInvocationContext, ValueTask<object?>> next)
    {
        try
        {
            return await next(invocationContext);
        }
        catch (Exception ex) when (ex is not HubException)
        {
            throw Readable(ex, invocationContext.HubMethodName, invocationContext.Context);
        }
    }

    public async Task OnConnectedAsync(HubLifetimeContext context, Func<HubLifetimeContext, Task> next)
    {
        try
        {
            await next(context);
        }
        catch (Exception ex) when (ex is not HubException)
        {
            throw Readable(ex, "Connecting", context.Context);
        }
    }

    private HubException Readable(Exception ex, string method, HubCallerContext connection)
    {
        switch (ex)
        {
            case ChatException chat:
                return new HubException(chat.Message);
            case var _ when DatabaseFailures.IsUnavailable(ex):
                logger.LogWarning(ex, "Hub method {Method}: the database is unavailable", method);
                return new HubException(DatabaseFailures.Unavailable().Message);
            case OperationCanceledException when connection.ConnectionAborted.IsCancellationRequested:
                return new HubException("The connection closed before this finished.");
            default:
                logger.LogError(ex, "Hub method {Method} failed", method);
                return new HubException($"{method} failed on the server. Try again: a resend with the same client message id is stored once.");
        }
    }
}
