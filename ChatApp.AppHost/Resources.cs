namespace ChatApp.AppHost;

/// <summary>Names of the app model's resources, shared by Program.cs, the compose manifest and the tests.</summary>
public static class Resources
{
    /// <summary>The PostgreSQL server.</summary>
    public const string Postgres = "postgres";

    /// <summary>The application database (<c>ConnectionStrings__chatdb</c>).</summary>
    public const string ChatDb = "chatdb";

    /// <summary>Redis: the SignalR backplane between API replicas (<c>ConnectionStrings__redis</c>).</summary>
    public const string Redis = "redis";

    /// <summary>The migration worker: applies migrations, seeds the first admin, exits 0.</summary>
    public const string Migrations = "migrations";

    /// <summary>The API (<c>services__api__http__0</c>).</summary>
    public const string Api = "api";

    /// <summary>The Vue front end (Vite dev server; nginx when published).</summary>
    public const string Frontend = "frontend";

    /// <summary>Parameter: e-mail of the first admin.</summary>
    public const string AdminEmail = "admin-email";

    /// <summary>Parameter: password of the first admin (generated, kept in the AppHost's user secrets).</summary>
    public const string AdminPassword = "admin-password";

    /// <summary>Parameter: the API's JWT signing key (generated, kept in the AppHost's user secrets).</summary>
    public const string JwtSigningKey = "jwt-signing-key";
}
