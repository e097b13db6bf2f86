using ChatApp.Api.Auth;
using ChatApp.Api.Services;
using Microsoft.AspNetCore.Http.HttpResults;

namespace ChatApp.Api.Apis;

/// <summary>Who of the staff is online, away or offline; live changes come as the hub's PresenceChanged.</summary>
public static class PresenceApi
{
    public static IEndpointRouteBuilder MapPresenceApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/presence").WithTags("Presence").RequireAuthorization(Policies.Staff);
        group.MapGet("/", List)
            .WithName("ListPresence")
            .WithSummary("Every active operator and admin with their status: what they chose while connected, Offline otherwise.");
        group.MapPut("/me", SetMine)
            .WithName("SetOwnPresence")
            .WithSummary("Sets the caller's status: Online, Away or Offline.");
        return app;
    }

    private static async Task<Ok<IReadOnlyList<PresenceDto>>> List(PresenceService presence, CancellationToken ct) =>
        TypedResults.Ok(await presence.ListAsync(ct));

    private static async Task<Ok<PresenceDto>> SetMine(
        SetPresenceRequest request, HttpContext context, PresenceService presence, CancellationToken ct) =>
        TypedResults.Ok(await presence.SetStatusAsync(Caller.From(context.User), request.Status, ct));
}
