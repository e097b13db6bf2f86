using System.Security.Claims;
using ChatApp.Api.Auth;
using ChatApp.Api.Data.Entities;

namespace ChatApp.Api.Services;

/// <summary>Who is asking: a visitor (by visitor id) or a staff user (by user id and role).</summary>
public record Caller(Guid Id, SenderKind Kind, UserRole? Role, string? Name)
{
    public bool IsVisitor => Kind == SenderKind.Visitor;
    public bool IsStaff => Kind == SenderKind.Operator;
    public bool IsAdmin => Role == UserRole.Admin;

    public static Caller From(ClaimsPrincipal principal)
    {
        var id = principal.FindFirstValue(ClaimNames.Subject);
        if (!Guid.TryParse(id, out var guid))
        {
            throw new ChatException(ChatError.Unauthorized, "You are not signed in.");
        }
        var name = principal.FindFirstValue(ClaimNames.Name);
        if (principal.IsInRole(Roles.Visitor))
        {
            return new Caller(guid, SenderKind.Visitor, null, name);
        }
        var role = principal.IsInRole(Roles.Admin) ? UserRole.Admin
            : principal.IsInRole(Roles.Operator) ? UserRole.Operator
            : throw new ChatException(ChatError.Forbidden, "Your account has no role that may use the chat.");
        return new Caller(guid, SenderKind.Operator, role, name);
    }
}
