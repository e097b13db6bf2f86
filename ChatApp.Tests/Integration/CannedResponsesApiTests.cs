using System.Net;
using System.Net.Http.Json;
using ChatApp.Api.Data.Entities;
using ChatApp.Api.Services;
using ChatApp.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace ChatApp.Tests.Integration;

[Collection(ApiCollection.Name)]
public class CannedResponsesApiTests(ApiFixture api) : IAsyncLifetime
{
    private const string Url = "/api/canned-responses";

    public Task InitializeAsync() => api.ResetAsync();
    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task Admin_CreatesUpdatesAndDeletes_AndOperatorsReadThem()
    {
        using var admin = api.Client(api.Admin.Token);
        var response = await admin.PostAsJsonAsync(Url, new CannedResponseRequest(" /Refund ", "Refund policy", "You can return it within **30 days**."));
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var created = await response.ReadAsync<CannedResponseDto>();
        Assert.Equal("refund", created.Shortcut);
        Assert.Equal($"/api/canned-responses/{created.Id}", response.Headers.Location?.ToString());
        await (await admin.PostAsJsonAsync(Url, new CannedResponseRequest("hello", "Greeting", "Hi! How can I help?"))).ReadAsync<CannedResponseDto>();

        var op = await api.CreateUserAsync();
        using var asOp = api.Client(op.Token);
        var list = await (await asOp.GetAsync(Url)).ReadAsync<List<CannedResponseDto>>();
        Assert.Equal(["hello", "refund"], list.Select(c => c.Shortcut));

        var updated = await (await admin.PutAsJsonAsync($"{Url}/{created.Id}", new CannedResponseRequest("returns", "Returns", "Within 30 days.")))
            .ReadAsync<CannedResponseDto>();
        Assert.Equal(new CannedResponseDto(created.Id, "returns", "Returns", "Within 30 days."), updated);

        Assert.Equal(HttpStatusCode.NoContent, (await admin.DeleteAsync($"{Url}/{created.Id}")).StatusCode);
        await (await admin.DeleteAsync($"{Url}/{created.Id}")).AssertProblemAsync(HttpStatusCode.NotFound);
        await (await admin.PutAsJsonAsync($"{Url}/{created.Id}", new CannedResponseRequest("x", "X", "x"))).AssertProblemAsync(HttpStatusCode.NotFound);
        Assert.Equal(["hello"], (await (await asOp.GetAsync(Url)).ReadAsync<List<CannedResponseDto>>()).Select(c => c.Shortcut));
    }

    [Fact]
    public async Task Operator_CannotWrite_AndVisitorCannotRead()
    {
        using var admin = api.Client(api.Admin.Token);
        var existing = await (await admin.PostAsJsonAsync(Url, new CannedResponseRequest("hello", "Greeting", "Hi!"))).ReadAsync<CannedResponseDto>();
        var op = await api.CreateUserAsync();
        using var asOp = api.Client(op.Token);

        await (await asOp.PostAsJsonAsync(Url, new CannedResponseRequest("mine", "Mine", "text"))).AssertProblemAsync(HttpStatusCode.Forbidden);
        await (await asOp.PutAsJsonAsync($"{Url}/{existing.Id}", new CannedResponseRequest("hacked", "H", "h"))).AssertProblemAsync(HttpStatusCode.Forbidden);
        await (await asOp.DeleteAsync($"{Url}/{existing.Id}")).AssertProblemAsync(HttpStatusCode.Forbidden);

        var session = await api.StartWidgetAsync();
        using var visitor = api.Client(session.VisitorToken);
        await (await visitor.GetAsync(Url)).AssertProblemAsync(HttpStatusCode.Forbidden);
        using var anonymous = api.Client();
        await (await anonymous.GetAsync(Url)).AssertProblemAsync(HttpStatusCode.Unauthorized);

        await using var db = api.CreateDbContext();
        Assert.Equal("hello", (await db.CannedResponses.SingleAsync()).Shortcut);
    }

    [Fact]
    public async Task Shortcut_IsUnique_InAnyCase_OnCreateAndUpdate()
    {
        using var admin = api.Client(api.Admin.Token);
        await (await admin.PostAsJsonAsync(Url, new CannedResponseRequest("hello", "Greeting", "Hi!"))).ReadAsync<CannedResponseDto>();
        var other = await (await admin.PostAsJsonAsync(Url, new CannedResponseRequest("bye", "Goodbye", "Bye!"))).ReadAsync<CannedResponseDto>();

        var detail = await (await admin.PostAsJsonAsync(Url, new CannedResponseRequest("HELLO", "Copy", "Hi again"))).AssertProblemAsync(HttpStatusCode.Conflict);
        Assert.Contains("/hello is already taken", detail);
        await (await admin.PutAsJsonAsync($"{Url}/{other.Id}", new CannedResponseRequest("hello", "Goodbye", "Bye!"))).AssertProblemAsync(HttpStatusCode.Conflict);

        await using var db = api.CreateDbContext();
        Assert.Equal(["bye", "hello"], await db.CannedResponses.OrderBy(c => c.Shortcut).Select(c => c.Shortcut).ToListAsync());
    }

    [Theory]
    [InlineData("two words", "Title", "Body", "shortcut")]
    [InlineData("", "Title", "Body", "shortcut")]
    [InlineData("-dash-first", "Title", "Body", "shortcut")]
    [InlineData("ok", "", "Body", "title")]
    [InlineData("ok", "Title", "   ", "body")]
    public async Task Create_WithInvalidInput_Returns400NamingTheField(string shortcut, string title, string body, string field)
    {
        using var admin = api.Client(api.Admin.Token);
        var response = await admin.PostAsJsonAsync(Url, new CannedResponseRequest(shortcut, title, body));
        Assert.Contains($"\"{field}\"", await response.Content.ReadAsStringAsync());
        await response.AssertProblemAsync(HttpStatusCode.BadRequest);
        await using var db = api.CreateDbContext();
        Assert.Equal(0, await db.CannedResponses.CountAsync());
    }

    [Fact]
    public async Task Create_WithABodyLongerThanAMessage_Returns400()
    {
        using var admin = api.Client(api.Admin.Token);
        var response = await admin.PostAsJsonAsync(Url, new CannedResponseRequest("long", "Long", new string('x', MessageRules.MaxBodyLength + 1)));
        Assert.Contains($"{MessageRules.MaxBodyLength}", await response.AssertProblemAsync(HttpStatusCode.BadRequest));
    }
}
