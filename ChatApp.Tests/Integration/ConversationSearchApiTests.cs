using System.Net;
using System.Net.Http.Json;
using ChatApp.Api.Data.Entities;
using ChatApp.Api.Services;
using ChatApp.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace ChatApp.Tests.Integration;

[Collection(ApiCollection.Name)]
public class ConversationSearchApiTests(ApiFixture api) : IAsyncLifetime
{
    public Task InitializeAsync() => api.ResetAsync();
    public Task DisposeAsync() => Task.CompletedTask;

    private async Task<WidgetSessionDto> ConversationAsync(string name, string? email, params string[] visitorMessages)
    {
        var session = await api.StartWidgetAsync(name, email);
        using var visitor = api.Client(session.VisitorToken);
        foreach (var text in visitorMessages)
        {
            await (await visitor.PostAsJsonAsync($"/api/widget/conversations/{session.Conversation.Id}/messages",
                new SendMessageRequest(Guid.NewGuid().ToString(), text, null))).ReadAsync<MessageDto>();
        }
        return session;
    }

    private async Task<PageDto<ConversationSummaryDto>> SearchAsync(string query, string extra = "")
    {
        using var staff = api.Client(api.Admin.Token);
        return await (await staff.GetAsync($"/api/conversations?q={Uri.EscapeDataString(query)}{extra}")).ReadAsync<PageDto<ConversationSummaryDto>>();
    }

    [Fact]
    public async Task Search_FindsByMessageWordPrefix_NewestFirst_WithTheMatchingExcerpt()
    {
        var older = await ConversationAsync("Ann", null, "Hello", "My ORDER 1234 never arrived, can you check the ordering?");
        await ConversationAsync("Bob", null, "Do you sell gift cards?");
        var newer = await ConversationAsync("Cid", null, "I want to change my order address");

        var result = await SearchAsync("ord");

        Assert.Equal(2, result.TotalCount);
        Assert.Equal([newer.Conversation.Id, older.Conversation.Id], result.Items.Select(c => c.Id));
        var match = result.Items[1].Match!;
        Assert.Contains("never arrived", match.Text);
        Assert.Equal(["ORDER", "ordering"], match.Highlights.Select(h => match.Text.Substring(h.Start, h.Length)));
        await using var db = api.CreateDbContext();
        Assert.Equal(match.MessageId, await db.Messages.Where(m => m.Body.StartsWith("My ORDER")).Select(m => m.Id).SingleAsync());
    }

    [Fact]
    public async Task Search_EveryWordMustMatch()
    {
        var both = await ConversationAsync("Ann", null, "The blue shirt is too small");
        await ConversationAsync("Bob", null, "The red shirt is fine");
        var result = await SearchAsync("shirt blue");
        Assert.Equal(both.Conversation.Id, Assert.Single(result.Items).Id);
    }

    [Fact]
    public async Task Search_FindsByVisitorNameAndEmail_IncludingTheEmailDomain()
    {
        var vera = await ConversationAsync("Vera Visitor", "vera.v@shop-example.com", "Hi");
        await ConversationAsync("Walter", "walter@other.org", "Hi");

        foreach (var query in new[] { "vera", "Visit", "vera.v@shop-example.com", "shop-example.com", "shop-exam" })
        {
            var result = await SearchAsync(query);
            Assert.True(result.Items.Count == 1 && result.Items[0].Id == vera.Conversation.Id, $"\"{query}\" found {result.TotalCount}");
            Assert.Null(result.Items[0].Match);
        }
    }

