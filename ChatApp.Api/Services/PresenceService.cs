using ChatApp.Api.Data;
using ChatApp.Api.Data.Entities;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace ChatApp.Api.Services;

public class PresenceOptions
{
    public const string Section = "Presence";

    /// <summary>How often an API instance confirms the staff connections it holds (and looks for dead ones).</summary>
    public TimeSpan HeartbeatInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>A connection not confirmed for this long belonged to an instance that died: it no longer counts.</summary>
    public TimeSpan ConnectionTimeout { get; set; } = TimeSpan.FromSeconds(90);
}

/// <summary>This API process among others that share the database: its staff connections carry its id.</summary>
public sealed class ApiInstance
{
    private int _staffConnections;

    public Guid Id { get; } = Guid.CreateVersion7();

    /// <summary>Staff connections this instance registered and has not yet seen close.</summary>
    public int StaffConnections => Volatile.Read(ref _staffConnections);

    internal void Opened() => Interlocked.Increment(ref _staffConnections);
    internal void Closed() => Interlocked.Decrement(ref _staffConnections);
}

/// <summary>
/// Who of the staff is online, away or offline. The status a user chooses is stored with the user; whether they are
/// connected at all comes from <c>staff_connections</c>, one row per live hub connection, which every API instance writes
/// and refreshes. So the answer is the same from any instance, and a user whose last connection dropped (or whose
/// instance died) is offline whatever they chose.
/// </summary>
public class PresenceService(
    ChatDbContext db, IChatNotifier notifier, AssignmentService assignment, ApiInstance instance,
    IOptions<PresenceOptions> options, TimeProvider time, ILogger<PresenceService> logger)
{
    private DateTimeOffset Cutoff => time.GetUtcNow() - options.Value.ConnectionTimeout;

    /// <summary>Whether at least one active operator or admin is online (connected, and chose "online").</summary>
    public Task<bool> IsAnyOperatorOnlineAsync(CancellationToken ct = default) =>
        db.Users.Online(db, Cutoff).AnyAsync(ct);

    public async Task<IReadOnlyList<PresenceDto>> ListAsync(CancellationToken ct = default) =>
        await WithStatus(db.Users.AsNoTracking().Where(u => u.IsActive).OrderBy(u => u.DisplayName)).ToListAsync(ct);

    /// <summary>The status the user chooses; colleagues see it while the user is connected.</summary>
    public async Task<PresenceDto> SetStatusAsync(Caller caller, PresenceStatus? status, CancellationToken ct = default)
    {
        if (!caller.IsStaff)
        {
            throw ChatException.Forbidden("Only operators and admins have a status.");
        }
        if (status is null || !Enum.IsDefined(status.Value))
        {
            throw ChatException.Invalid("status", "The status must be Online, Away or Offline.");
        }
        var user = await db.Users.FirstOrDefaultAsync(u => u.Id == caller.Id, ct)
            ?? throw ChatException.NotFound("Your account no longer exists.");
        if (user.Presence != status.Value)
        {
            user.Presence = status.Value;
            user.UpdatedAt = time.GetUtcNow();
            await db.SaveChangesAsync(ct);
            await AnnounceAsync(user.Id, ct);
        }
        return await GetAsync(user.Id, ct);
    }

    /// <summary>A staff hub connection opened: with it the user may come online.</summary>
    public async Task ConnectedAsync(Caller caller, string connectionId, CancellationToken ct = default)
    {
        var now = time.GetUtcNow();
        db.StaffConnections.Add(new StaffConnection
        {
            ConnectionId = connectionId,
            UserId = caller.Id,
            InstanceId = instance.Id,
            ConnectedAt = now,
            SeenAt = now,
        });
        await db.SaveChangesAsync(ct);
        instance.Opened();
        // Counted after the insert, so a reload's new connection and its old one dropping at the same moment cannot
        // both conclude that the other one is still there.
        if (!await HasOtherConnectionsAsync(caller.Id, connectionId, ct))
        {
            await AnnounceAsync(caller.Id, ct);
        }
    }

    /// <summary>A staff hub connection closed: with the last one the user goes offline.</summary>
    public async Task DisconnectedAsync(Caller caller, string connectionId, CancellationToken ct = default)
    {
        var removed = await db.StaffConnections.Where(c => c.ConnectionId == connectionId).ExecuteDeleteAsync(ct);
        if (removed == 0)
        {
            return;
        }
        instance.Closed();
        if (!await HasOtherConnectionsAsync(caller.Id, connectionId, ct))
        {
            await AnnounceAsync(caller.Id, ct);
        }
    }

    /// <summary>
    /// Run by every instance now and then (<see cref="PresenceHeartbeat"/>): confirms its own connections, forgets those
    /// of instances that stopped confirming theirs (announcing who went offline with them), and gives waiting
    /// conversations another chance to be assigned.
    /// </summary>
    public async Task HeartbeatAsync(CancellationToken ct = default)
    {
        var now = time.GetUtcNow();
        await db.StaffConnections.Where(c => c.InstanceId == instance.Id).ExecuteUpdateAsync(s => s.SetProperty(c => c.SeenAt, now), ct);
        var cutoff = Cutoff;
        var stale = await db.StaffConnections.Where(c => c.SeenAt <= cutoff).Select(c => c.UserId).Distinct().ToListAsync(ct);
        if (stale.Count > 0)
        {
            await db.StaffConnections.Where(c => c.SeenAt <= cutoff).ExecuteDeleteAsync(ct);
            logger.LogInformation("Forgot the connections of {Count} staff members whose API instance stopped answering", stale.Count);
            foreach (var userId in stale)
            {
                await AnnounceAsync(userId, ct);
            }
        }
        await assignment.AssignWaitingAsync(ct);
    }

    /// <summary>This instance stops: its connections go with it.</summary>
    public async Task ForgetInstanceAsync(CancellationToken ct = default)
    {
        var users = await db.StaffConnections.Where(c => c.InstanceId == instance.Id).Select(c => c.UserId).Distinct().ToListAsync(ct);
        await db.StaffConnections.Where(c => c.InstanceId == instance.Id).ExecuteDeleteAsync(ct);
        foreach (var userId in users)
        {
            await AnnounceAsync(userId, ct);
        }
    }

    private Task<bool> HasOtherConnectionsAsync(Guid userId, string connectionId, CancellationToken ct)
    {
        var cutoff = Cutoff;
        return db.StaffConnections.AnyAsync(c => c.UserId == userId && c.ConnectionId != connectionId && c.SeenAt > cutoff, ct);
    }

    private Task<PresenceDto> GetAsync(Guid userId, CancellationToken ct) =>
        WithStatus(db.Users.AsNoTracking().Where(u => u.Id == userId)).FirstAsync(ct);

    /// <summary>Each user's presence: the status they chose while they have a live connection, otherwise offline.</summary>
    private IQueryable<PresenceDto> WithStatus(IQueryable<User> users)
    {
        var cutoff = Cutoff;
        return users.Select(u => new PresenceDto(u.Id, u.DisplayName, u.Role,
            db.StaffConnections.Any(c => c.UserId == u.Id && c.SeenAt > cutoff) ? u.Presence : PresenceStatus.Offline));
    }

    /// <summary>Tells all staff the user's status as it is now; someone who came online may take waiting conversations.</summary>
    private async Task AnnounceAsync(Guid userId, CancellationToken ct)
    {
        var presence = await GetAsync(userId, ct);
        await notifier.PresenceChangedAsync(presence);
        if (presence.Status == PresenceStatus.Online)
        {
            await assignment.AssignWaitingAsync(ct);
        }
    }
}

public static class PresenceQueries
{
    /// <summary>Active staff who chose "online" and have a live connection: who may be given a conversation.</summary>
    public static IQueryable<User> Online(this IQueryable<User> users, ChatDbContext db, DateTimeOffset cutoff) =>
        users.Where(u => u.IsActive && u.Presence == PresenceStatus.Online
            && db.StaffConnections.Any(c => c.UserId == u.Id && c.SeenAt > cutoff));
}
