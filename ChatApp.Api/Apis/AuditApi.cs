using ChatApp.Api.Audit;
using ChatApp.Api.Auth;
using ChatApp.Api.Services;
using Microsoft.AspNetCore.Http.HttpResults;

namespace ChatApp.Api.Apis;

/// <summary>The audit log of admin actions, for admins.</summary>
public static class AuditApi
{
    public static IEndpointRouteBuilder MapAuditApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/audit").WithTags("Audit").RequireAuthorization(Policies.Admin);
        group.MapGet("/", List)
            .WithName("ListAuditEntries")
            .WithSummary("Admin actions, newest first: who did what to which thing, when, from which IP; filtered by action (or an action prefix such as \"user.\"), actor, target and time.");
        group.MapGet("/actions", () => TypedResults.Ok(Actions))
            .WithName("ListAuditActions")
            .WithSummary("The action names the audit log records.");
        return app;
    }

    private static readonly string[] Actions = [.. typeof(AuditActions).GetFields()
        .Where(f => f.IsLiteral).Select(f => (string)f.GetRawConstantValue()!)];

    private static async Task<Ok<PageDto<AuditEntryDto>>> List(
        AuditLog audit, CancellationToken ct,
        string? action = null, Guid? actorId = null, string? targetId = null,
        DateTimeOffset? from = null, DateTimeOffset? to = null, int? page = null, int? pageSize = null) =>
        TypedResults.Ok(await audit.ListAsync(new AuditQuery(action, actorId, targetId, from, to, page, pageSize), ct));
}
