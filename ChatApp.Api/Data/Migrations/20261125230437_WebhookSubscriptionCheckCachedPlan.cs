using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace ChatApp.Api.Data.Migrations
{
    /// <summary>
    /// <c>webhook_subscribed</c> in PL/pgSQL instead of SQL. Each webhook trigger calls it once per statement, also when
    /// nobody subscribes; PostgreSQL plans an SQL function's query again on every such call, and that planning was about
    /// 7% of the database's CPU at 500 messages/s (perf, bench/results/FINDINGS.md). PL/pgSQL keeps the plan for the
    /// session.
    /// </summary>
    public partial class WebhookSubscriptionCheckCachedPlan : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""
                CREATE OR REPLACE FUNCTION webhook_subscribed(names text[]) RETURNS boolean LANGUAGE plpgsql STABLE AS $$
                BEGIN
                    RETURN EXISTS (SELECT 1 FROM webhook_endpoints w WHERE w.enabled AND w.events && names);
                END $$;
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""
                CREATE OR REPLACE FUNCTION webhook_subscribed(names text[]) RETURNS boolean LANGUAGE sql STABLE AS
                $$ SELECT EXISTS (SELECT 1 FROM webhook_endpoints w WHERE w.enabled AND w.events && names) $$;
                """);
        }
    }
}
