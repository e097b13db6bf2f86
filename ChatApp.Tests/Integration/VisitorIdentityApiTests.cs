using System.Net;
using System.Net.Http.Json;
using ChatApp.Api.Services;
using ChatApp.Api.Settings;
using ChatApp.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace ChatApp.Tests.Integration;

[Collection(ApiCollection.Name)]
public class VisitorIdentityApiTests(ApiFixture api) : IAsyncLifetime
{
    public Task InitializeAsync() => api.ResetAsync();
    public Task DisposeAsync() => Task.CompletedTask;

    private async Task<string> SecretAsync()
    {
        using var admin = api.Client(api.Admin.Token);
        return (await (await admin.GetAsync("/api/settings/widget")).ReadAsync<WidgetSettingsDto>()).IdentitySecret;
    }

    private async Task<HttpResponseMessage> IdentifyAsync(string? visitorToken, string identifier, string hash, string? name = null) =>
        await api.Client(visitorToken).PostAsJsonAsync("/api/widget/identity",
            new IdentifyVisitorRequest(identifier, hash, name, null), TestJson.Options);

    [Fact]
    public async Task AVerifiedCustomer_SeesItsConversation_FromAnotherDevice()
    {
        var secret = await SecretAsync();
        var hash = VisitorIdentity.Hash("customer-42", secret);

        // Laptop: chats anonymously, then the shop signs the customer in.
        var laptop = await api.StartWidgetAsync("Carla Customer");
        using (var client = api.Client(laptop.VisitorToken))
        {
            (await client.PostAsJsonAsync($"/api/widget/conversations/{laptop.Conversation.Id}/messages",
                new SendMessageRequest("m1", "Question from my laptop", null))).EnsureSuccessStatusCode();
        }
        var onLaptop = await (await IdentifyAsync(laptop.VisitorToken, "customer-42", hash)).ReadAsync<WidgetIdentityDto>();
        Assert.Equal(laptop.VisitorId, onLaptop.VisitorId); // the anonymous visitor became the customer

        // Phone: a fresh browser with no token at all.
        var onPhone = await (await IdentifyAsync(null, "customer-42", hash)).ReadAsync<WidgetIdentityDto>();
        Assert.Equal(laptop.VisitorId, onPhone.VisitorId);
        using var phone = api.Client(onPhone.VisitorToken);
        var current = await (await phone.GetAsync("/api/widget/conversations/current")).ReadAsync<WidgetSessionDto>();
        Assert.Equal(laptop.Conversation.Id, current.Conversation.Id);
        var history = await (await phone.GetAsync($"/api/widget/conversations/{laptop.Conversation.Id}/messages")).ReadAsync<List<MessageDto>>();
        Assert.Equal(["Question from my laptop"], history.Select(m => m.Body));

        // A second conversation started on the phone: both devices list both, newest first.
        var second = await (await phone.PostAsJsonAsync("/api/widget/conversations", new StartConversationRequest(null, null, null))).ReadAsync<WidgetSessionDto>();
        using var laptopAgain = api.Client(onLaptop.VisitorToken);
        var listed = await (await laptopAgain.GetAsync("/api/widget/conversations")).ReadAsync<List<ConversationSummaryDto>>();
        Assert.Equal([second.Conversation.Id, laptop.Conversation.Id], listed.Select(c => c.Id));
        // Nobody else's.
        var stranger = await api.StartWidgetAsync("Stranger");
        using var strangerClient = api.Client(stranger.VisitorToken);
        var strangers = await (await strangerClient.GetAsync("/api/widget/conversations")).ReadAsync<List<ConversationSummaryDto>>();
        Assert.Equal([stranger.Conversation.Id], strangers.Select(c => c.Id));
    }

