namespace ChatApp.MigrationService;

/// <summary>The first admin: <c>Admin__Email</c> and <c>Admin__Password</c>.</summary>
public class AdminSeedOptions
{
    public const string Section = "Admin";

    public string Email { get; set; } = "admin@chatapp.local";
    public string DisplayName { get; set; } = "Admin";

    /// <summary>When empty, a password is generated and logged once, when the admin is created.</summary>
    public string? Password { get; set; }
}
