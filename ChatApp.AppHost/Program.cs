using ChatApp.AppHost.Hosting.Postgres;

// Temporary smoke check of LocalPostgresServer until the app model lands.
var keep = args.Contains("--keep");
await using var pg = await LocalPostgresServer.StartAsync(keep
    ? new LocalPostgresOptions { DataDirectory = ".data/postgres-check", Output = l => Console.WriteLine("[pg] " + l) }
    : new LocalPostgresOptions { Ephemeral = true, Output = l => Console.WriteLine("[pg] " + l) });
var cs = await pg.EnsureDatabaseAsync("chatdb");
await using (var c = new Npgsql.NpgsqlConnection(cs))
{
    await c.OpenAsync();
    await using var cmd = new Npgsql.NpgsqlCommand("SELECT current_user || ' ' || current_database() || ' ' || 1", c);
    Console.WriteLine("SELECT => " + await cmd.ExecuteScalarAsync());
}
Console.WriteLine($"pid={pg.ProcessId} port={pg.Port} dir={pg.DataDirectory}");
