namespace ChatApp.Api.Data.Entities;

/// <summary>
/// A live hub connection of a staff member, kept in the database so that every API instance can tell who is connected.
/// The instance that holds the connection refreshes <see cref="SeenAt"/>; a row that stops being refreshed (its instance
/// died) counts as gone after <c>Presence:ConnectionTimeout</c>.
/// </summary>
public class StaffConnection
{
    public required string ConnectionId { get; set; }
    public Guid UserId { get; set; }
    public Guid InstanceId { get; set; }
    public DateTimeOffset ConnectedAt { get; set; }
    public DateTimeOffset SeenAt { get; set; }
}
