using ChatApp.Api.Auth;
using ChatApp.Api.Services;
using Microsoft.AspNetCore.Http.HttpResults;

namespace ChatApp.Api.Apis;

/// <summary>The admins' automatic assignment settings.</summary>
public static class AssignmentApi
{
    public static IEndpointRouteBuilder MapAssignmentApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/settings/assignment").WithTags("Settings").RequireAuthorization(Policies.Admin);
        group.MapGet("/", Get).WithName("GetAssignmentSettings").WithSummary("Whether new conversations are assigned automatically, and each operator's capacity.");
        group.MapPut("/", Update)
            .WithName("UpdateAssignmentSettings")
            .WithSummary("Turns automatic assignment on or off and sets the capacity; waiting conversations are assigned at once when there is room.");
        return app;
    }

    private static async Task<Ok<AssignmentSettingsDto>> Get(AssignmentService assignment, CancellationToken ct) =>
        TypedResults.Ok(await assignment.GetSettingsAsync(ct));

    private static async Task<Ok<AssignmentSettingsDto>> Update(
        AssignmentSettingsRequest request, HttpContext context, AssignmentService assignment, CancellationToken ct) =>
        TypedResults.Ok(await assignment.UpdateSettingsAsync(Caller.From(context.User), request, ct));
}
