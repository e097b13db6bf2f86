using System.Text.RegularExpressions;
using ChatApp.Api.Audit;
using ChatApp.Api.Data;
using ChatApp.Api.Data.Entities;
using Microsoft.EntityFrameworkCore;

namespace ChatApp.Api.Services;

/// <summary>Saved replies: every staff member reads them, admins write them.</summary>
public partial class CannedResponseService(ChatDbContext db, AuditLog audit, TimeProvider time)
{
    public const int MaxShortcutLength = 32;
    public const int MaxTitleLength = 100;

    [GeneratedRegex("^[a-z0-9][a-z0-9_-]*$")]
    private static partial Regex ShortcutPattern();

    public async Task<IReadOnlyList<CannedResponseDto>> ListAsync(CancellationToken ct = default) =>
        [.. (await db.CannedResponses.AsNoTracking().OrderBy(c => c.Shortcut).ToListAsync(ct)).Select(CannedResponseDto.From)];

    public async Task<CannedResponseDto> CreateAsync(Caller caller, CannedResponseRequest request, CancellationToken ct = default)
    {
        RequireAdmin(caller);
        var (shortcut, title, body) = Validate(request);
        var now = time.GetUtcNow();
        var canned = new CannedResponse { Shortcut = shortcut, Title = title, Body = body, CreatedAt = now, UpdatedAt = now };
        db.CannedResponses.Add(canned);
        audit.Record(AuditActions.CannedResponseCreated, "canned_response", canned.Id, shortcut, new { title });
        await SaveAsync(shortcut, ct);
        return CannedResponseDto.From(canned);
    }

    public async Task<CannedResponseDto> UpdateAsync(Caller caller, Guid id, CannedResponseRequest request, CancellationToken ct = default)
    {
        RequireAdmin(caller);
        var (shortcut, title, body) = Validate(request);
        var canned = await FindAsync(id, ct);
        audit.Record(AuditActions.CannedResponseUpdated, "canned_response", canned.Id, shortcut,
            new { shortcut = new { from = canned.Shortcut, to = shortcut }, title = new { from = canned.Title, to = title } });
        canned.Shortcut = shortcut;
        canned.Title = title;
        canned.Body = body;
        canned.UpdatedAt = time.GetUtcNow();
        await SaveAsync(shortcut, ct);
        return CannedResponseDto.From(canned);
    }

    public async Task DeleteAsync(Caller caller, Guid id, CancellationToken ct = default)
    {
        RequireAdmin(caller);
        var canned = await FindAsync(id, ct);
        db.CannedResponses.Remove(canned);
        audit.Record(AuditActions.CannedResponseDeleted, "canned_response", canned.Id, canned.Shortcut);
        await db.SaveChangesAsync(ct);
    }

    private async Task<CannedResponse> FindAsync(Guid id, CancellationToken ct) =>
        await db.CannedResponses.FirstOrDefaultAsync(c => c.Id == id, ct)
        ?? throw ChatException.NotFound($"There is no canned response {id}.");

    private async Task SaveAsync(string shortcut, CancellationToken ct)
    {
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException ex) when (ex.InnerException is Npgsql.PostgresException { SqlState: Npgsql.PostgresErrorCodes.UniqueViolation })
        {
            throw ChatException.Conflict($"The shortcut /{shortcut} is already taken; choose another.");
        }
    }

    private static (string Shortcut, string Title, string Body) Validate(CannedResponseRequest request)
    {
        // A leading "/" is how operators type it; it is not part of the shortcut.
        var shortcut = request.Shortcut?.Trim().TrimStart('/').ToLowerInvariant() ?? "";
        if (shortcut.Length is 0 or > MaxShortcutLength || !ShortcutPattern().IsMatch(shortcut))
        {
            throw ChatException.Invalid("shortcut",
                $"The shortcut must be 1 to {MaxShortcutLength} letters, digits, '-' or '_' (no spaces), starting with a letter or digit.");
        }
        // The same rules as any text (no NUL or control characters), and the body those of a message it becomes.
        var title = TextRules.Optional(request.Title, "title", "title", MaxTitleLength)
            ?? throw ChatException.Invalid("title", $"Enter a title of at most {MaxTitleLength} characters.");
        var body = string.IsNullOrWhiteSpace(request.Body)
            ? throw ChatException.Invalid("body", "Enter the text to insert.")
            : TextRules.Check(request.Body, "body", "text", MessageRules.MaxBodyLength, multiline: true);
        return (shortcut, title, body);
    }

    private static void RequireAdmin(Caller caller)
    {
        if (!caller.IsAdmin)
        {
            throw ChatException.Forbidden("Only admins can change canned responses.");
        }
    }
}
