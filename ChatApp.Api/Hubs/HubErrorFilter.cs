using ChatApp.Api.Services;
using Microsoft.AspNetCore.SignalR;

namespace ChatApp.Api.Hubs;

/// <summary>Gives hub callers the same readable refusals REST callers get as ProblemDetails.</summary>
public class HubErrorFilter(ILogger<HubErrorFilter> logger) : IHubFilter
{
    public async ValueTask<object?> InvokeMethodAsync(
        HubInvocationContext invocationContext, Func<HubInvocationContext, ValueTask<object?>> next)
    {
        try
        {
            return await next(invocationContext);
        }
        catch (ChatException ex)
        {
            throw new HubException(ex.Message);
        }
        catch (Exception ex) when (ex is not HubException && !invocationContext.Context.ConnectionAborted.IsCancellationRequested)
        {
            logger.LogError(ex, "Hub method {Method} failed", invocationContext.HubMethodName);
            throw new HubException($"{invocationContext.HubMethodName} failed on the server. Try again: a resend with the same client message id is stored once.");
        }
    }
}
