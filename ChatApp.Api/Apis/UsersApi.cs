using ChatApp.Api.Auth;
using ChatApp.Api.Services;
using Microsoft.AspNetCore.Http.HttpResults;

namespace ChatApp.Api.Apis;

/// <summary>User management, for admins only.</summary>
public static class UsersApi
{
    public static IEndpointRouteBuilder MapUsersApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/users").WithTags("Users").RequireAuthorization(Policies.Admin);
        group.MapGet("/", List).WithName("ListUsers").WithSummary("All operators and admins.");
        group.MapPost("/", Create).WithName("CreateUser").WithSummary("Creates an operator or admin.");
        group.MapPut("/{id:guid}/role", ChangeRole).WithName("ChangeUserRole").WithSummary("Makes a user an operator or an admin.");
        group.MapPost("/{id:guid}/deactivate", Deactivate)
            .WithName("DeactivateUser")
            .WithSummary("Stops a user from signing in; its existing tokens stop working at once.");
        group.MapPost("/{id:guid}/reactivate", Reactivate)
            .WithName("ReactivateUser")
            .WithSummary("Lets a deactivated user sign in again.");
        group.MapPut("/{id:guid}/password", ResetPassword)
            .WithName("ResetUserPassword")
            .WithSummary("Sets a new password for a user; every session of that user ends.");
        return app;
    }

    private static async Task<Ok<IReadOnlyList<UserDto>>> List(UserService users, CancellationToken ct) =>
        TypedResults.Ok(await users.ListAsync(ct));

    private static async Task<Created<UserDto>> Create(CreateUserRequest request, UserService users, CancellationToken ct)
    {
        var user = await users.CreateAsync(request, ct);
        return TypedResults.Created($"/api/users/{user.Id}", user);
    }

    private static async Task<Ok<UserDto>> ChangeRole(
        Guid id, ChangeRoleRequest request, HttpContext context, UserService users, CancellationToken ct) =>
        TypedResults.Ok(await users.ChangeRoleAsync(Caller.From(context.User), id, request.Role, ct));

    private static async Task<Ok<UserDto>> Reactivate(Guid id, HttpContext context, UserService users, CancellationToken ct) =>
        TypedResults.Ok(await users.ReactivateAsync(Caller.From(context.User), id, ct));

    private static async Task<Ok<UserDto>> ResetPassword(
        Guid id, ResetPasswordRequest request, HttpContext context, UserService users, CancellationToken ct) =>
        TypedResults.Ok(await users.ResetPasswordAsync(Caller.From(context.User), id, request, ct));

    private static async Task<Ok<UserDto>> Deactivate(Guid id, HttpContext context, UserService users, CancellationToken ct) =>
        TypedResults.Ok(await users.DeactivateAsync(Caller.From(context.User), id, ct));
}
