using ChatApp.Api.Data.Entities;
using ChatApp.Api.Services;
using System.Net.Http.Json;
using ChatApp.Tests.Infrastructure;

namespace ChatApp.Tests.Hub;

[Collection(ApiCollection.Name)]
public class StaffSessionTests(ApiFixture api) : IAsyncLifetime
{
    public Task InitializeAsync() => api.ResetAsync();
    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task Deactivate_ClosesTheOperatorsLiveConnections_AndOnlyTheirs()
    {
        var leaving = await api.CreateUserAsync();
        var staying = await api.CreateUserAsync();
        await using var leavingHub = await HubTestClient.ConnectAsync(api, leaving.Token);
        await using var stayingHub = await HubTestClient.ConnectAsync(api, staying.Token);

        using var admin = api.Client(api.Admin.Token);
        await (await admin.PostAsync($"/api/users/{leaving.Id}/deactivate", null)).ReadAsync<UserDto>();

        Assert.Equal("closed", await leavingHub.States.NextAsync());
        // The colleague is still connected and served.
        var session = await api.StartWidgetAsync();
        Assert.NotNull(await stayingHub.JoinAsync(session.Conversation.Id));
        Assert.Empty(stayingHub.States.All);
    }

    [Fact]
    public async Task ChangeRole_ClosesTheUsersLiveConnections_SoTheyComeBackWithTheNewRole()
    {
        var user = await api.CreateUserAsync(UserRole.Admin);
        await using var hub = await HubTestClient.ConnectAsync(api, user.Token);

        using var admin = api.Client(api.Admin.Token);
        await (await admin.PutAsJsonAsync($"/api/users/{user.Id}/role", new ChangeRoleRequest(UserRole.Operator), TestJson.Options))
            .ReadAsync<UserDto>();

        Assert.Equal("closed", await hub.States.NextAsync());
    }
}
