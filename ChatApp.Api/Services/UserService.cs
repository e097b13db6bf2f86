using System.Net.Mail;
using ChatApp.Api.Audit;
using ChatApp.Api.Auth;
using ChatApp.Api.Data;
using ChatApp.Api.Data.Entities;
using Microsoft.EntityFrameworkCore;

namespace ChatApp.Api.Services;

/// <summary>Staff accounts: sign-in and the admin's user management.</summary>
public class UserService(
    ChatDbContext db, TokenService tokens, LoginThrottle throttle, IStaffSessions sessions, TimeProvider time, AuditLog audit)
{
    public const int MinPasswordLength = 8;
    public const int MaxEmailLength = 320;
    public const int MaxDisplayNameLength = 100;

    // Verifying against a real hash when the account does not exist keeps the response time the same,
    // so timing does not tell which e-mails have accounts.
    private static readonly string DummyHash = BCrypt.Net.BCrypt.HashPassword("not-a-real-password", PasswordWorkFactor);
    public const int PasswordWorkFactor = 11;

    public static string NormalizeEmail(string email) => email.Trim().ToLowerInvariant();

    public static string HashPassword(string password) => BCrypt.Net.BCrypt.HashPassword(password, PasswordWorkFactor);

    /// <param name="clientIp">The caller's address (after forwarded headers from trusted proxies), for <see cref="LoginThrottle"/>.</param>
    public async Task<LoginResult> LoginAsync(LoginRequest request, string clientIp, CancellationToken ct = default)
    {
        if (string.IsNullOrWhiteSpace(request.Email) || string.IsNullOrEmpty(request.Password))
        {
            throw ChatException.Invalid("email", "Enter your e-mail and password.");
        }
        var email = NormalizeEmail(TextRules.Check(request.Email, "email", "e-mail address", MaxEmailLength));
        await throttle.EnsureMayTryAsync(email, clientIp);
        var user = await db.Users.AsNoTracking().FirstOrDefaultAsync(u => u.Email == email, ct);
        var passwordOk = BCrypt.Net.BCrypt.Verify(request.Password, user?.PasswordHash ?? DummyHash);
        if (user is null || !passwordOk)
        {
            await throttle.FailedAsync(email, clientIp);
            throw new ChatException(ChatError.Unauthorized, "The e-mail or password is wrong.");
        }
        await throttle.SucceededAsync(email, clientIp);
        if (!user.IsActive)
        {
            throw new ChatException(ChatError.Unauthorized, "This account is deactivated. Ask an admin to restore it.");
        }
        var (token, expiresAt) = tokens.ForUser(user);
        return new LoginResult(token, expiresAt, UserDto.From(user));
    }

    public async Task<UserDto> GetAsync(Guid id, CancellationToken ct = default)
    {
        var user = await db.Users.AsNoTracking().FirstOrDefaultAsync(u => u.Id == id, ct)
            ?? throw ChatException.NotFound($"There is no user {id}.");
        return UserDto.From(user);
    }

    public async Task<IReadOnlyList<UserDto>> ListAsync(CancellationToken ct = default) =>
        [.. (await db.Users.AsNoTracking().OrderBy(u => u.DisplayName).ToListAsync(ct)).Select(UserDto.From)];

    public async Task<UserDto> CreateAsync(CreateUserRequest request, CancellationToken ct = default)
    {
        var requestedEmail = TextRules.Optional(request.Email, "email", "e-mail address", MaxEmailLength);
        if (requestedEmail is null || !MailAddress.TryCreate(requestedEmail, out _))
        {
            throw ChatException.Invalid("email", "Enter a valid e-mail address.");
        }
        var displayName = TextRules.OptionalName(request.DisplayName, "displayName", "display name", MaxDisplayNameLength)
            ?? throw ChatException.Invalid("displayName", $"Enter a display name of at most {MaxDisplayNameLength} characters.");
        ValidatePassword(request.Password, "password");
        var role = request.Role ?? throw ChatException.Invalid("role", "Choose a role: Admin or Operator.");
        if (!Enum.IsDefined(role))
        {
            throw ChatException.Invalid("role", "The role must be Admin or Operator.");
        }
        var email = NormalizeEmail(requestedEmail);
        if (await db.Users.AnyAsync(u => u.Email == email, ct))
        {
            throw ChatException.Conflict($"A user with the e-mail {email} already exists.");
        }
        var now = time.GetUtcNow();
        var user = new User
        {
            Email = email,
            DisplayName = displayName,
            PasswordHash = HashPassword(request.Password),
            Role = role,
            CreatedAt = now,
            UpdatedAt = now,
        };
        db.Users.Add(user);
        audit.Record(AuditActions.UserCreated, "user", user.Id, user.Email, new { user.DisplayName, user.Role });
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException ex) when (ex.InnerException is Npgsql.PostgresException { SqlState: "23505" })
        {
            throw ChatException.Conflict($"A user with the e-mail {email} already exists.");
        }
        return UserDto.From(user);
    }

    public async Task<UserDto> ChangeRoleAsync(Caller admin, Guid id, UserRole? role, CancellationToken ct = default)
    {
        if (role is null || !Enum.IsDefined(role.Value))
        {
            throw ChatException.Invalid("role", "The role must be Admin or Operator.");
        }
        var user = await FindAsync(id, ct);
        if (user.Id == admin.Id && role != UserRole.Admin)
        {
            throw ChatException.Conflict("You cannot remove your own admin role; ask another admin.");
        }
        if (user.Role == role.Value)
        {
            return UserDto.From(user);
        }
        audit.Record(AuditActions.UserRoleChanged, "user", user.Id, user.Email, new { From = user.Role, To = role.Value });
        user.Role = role.Value;
        user.UpdatedAt = time.GetUtcNow();
        await db.SaveChangesAsync(ct);
        sessions.End(user.Id);
        return UserDto.From(user);
    }

    public async Task<UserDto> DeactivateAsync(Caller admin, Guid id, CancellationToken ct = default)
    {
        var user = await FindAsync(id, ct);
        if (user.Id == admin.Id)
        {
            throw ChatException.Conflict("You cannot deactivate your own account.");
        }
        if (user.IsActive)
        {
            audit.Record(AuditActions.UserDeactivated, "user", user.Id, user.Email);
        }
        user.IsActive = false;
        // A new stamp, so tokens from before stay dead even if the user is reactivated.
        user.SecurityStamp = Guid.NewGuid();
        user.UpdatedAt = time.GetUtcNow();
        await db.SaveChangesAsync(ct);
        sessions.End(user.Id);
        return UserDto.From(user);
    }

    /// <summary>Lets a deactivated user sign in again (with a new sign-in: old tokens stay invalid).</summary>
    public async Task<UserDto> ReactivateAsync(Caller admin, Guid id, CancellationToken ct = default)
    {
        var user = await FindAsync(id, ct);
        if (!user.IsActive)
        {
            audit.Record(AuditActions.UserReactivated, "user", user.Id, user.Email);
            user.IsActive = true;
            user.UpdatedAt = time.GetUtcNow();
            await db.SaveChangesAsync(ct);
        }
        return UserDto.From(user);
    }

    /// <summary>An admin sets a new password for a user: every session of that user ends.</summary>
    public async Task<UserDto> ResetPasswordAsync(Caller admin, Guid id, ResetPasswordRequest request, CancellationToken ct = default)
    {
        ValidatePassword(request.Password, "password");
        var user = await FindAsync(id, ct);
        SetPassword(user, request.Password);
        audit.Record(AuditActions.UserPasswordReset, "user", user.Id, user.Email);
        await db.SaveChangesAsync(ct);
        sessions.End(user.Id);
        return UserDto.From(user);
    }

    /// <summary>
    /// A user changes their own password, proving the current one. Every other session of theirs ends; this one goes on
    /// with the new token returned.
    /// </summary>
    /// <param name="clientIp">The caller's address: guessing the current password is throttled like signing in (<see cref="LoginThrottle"/>).</param>
    public async Task<LoginResult> ChangeOwnPasswordAsync(
        Caller caller, ChangePasswordRequest request, string clientIp, CancellationToken ct = default)
    {
        if (string.IsNullOrEmpty(request.CurrentPassword))
        {
            throw ChatException.Invalid("currentPassword", "Enter your current password.");
        }
        ValidatePassword(request.NewPassword, "newPassword");
        var user = await FindAsync(caller.Id, ct);
        // Guessing the current password from a stolen session is throttled like signing in: only wrong ones count.
        await throttle.EnsureMayTryAsync(user.Email, clientIp);
        if (!BCrypt.Net.BCrypt.Verify(request.CurrentPassword, user.PasswordHash))
        {
            await throttle.FailedAsync(user.Email, clientIp);
            throw ChatException.Invalid("currentPassword", "The current password is wrong.");
        }
        await throttle.SucceededAsync(user.Email, clientIp);
        SetPassword(user, request.NewPassword);
        await db.SaveChangesAsync(ct);
        sessions.End(user.Id);
        var (token, expiresAt) = tokens.ForUser(user);
        return new LoginResult(token, expiresAt, UserDto.From(user));
    }

    public async Task<UserDto> UpdatePreferencesAsync(Caller caller, PreferencesRequest request, CancellationToken ct = default)
    {
        var user = await FindAsync(caller.Id, ct);
        if (request.NotificationsEnabled is { } enabled && enabled != user.NotificationsEnabled)
        {
            user.NotificationsEnabled = enabled;
            user.UpdatedAt = time.GetUtcNow();
            await db.SaveChangesAsync(ct);
        }
        return UserDto.From(user);
    }

    private void SetPassword(User user, string password)
    {
        user.PasswordHash = HashPassword(password);
        user.SecurityStamp = Guid.NewGuid();
        user.UpdatedAt = time.GetUtcNow();
    }

    private static void ValidatePassword([System.Diagnostics.CodeAnalysis.NotNull] string? password, string field)
    {
        // bcrypt reads at most 72 bytes.
        if (password is null || password.Length < MinPasswordLength || password.Length > 72)
        {
            throw ChatException.Invalid(field, $"The password must be {MinPasswordLength} to 72 characters long.");
        }
        // Not trimmed (spaces are part of a password), but held to the same characters as any other text.
        TextRules.Refuse(password, field, "password");
    }

    private async Task<User> FindAsync(Guid id, CancellationToken ct) =>
        await db.Users.FirstOrDefaultAsync(u => u.Id == id, ct) ?? throw ChatException.NotFound($"There is no user {id}.");
}
