using ChatApp.Api.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Microsoft.EntityFrameworkCore.Migrations.Operations;

namespace ChatApp.Tests.Unit;

/// <summary>
/// Migrations follow expand/contract, so the previous release still runs on the new schema and a rollback needs no
/// restore: a migration adds; it drops or renames a column or a table only as the "contract" step of something the
/// previous release already stopped using, and says so here.
/// </summary>
public class MigrationExpandContractTests
{
    /// <summary>Migrations allowed to drop or rename, and why the release before them did not need what went.</summary>
    private static readonly Dictionary<string, string> Contracts = new()
    {
        ["20261125162934_VisitorExperience"] = "before the first production release: nothing ran on the old schema",
    };

    [Fact]
    public void Migrations_NeverDropOrRenameWhatThePreviousReleaseReads_UnlessMarkedAsAContract()
    {
        using var db = new ChatDbContext(new DbContextOptionsBuilder<ChatDbContext>()
            .UseNpgsql("Host=unused").UseChatConventions().Options);
        var migrations = db.GetService<IMigrationsAssembly>();
        Assert.NotEmpty(migrations.Migrations);
        var destructive = new List<string>();
        foreach (var (id, type) in migrations.Migrations.Skip(1)) // The first creates everything.
        {
            var migration = migrations.CreateMigration(type, "Npgsql.EntityFrameworkCore.PostgreSQL");
            foreach (var operation in migration.UpOperations)
            {
                var what = operation switch
                {
                    DropColumnOperation drop => $"drops column {drop.Table}.{drop.Name}",
                    DropTableOperation drop => $"drops table {drop.Name}",
                    RenameColumnOperation rename => $"renames column {rename.Table}.{rename.Name}",
                    RenameTableOperation rename => $"renames table {rename.Name}",
                    _ => null,
                };
                if (what is not null && !Contracts.ContainsKey(id))
                {
                    destructive.Add($"{id} {what}");
                }
            }
        }
        Assert.True(destructive.Count == 0,
            "These migrations break the release before them (expand/contract: add first, remove one release later, and list the contract in Contracts):\n" + string.Join('\n', destructive));
    }
}
