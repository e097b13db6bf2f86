using ChatApp.Api.Audit;
using ChatApp.Api.Data;
using ChatApp.Api.Data.Entities;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace ChatApp.Api.Services;

/// <summary>
/// Automatic assignment, when the admins turn it on: every unassigned conversation, oldest first, goes to the online
/// operator with the fewest open conversations, as long as that operator has fewer than the capacity; the others wait
/// in the queue (the Unassigned tab) until someone comes online or frees up. It runs whenever that may have happened
/// (a new conversation, a close, an unassign, a reopen, a transfer, someone coming online, a change of the settings) and
/// on every presence heartbeat, under one PostgreSQL advisory lock, so two instances never hand out the same room twice.
/// </summary>
public class AssignmentService(
    ChatDbContext db, IChatNotifier notifier, IOptions<PresenceOptions> presence, AuditLog audit, TimeProvider time, ILogger<AssignmentService> logger)
{
    public const int MaxCapacity = 100;

    // Any constant that no other advisory lock of this database uses ("ChatAsgn").
    private const long LockKey = 0x4368_6174_4173_676E;

    public async Task<AssignmentSettingsDto> GetSettingsAsync(CancellationToken ct = default)
    {
        var settings = await db.AssignmentSettings.AsNoTracking().FirstOrDefaultAsync(ct) ?? new AssignmentSettings();
        return new AssignmentSettingsDto(settings.AutoAssign, settings.MaxOpenPerOperator);
    }

    public async Task<AssignmentSettingsDto> UpdateSettingsAsync(Caller admin, AssignmentSettingsRequest request, CancellationToken ct = default)
    {
        if (!admin.IsAdmin)
        {
            throw ChatException.Forbidden("Only admins can change the assignment settings.");
        }
        if (request.MaxOpenPerOperator is < 1 or > MaxCapacity)
        {
            throw ChatException.Invalid("maxOpenPerOperator", $"The capacity must be between 1 and {MaxCapacity} open conversations.");
        }
        var settings = await db.AssignmentSettings.FirstOrDefaultAsync(ct);
        if (settings is null)
        {
            settings = new AssignmentSettings();
            db.AssignmentSettings.Add(settings);
        }
        var (autoAssign, maxOpen) = (request.AutoAssign ?? settings.AutoAssign, request.MaxOpenPerOperator ?? settings.MaxOpenPerOperator);
        audit.Record(AuditActions.AssignmentSettingsUpdated, "assignment_settings", details: new
        {
            autoAssign = new { from = settings.AutoAssign, to = autoAssign },
            maxOpenPerOperator = new { from = settings.MaxOpenPerOperator, to = maxOpen },
        });
        settings.AutoAssign = autoAssign;
        settings.MaxOpenPerOperator = maxOpen;
        settings.UpdatedAt = time.GetUtcNow();
        settings.UpdatedByUserId = admin.Id;
        await db.SaveChangesAsync(ct);
        await AssignWaitingAsync(ct);
        return new AssignmentSettingsDto(settings.AutoAssign, settings.MaxOpenPerOperator);
    }

    /// <summary>
    /// Assigns what waits to whoever has room, when automatic assignment is on; returns the ids of the conversations
    /// it assigned. Never throws for a database failure: the conversations keep waiting and the next heartbeat tries again.
    /// Clears the context's change tracker.
    /// </summary>
    public async Task<IReadOnlyCollection<Guid>> AssignWaitingAsync(CancellationToken ct = default)
    {
        List<(Conversation Conversation, Message Record)> assigned;
        try
        {
            var strategy = db.Database.CreateExecutionStrategy();
            assigned = await strategy.ExecuteAsync(AssignWaitingOnceAsync, ct);
        }
        catch (Exception ex) when (!ct.IsCancellationRequested)
        {
            logger.LogWarning(ex, "Automatic assignment failed; the conversations keep waiting and are tried again");
            return [];
        }
        foreach (var (conversation, record) in assigned)
        {
            await notifier.ConversationChangedAsync(conversation.ToSummary());
            await notifier.StaffMessageCreatedAsync(record.ToDto(conversation.VisitorName));
        }
        return [.. assigned.Select(a => a.Conversation.Id)];
    }

    private sealed class Candidate(User user, int open)
    {
        public User User { get; } = user;
        public int Open { get; set; } = open;
    }

    private async Task<List<(Conversation, Message)>> AssignWaitingOnceAsync(CancellationToken ct)
    {
        db.ChangeTracker.Clear();
        // Cheap checks first: most calls find it off or nothing waiting.
        var settings = await db.AssignmentSettings.AsNoTracking().FirstOrDefaultAsync(ct);
        if (settings is not { AutoAssign: true } || !await db.Conversations.AnyAsync(c => c.Status == ConversationStatus.Open, ct))
        {
            return [];
        }

        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        await db.Database.ExecuteSqlAsync($"SELECT pg_advisory_xact_lock({LockKey})", ct);
        var cutoff = time.GetUtcNow() - presence.Value.ConnectionTimeout;
        var candidates = (await db.Users.Online(db, cutoff)
                .Select(u => new { User = u, Open = db.Conversations.Count(c => c.AssignedUserId == u.Id && c.Status == ConversationStatus.Assigned) })
                .ToListAsync(ct))
            .Select(x => new Candidate(x.User, x.Open))
            .ToList();
        var room = candidates.Sum(c => Math.Max(0, settings.MaxOpenPerOperator - c.Open));
        if (room == 0)
        {
            return [];
        }
        var waiting = await db.Conversations
            .Where(c => c.Status == ConversationStatus.Open)
            .OrderBy(c => c.CreatedAt).ThenBy(c => c.Id)
            .Take(room)
            .ToListAsync(ct);
        var now = time.GetUtcNow();
        var assigned = new List<(Conversation, Message)>();
        foreach (var conversation in waiting)
        {
            var pick = candidates
                .Where(c => c.Open < settings.MaxOpenPerOperator)
                .OrderBy(c => c.Open).ThenBy(c => c.User.Id)
                .FirstOrDefault();
            if (pick is null)
            {
                break;
            }
            pick.Open++;
            conversation.AssignedUserId = pick.User.Id;
            conversation.AssignedUser = pick.User;
            conversation.Status = ConversationStatus.Assigned;
            conversation.UpdatedAt = now;
            var record = ConversationActivity.Record(conversation, null, now, ConversationActivity.AssignedAutomatically(pick.User.DisplayName));
            db.Messages.Add(record);
            assigned.Add((conversation, record));
        }
        await db.SaveChangesAsync(ct);
        await transaction.CommitAsync(ct);
        return assigned;
    }
}