    [Fact]
    public async Task Search_CoversStaffRepliesAndNotes_ButNotActivityRecords()
    {
        var op = await api.CreateUserAsync(name: "Zelda Zimmermann");
        var session = await ConversationAsync("Ann", null, "Hello");
        using var staff = api.Client(op.Token);
        var id = session.Conversation.Id;
        await (await staff.PostAsync($"/api/conversations/{id}/assign", null)).ReadAsync<ConversationDto>();
        await (await staff.PostAsJsonAsync($"/api/conversations/{id}/messages", new SendMessageRequest("r", "Your voucher is SPRING25", null))).ReadAsync<MessageDto>();
        await (await staff.PostAsJsonAsync($"/api/conversations/{id}/notes", new SendNoteRequest("n", "Escalated to warehouse"))).ReadAsync<MessageDto>();

        Assert.Equal(id, Assert.Single((await SearchAsync("spring25")).Items).Id);
        Assert.Equal(id, Assert.Single((await SearchAsync("warehouse")).Items).Id);
        // The assignment record names the operator; searching for the operator does not return every conversation they took.
        Assert.Empty((await SearchAsync("Zimmermann")).Items);
    }

    [Fact]
    public async Task Search_CombinesWithStatusAndAssigneeFilters_AndPages()
    {
        var open = await ConversationAsync("Ann", null, "refund please");
        var closed = await ConversationAsync("Bob", null, "refund again");
        using var staff = api.Client(api.Admin.Token);
        await (await staff.PostAsync($"/api/conversations/{closed.Conversation.Id}/close", null)).ReadAsync<ConversationDto>();

        Assert.Equal(closed.Conversation.Id, Assert.Single((await SearchAsync("refund", "&status=Closed")).Items).Id);
        Assert.Equal(open.Conversation.Id, Assert.Single((await SearchAsync("refund", "&status=Open")).Items).Id);
        Assert.Empty((await SearchAsync("refund", "&assignee=me")).Items);
        var page2 = await SearchAsync("refund", "&pageSize=1&page=2");
        Assert.Equal(2, page2.TotalCount);
        Assert.Equal(open.Conversation.Id, Assert.Single(page2.Items).Id);
    }

    [Theory]
    [InlineData("order & | ! ( ) :* <-> '\\")]
    [InlineData("'; DROP TABLE messages; --")]
    [InlineData("!!!")]
    [InlineData("o'brien")]
    public async Task Search_TreatsQuerySyntaxAsText(string query)
    {
        await ConversationAsync("Ann", null, "order for o'brien");
        var result = await SearchAsync(query);
        Assert.True(result.TotalCount <= 1);
        await using var db = api.CreateDbContext();
        Assert.Equal(1, await db.Messages.CountAsync());
    }

    [Fact]
    public async Task Search_TooLong_Returns400()
    {
        using var staff = api.Client(api.Admin.Token);
        var detail = await (await staff.GetAsync($"/api/conversations?q={new string('a', 201)}")).AssertProblemAsync(HttpStatusCode.BadRequest);
        Assert.Contains("200", detail);
    }

    [Fact]
    public async Task Search_UsesTheFullTextIndexes_NotAScanOfEveryMessage()
    {
        await ConversationAsync("Ann", "ann@example.com", "order one");
        await using var db = api.CreateDbContext();
        var tsQuery = ConversationSearch.ToTsQuery("order")!;
        var sql = db.Conversations.Matching(db, tsQuery).Select(c => c.Id).ToQueryString();

        await using var connection = new NpgsqlConnection(api.ConnectionString);
        await connection.OpenAsync();
        await using (var off = new NpgsqlCommand("SET enable_seqscan = off", connection))
        {
            await off.ExecuteNonQueryAsync();
        }
        // ToQueryString lists the parameters in "-- @name=value" lines; here every one is the search query.
        var lines = sql.Split('\n');
        var plan = new List<string>();
        await using (var explain = new NpgsqlCommand("EXPLAIN " + string.Join("\n", lines.Where(l => !l.StartsWith("-- "))), connection))
        {
            foreach (var line in lines.Where(l => l.StartsWith("-- @")))
            {
                explain.Parameters.AddWithValue(line[4..line.IndexOf('=')], tsQuery);
            }
            await using var reader = await explain.ExecuteReaderAsync();
            while (await reader.ReadAsync()) plan.Add(reader.GetString(0));
        }
        var text = string.Join("\n", plan);
        Assert.Contains("Bitmap Index Scan on ix_messages_body", text);
        Assert.Contains("Bitmap Index Scan on ix_conversations_search_vector", text);
    }
}
