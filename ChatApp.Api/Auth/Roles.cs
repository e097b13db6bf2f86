namespace ChatApp.Api.Auth;

public static class Roles
{
    public const string Admin = "Admin";
    public const string Operator = "Operator";
    public const string Visitor = "Visitor";
}

public static class Policies
{
    /// <summary>Operators and admins.</summary>
    public const string Staff = "Staff";
    public const string Admin = "Admin";
    public const string Visitor = "Visitor";
    /// <summary>Anyone signed in: a visitor or a staff user.</summary>
    public const string Participant = "Participant";
}

/// <summary>Short JWT claim names, read back as they are written (inbound claim mapping is off).</summary>
public static class ClaimNames
{
    public const string Subject = "sub";
    public const string Name = "name";
    public const string Email = "email";
    public const string Role = "role";

    /// <summary>The user's security stamp when the token was issued; a password change gives the user a new one.</summary>
    public const string SecurityStamp = "stamp";
}
