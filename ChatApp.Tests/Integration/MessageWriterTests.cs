using ChatApp.Api.Data.Entities;
using ChatApp.Api.Services;
using ChatApp.Tests.Hub;
using ChatApp.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace ChatApp.Tests.Integration;

/// <summary>
/// The message writer itself, fed directly (no validation in front of it), so a message the database rejects can
/// reach a batch: one writer loop, and a conversation row held locked so that the next messages queue into one batch.
/// </summary>
[Collection(ApiCollection.Name)]
public class MessageWriterTests(ApiFixture api) : IAsyncLifetime
{
    public Task InitializeAsync() => api.ResetAsync();
    public Task DisposeAsync() => Task.CompletedTask;

    private ChatApiFactory OneWriterLoop() =>
        api.CreateFactory(settings: new Dictionary<string, string?> { ["Chat:Writer:Partitions"] = "1" });

    [Fact]
    public async Task Write_WhenTheDatabaseRejectsOneMessageOfABatch_StoresAndAnswersEveryOther()
    {
        await using var factory = OneWriterLoop();
        var writer = factory.Services.GetRequiredService<MessageWriter>();
        var victim = await api.StartWidgetAsync("Victim");
        var attacker = await api.StartWidgetAsync("Attacker");

        var (first, batch) = await QueueOneBatchAsync(writer, victim, [
            Pending(attacker, "poison \0 body"),
            .. Enumerable.Range(0, 10).Select(i => Pending(victim, $"innocent {i}")),
        ]);

        Assert.NotNull(await first);
        var poisoned = await Record.ExceptionAsync(() => batch[0]);
        Assert.NotNull(poisoned);
        foreach (var innocent in batch.Skip(1))
        {
            Assert.NotNull(await innocent);
        }
        Assert.Equal(11, (await api.StoredMessagesAsync(victim.Conversation.Id)).Count);
        Assert.Empty(await api.StoredMessagesAsync(attacker.Conversation.Id));
    }

    [Fact]
    public async Task Write_AfterRejectedBatches_KeepsItsConnectionsInStep()
    {
        await using var factory = OneWriterLoop();
        var writer = factory.Services.GetRequiredService<MessageWriter>();
        var victim = await api.StartWidgetAsync("Victim");
        var attacker = await api.StartWidgetAsync("Attacker");

        var failures = new List<Exception>();
        for (var round = 0; round < 8; round++)
        {
            // Npgsql prepares a statement at its fifth use on a connection: with fresh connections each round, one
            // round's rejected batch is the very execution that prepares the insert.
            factory.Services.GetRequiredService<NpgsqlDataSource>().Clear();
            for (var i = 0; i < round; i++)
            {
                if (await Record.ExceptionAsync(() => writer.WriteAsync(Pending(victim, $"round {round} warm-up {i}"))) is { } ex)
                {
                    failures.Add(ex);
                }
            }
            var (first, batch) = await QueueOneBatchAsync(writer, victim, [
                Pending(victim, $"round {round} before"),
                Pending(attacker, $"round {round} poison \0"),
                Pending(victim, $"round {round} after"),
            ]);
            foreach (var task in batch.Prepend(first))
            {
                if (await Record.ExceptionAsync(() => task) is { } ex)
                {
                    failures.Add(ex);
                }
            }
            // Plain sends between the rounds reuse the pooled connections.
            for (var i = 0; i < 5; i++)
            {
                if (await Record.ExceptionAsync(() => writer.WriteAsync(Pending(victim, $"round {round} plain {i}"))) is { } ex)
                {
                    failures.Add(ex);
                }
            }
        }

        Assert.DoesNotContain(failures, ex => ex.ToString().Contains("unexpected backend message", StringComparison.OrdinalIgnoreCase));
        Assert.Equal(8, failures.Count);
        Assert.Equal(8 * (1 + 2 + 5) + Enumerable.Range(0, 8).Sum(), (await api.StoredMessagesAsync(victim.Conversation.Id)).Count);
    }

    /// <summary>
    /// Writes a first message for <paramref name="holder"/> while its conversation row is locked, so the writer loop
    /// waits on it; queues <paramref name="next"/> meanwhile, then releases the lock: they form the next batch.
    /// </summary>
    private async Task<(Task<MessageDto?> First, List<Task<MessageDto?>> Batch)> QueueOneBatchAsync(
        MessageWriter writer, WidgetSessionDto holder, PendingMessage[] next)
    {
        await using var connection = new NpgsqlConnection(api.ConnectionString);
        await connection.OpenAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        await using (var lockRow = new NpgsqlCommand("SELECT 1 FROM conversations WHERE id = $1 FOR UPDATE", connection, transaction))
        {
            lockRow.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = holder.Conversation.Id });
            await lockRow.ExecuteScalarAsync();
        }
        var first = writer.WriteAsync(Pending(holder, "holds the writer"));
        await WaitForLockWaiterAsync();
        var batch = next.Select(writer.WriteAsync).ToList();
        await transaction.CommitAsync();
        return (first, batch);
    }

    private async Task WaitForLockWaiterAsync()
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        await using var connection = new NpgsqlConnection(api.ConnectionString);
        await connection.OpenAsync();
        await using var waiting = new NpgsqlCommand(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'", connection);
        while ((long)(await waiting.ExecuteScalarAsync())! == 0)
        {
            Assert.True(DateTime.UtcNow < deadline, "The writer never waited on the locked conversation.");
            await Task.Delay(20);
        }
    }

    private static PendingMessage Pending(WidgetSessionDto session, string body) => new(
        session.Conversation.Id, SenderKind.Visitor, SenderUserId: null, VisitorId: session.VisitorId, SenderName: null,
        body, Attachment: null, Guid.NewGuid().ToString(), MessageRules.Preview(body, null), DateTimeOffset.UtcNow);
}
