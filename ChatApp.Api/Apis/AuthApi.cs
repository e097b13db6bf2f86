using ChatApp.Api.Auth;
using ChatApp.Api.Services;
using Microsoft.AspNetCore.Http.HttpResults;

namespace ChatApp.Api.Apis;

public static class AuthApi
{
    public const string LoginRateLimitPolicy = "login";

    public static IEndpointRouteBuilder MapAuthApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/auth").WithTags("Auth");
        group.MapPost("/login", Login)
            .RequireRateLimiting(LoginRateLimitPolicy)
            .WithName("Login")
            .WithSummary("Signs an operator or admin in and returns a JWT.");
        group.MapGet("/me", Me)
            .RequireAuthorization(Policies.Staff)
            .WithName("GetCurrentUser")
            .WithSummary("The signed-in operator or admin.");
        var me = group.MapGroup("/me").RequireAuthorization(Policies.Staff);
        me.MapPut("/password", ChangePassword)
            .WithName("ChangeOwnPassword")
            .WithSummary("Changes the caller's password (the current one is required); the caller's other sessions end, and a new token is returned for this one.");
        me.MapPut("/preferences", UpdatePreferences)
            .WithName("UpdateOwnPreferences")
            .WithSummary("The caller's own settings: browser notifications and sounds on or off.");
        return app;
    }

    private static async Task<Ok<LoginResult>> Login(LoginRequest request, HttpContext context, UserService users, CancellationToken ct) =>
        TypedResults.Ok(await users.LoginAsync(request, context.Connection.RemoteIpAddress?.ToString() ?? "unknown", ct));

    private static async Task<Ok<LoginResult>> ChangePassword(
        ChangePasswordRequest request, HttpContext context, UserService users, CancellationToken ct) =>
        TypedResults.Ok(await users.ChangeOwnPasswordAsync(Caller.From(context.User), request,
            context.Connection.RemoteIpAddress?.ToString() ?? "unknown", ct));

    private static async Task<Ok<UserDto>> UpdatePreferences(
        PreferencesRequest request, HttpContext context, UserService users, CancellationToken ct) =>
        TypedResults.Ok(await users.UpdatePreferencesAsync(Caller.From(context.User), request, ct));

    private static async Task<Ok<UserDto>> Me(HttpContext context, UserService users, CancellationToken ct) =>
        TypedResults.Ok(await users.GetAsync(Caller.From(context.User).Id, ct));
}
