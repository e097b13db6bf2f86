namespace ChatApp.Api.Data.Entities;

/// <summary>The admins' automatic assignment settings: one row (id 1); no row means the defaults.</summary>
public class AssignmentSettings
{
    public const int SingletonId = 1;
    public const int DefaultCapacity = 5;

    public int Id { get; set; } = SingletonId;

    /// <summary>New conversations go to the online operator with the fewest open conversations.</summary>
    public bool AutoAssign { get; set; }

    /// <summary>Most open (assigned, not closed) conversations an operator is given automatically.</summary>
    public int MaxOpenPerOperator { get; set; } = DefaultCapacity;

    public DateTimeOffset UpdatedAt { get; set; } = DateTimeOffset.UtcNow;
    public Guid? UpdatedByUserId { get; set; }
}
