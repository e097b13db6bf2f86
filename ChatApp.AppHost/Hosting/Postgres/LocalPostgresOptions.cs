namespace ChatApp.AppHost.Hosting.Postgres;

/// <summary>Options for <see cref="LocalPostgresServer"/>.</summary>
public sealed class LocalPostgresOptions
{
    /// <summary>
    /// Folder holding the PostgreSQL server binaries (<c>initdb</c>, <c>postgres</c>). When null, the server looks at
    /// <c>pg_config --bindir</c>, then <c>/usr/lib/postgresql/*/bin</c> (highest version first).
    /// </summary>
    public string? BinDirectory { get; init; }

    /// <summary>
    /// Data folder (<c>PGDATA</c>). Initialised with <c>initdb</c> when it has no <c>PG_VERSION</c>. Ignored when
    /// <see cref="Ephemeral"/> is true. Required otherwise.
    /// </summary>
    public string? DataDirectory { get; init; }

    /// <summary>TCP port on 127.0.0.1. 0 picks a free loopback port.</summary>
    public int Port { get; init; }

    /// <summary>
    /// Password of the superuser and of the application role. When null, a password is generated; for a kept data
    /// folder it is stored in <c>&lt;data folder&gt;.password</c> beside it and reused on later runs.
    /// </summary>
    public string? Password { get; init; }

    /// <summary>Application role that owns the databases made by <see cref="LocalPostgresServer.EnsureDatabaseAsync"/>.</summary>
    public string ApplicationUser { get; init; } = "chatapp";

    /// <summary>
    /// A throw-away server for tests: data in a new temp folder deleted on dispose, durability switched off for speed.
    /// </summary>
    public bool Ephemeral { get; init; }

    /// <summary>How long to wait for the server to accept a login.</summary>
    public TimeSpan StartupTimeout { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>Receives every line the server (and initdb) writes. Called from a background thread.</summary>
    public Action<string>? Output { get; init; }
}
