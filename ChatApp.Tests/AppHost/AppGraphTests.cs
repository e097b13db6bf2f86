using System.Net;
using System.Net.Http.Json;
using ChatApp.Api.Data.Entities;
using ChatApp.Api.Services;
using ChatApp.AppHost.Hosting;
using ChatApp.Tests.Infrastructure;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;
using AppResources = ChatApp.AppHost.Resources;

namespace ChatApp.Tests.AppHost;

/// <summary>The whole app graph, started from the real app model: states, wiring, and a chat through the front end.</summary>
[Collection(AppHostCollection.Name)]
public class AppGraphTests(AppHostFixture fixture)
{
    private DistributedApplication App => fixture.App;

    [Fact]
    public void Start_EveryResourceIsRunningAndHealthy_AndTheMigrationsFinished()
    {
        var report = AppHostFixture.Report(App);
        foreach (var name in new[] { AppResources.Postgres, AppResources.ChatDb, AppResources.Api, AppResources.Frontend })
        {
            var snapshot = App.Notifications.Get(name);
            Assert.True(snapshot is { State: ResourceState.Running, Health: HealthStatus.Healthy }, $"{name} is {snapshot.State}/{snapshot.Health}\n{report}");
        }
        var migrations = App.Notifications.Get(AppResources.Migrations);
        Assert.True(migrations is { State: ResourceState.Finished, ExitCode: 0 }, report);
        Assert.Null(App.FailureReason);
    }

    [Fact]
    public void References_BecomeEnvironmentVariablesInAspiresFormats()
    {
        var api = App.Notifications.Get(AppResources.Api).Environment;
        Assert.StartsWith("Host=127.0.0.1;Port=", api["ConnectionStrings__chatdb"]);
        Assert.Contains("Database=chatdb", api["ConnectionStrings__chatdb"]);
        Assert.Equal(App.GetEndpoint(AppResources.Api).ToString().TrimEnd('/'), api["ASPNETCORE_URLS"]);
        Assert.Equal("Development", api["ASPNETCORE_ENVIRONMENT"]);
        Assert.Equal("Development", api["DOTNET_ENVIRONMENT"]);
        Assert.Equal(AppResources.Api, api["OTEL_SERVICE_NAME"]);
        Assert.StartsWith("service.instance.id=", api["OTEL_RESOURCE_ATTRIBUTES"]);

        var migrations = App.Notifications.Get(AppResources.Migrations).Environment;
        Assert.Equal(api["ConnectionStrings__chatdb"], migrations["ConnectionStrings__chatdb"]);
        Assert.Equal(App.GetParameterValue(AppResources.AdminEmail), migrations["Admin__Email"]);
        Assert.Equal(App.GetParameterValue(AppResources.AdminPassword), migrations["Admin__Password"]);

        var frontend = App.Notifications.Get(AppResources.Frontend).Environment;
        Assert.Equal(App.GetEndpoint(AppResources.Api).ToString().TrimEnd('/'), frontend["services__api__http__0"]);
        Assert.Equal(App.GetEndpoint(AppResources.Frontend).Port.ToString(System.Globalization.CultureInfo.InvariantCulture), frontend["PORT"]);
        Assert.Equal("development", frontend["NODE_ENV"]);
    }

    [Fact]
    public async Task ApiHealth_AnswersThroughTheDiscoveredUrl()
    {
        var discovered = App.Notifications.Get(AppResources.Frontend).Environment["services__api__http__0"];
        using var http = new HttpClient();
        var health = await http.GetAsync($"{discovered}/health");
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        var alive = await http.GetAsync($"{discovered}/alive");
        Assert.Equal(HttpStatusCode.OK, alive.StatusCode);
    }

    [Fact]
    public async Task Chat_VisitorAndOperatorExchangeMessagesThroughTheFrontEndsProxy()
    {
        var frontend = App.GetEndpoint(AppResources.Frontend);
        using var http = new HttpClient { BaseAddress = frontend };

        // REST through the Vite proxy: a visitor starts a conversation, the seeded admin signs in.
        var session = await (await http.PostAsJsonAsync("/api/widget/conversations",
            new StartConversationRequest("Vera", null, null), TestJson.Options)).ReadAsync<WidgetSessionDto>();
        var login = await (await http.PostAsJsonAsync("/api/auth/login",
            new LoginRequest(App.GetParameterValue(AppResources.AdminEmail), App.GetParameterValue(AppResources.AdminPassword)),
            TestJson.Options)).ReadAsync<LoginResult>();

        // SignalR over WebSockets through the same proxy.
        await using var operatorHub = Hub(frontend, login.AccessToken);
        await using var visitorHub = Hub(frontend, session.VisitorToken);
        var operatorInbox = Inbox(operatorHub);
        var visitorInbox = Inbox(visitorHub);
        await operatorHub.StartAsync();
        await visitorHub.StartAsync();
        await operatorHub.InvokeAsync<ConversationDto>("JoinConversation", session.Conversation.Id);

        var sent = await visitorHub.InvokeAsync<MessageDto>("SendMessage", session.Conversation.Id, "v-1", "Hello from the widget", (Guid?)null);
        var received = await operatorInbox.Reader.ReadAsync(new CancellationTokenSource(TimeSpan.FromSeconds(15)).Token);
        Assert.Equal(sent.Id, received.Id);
        Assert.Equal("Hello from the widget", received.Body);

        await operatorHub.InvokeAsync<MessageDto>("SendMessage", session.Conversation.Id, "o-1", "Hi Vera, how can I help?", (Guid?)null);
        MessageDto reply;
        do
        {
            reply = await visitorInbox.Reader.ReadAsync(new CancellationTokenSource(TimeSpan.FromSeconds(15)).Token);
        }
        while (reply.Body != "Hi Vera, how can I help?");
        Assert.Equal(SenderKind.Operator, reply.SenderKind);
    }

    private static HubConnection Hub(Uri frontend, string token) => new HubConnectionBuilder()
        .WithUrl(new Uri(frontend, "/hubs/chat"), options =>
        {
            options.AccessTokenProvider = () => Task.FromResult<string?>(token);
            options.Transports = HttpTransportType.WebSockets;
            options.SkipNegotiation = true;
        })
        .AddJsonProtocol(options => options.PayloadSerializerOptions = TestJson.Options)
        .Build();

    private static System.Threading.Channels.Channel<MessageDto> Inbox(HubConnection hub)
    {
        var inbox = System.Threading.Channels.Channel.CreateUnbounded<MessageDto>();
        hub.On<MessageDto>("MessageReceived", m => inbox.Writer.TryWrite(m));
        return inbox;
    }
}