    [Fact]
    public async Task AnAnonymousVisitorsConversations_MoveToTheVerifiedCustomer()
    {
        var secret = await SecretAsync();
        var known = await (await IdentifyAsync(null, "customer-7", VisitorIdentity.Hash("customer-7", secret), "Kim")).ReadAsync<WidgetIdentityDto>();
        var anonymous = await api.StartWidgetAsync("Kim on a new phone");

        var merged = await (await IdentifyAsync(anonymous.VisitorToken, "customer-7", VisitorIdentity.Hash("customer-7", secret))).ReadAsync<WidgetIdentityDto>();
        Assert.Equal(known.VisitorId, merged.VisitorId);

        await using var db = api.CreateDbContext();
        var conversation = await db.Conversations.SingleAsync();
        Assert.Equal(known.VisitorId, conversation.VisitorId);
        Assert.Equal(1, await db.Visitors.CountAsync()); // the anonymous visitor is gone, its token opens nothing
        using var oldToken = api.Client(anonymous.VisitorToken);
        await (await oldToken.GetAsync($"/api/widget/conversations/{anonymous.Conversation.Id}")).AssertProblemAsync(HttpStatusCode.NotFound);
        using var customer = api.Client(merged.VisitorToken);
        (await customer.GetAsync($"/api/widget/conversations/{anonymous.Conversation.Id}")).EnsureSuccessStatusCode();
    }

    [Fact]
    public async Task AWrongHash_Returns401_AndMergesNothing()
    {
        var secret = await SecretAsync();
        var known = await (await IdentifyAsync(null, "customer-9", VisitorIdentity.Hash("customer-9", secret))).ReadAsync<WidgetIdentityDto>();
        var anonymous = await api.StartWidgetAsync("Eve");

        foreach (var hash in new[] { VisitorIdentity.Hash("customer-9", "not-the-secret"), VisitorIdentity.Hash("customer-8", secret), "", "zz" })
        {
            var detail = await (await IdentifyAsync(anonymous.VisitorToken, "customer-9", hash)).AssertProblemAsync(HttpStatusCode.Unauthorized);
            Assert.Contains("could not be verified", detail);
        }

        await using var db = api.CreateDbContext();
        Assert.Equal(anonymous.VisitorId, (await db.Conversations.SingleAsync()).VisitorId);
        Assert.Null((await db.Visitors.SingleAsync(v => v.Id == anonymous.VisitorId)).Identifier);
        Assert.Equal("customer-9", (await db.Visitors.SingleAsync(v => v.Id == known.VisitorId)).Identifier);
        using var stillAnonymous = api.Client(anonymous.VisitorToken);
        (await stillAnonymous.GetAsync($"/api/widget/conversations/{anonymous.Conversation.Id}")).EnsureSuccessStatusCode();
    }

    [Fact]
    public async Task AfterTheSecretIsRotated_HashesMadeWithTheOldOneAreRefused()
    {
        var oldHash = VisitorIdentity.Hash("customer-1", await SecretAsync());
        using var admin = api.Client(api.Admin.Token);
        var newSecret = (await (await admin.PostAsync("/api/settings/widget/identity-secret", null)).ReadAsync<WidgetSettingsDto>()).IdentitySecret;

        await (await IdentifyAsync(null, "customer-1", oldHash)).AssertProblemAsync(HttpStatusCode.Unauthorized);
        (await IdentifyAsync(null, "customer-1", VisitorIdentity.Hash("customer-1", newSecret))).EnsureSuccessStatusCode();
    }

    [Fact]
    public async Task AnotherCustomerSigningInOnTheSameDevice_DoesNotTakeTheFirstOnesConversations()
    {
        var secret = await SecretAsync();
        var first = await (await IdentifyAsync(null, "customer-a", VisitorIdentity.Hash("customer-a", secret))).ReadAsync<WidgetIdentityDto>();
        using (var client = api.Client(first.VisitorToken))
        {
            (await client.PostAsJsonAsync("/api/widget/conversations", new StartConversationRequest("A", null, null))).EnsureSuccessStatusCode();
        }
        var second = await (await IdentifyAsync(first.VisitorToken, "customer-b", VisitorIdentity.Hash("customer-b", secret))).ReadAsync<WidgetIdentityDto>();
        Assert.NotEqual(first.VisitorId, second.VisitorId);
        await using var db = api.CreateDbContext();
        Assert.Equal(first.VisitorId, (await db.Conversations.SingleAsync()).VisitorId);
    }
}
