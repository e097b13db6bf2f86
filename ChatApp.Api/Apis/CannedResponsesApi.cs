using ChatApp.Api.Auth;
using ChatApp.Api.Services;
using Microsoft.AspNetCore.Http.HttpResults;

namespace ChatApp.Api.Apis;

/// <summary>Saved replies: staff read them (the composer's "/" menu), admins manage them.</summary>
public static class CannedResponsesApi
{
    public static IEndpointRouteBuilder MapCannedResponsesApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/canned-responses").WithTags("Canned responses").RequireAuthorization(Policies.Staff);
        group.MapGet("/", List).WithName("ListCannedResponses").WithSummary("Every canned response, by shortcut.");
        group.MapPost("/", Create)
            .RequireAuthorization(Policies.Admin)
            .WithName("CreateCannedResponse")
            .WithSummary("Adds a canned response; the shortcut must be unused.");
        group.MapPut("/{id:guid}", Update)
            .RequireAuthorization(Policies.Admin)
            .WithName("UpdateCannedResponse")
            .WithSummary("Changes a canned response's shortcut, title or text.");
        group.MapDelete("/{id:guid}", Delete)
            .RequireAuthorization(Policies.Admin)
            .WithName("DeleteCannedResponse")
            .WithSummary("Removes a canned response.");
        return app;
    }

    private static async Task<Ok<IReadOnlyList<CannedResponseDto>>> List(CannedResponseService canned, CancellationToken ct) =>
        TypedResults.Ok(await canned.ListAsync(ct));

    private static async Task<Created<CannedResponseDto>> Create(
        CannedResponseRequest request, HttpContext context, CannedResponseService canned, CancellationToken ct)
    {
        var created = await canned.CreateAsync(Caller.From(context.User), request, ct);
        return TypedResults.Created($"/api/canned-responses/{created.Id}", created);
    }

    private static async Task<Ok<CannedResponseDto>> Update(
        Guid id, CannedResponseRequest request, HttpContext context, CannedResponseService canned, CancellationToken ct) =>
        TypedResults.Ok(await canned.UpdateAsync(Caller.From(context.User), id, request, ct));

    private static async Task<NoContent> Delete(Guid id, HttpContext context, CannedResponseService canned, CancellationToken ct)
    {
        await canned.DeleteAsync(Caller.From(context.User), id, ct);
        return TypedResults.NoContent();
    }
}
