namespace ChatApp.Api.Services;

/// <summary>Live staff connections, so that deactivating a user or changing its role ends them at once.</summary>
public interface IStaffSessions
{
    /// <summary>Closes every live connection of the user; it must sign in again (or cannot, when deactivated).</summary>
    void End(Guid userId);
}
