using System.Net;
using System.Net.Http.Json;
using ChatApp.Api.Data.Entities;
using ChatApp.Api.Services;
using ChatApp.Tests.Hub;
using ChatApp.Tests.Infrastructure;

namespace ChatApp.Tests.Integration;

[Collection(ApiCollection.Name)]
public class RatingsAndTranscriptsApiTests(ApiFixture api) : IAsyncLifetime
{
    public Task InitializeAsync() => api.ResetAsync();
    public Task DisposeAsync() => Task.CompletedTask;

    private async Task<(WidgetSessionDto Visitor, TestUser Operator)> ClosedConversationAsync()
    {
        var session = await api.StartWidgetAsync("Rita Rater");
        var operatorUser = await api.CreateUserAsync(UserRole.Operator, "Otto Operator");
        using var staff = api.Client(operatorUser.Token);
        (await staff.PostAsync($"/api/conversations/{session.Conversation.Id}/close", null)).EnsureSuccessStatusCode();
        return (session, operatorUser);
    }

    private static string RatingUrl(WidgetSessionDto s) => $"/api/widget/conversations/{s.Conversation.Id}/rating";

    [Fact]
    public async Task Rate_AClosedConversation_IsStored_AndStaffSeeIt()
    {
        var (session, operatorUser) = await ClosedConversationAsync();
        using var visitor = api.Client(session.VisitorToken);
        var rated = await (await visitor.PostAsJsonAsync(RatingUrl(session), new RateConversationRequest(4, "  Quick and kind  "), TestJson.Options))
            .ReadAsync<ConversationDto>();
        Assert.Equal(4, rated.Rating?.Score);
        Assert.Equal("Quick and kind", rated.Rating?.Comment);

        var stored = await api.StoredConversationAsync(session.Conversation.Id);
        Assert.Equal(4, stored.RatingScore);
        Assert.Equal("Quick and kind", stored.RatingComment);
        Assert.NotNull(stored.RatedAt);

        using var staff = api.Client(operatorUser.Token);
        var seen = await (await staff.GetAsync($"/api/conversations/{session.Conversation.Id}")).ReadAsync<ConversationDto>();
        Assert.Equal(new RatingDto(4, "Quick and kind", stored.RatedAt!.Value), seen.Rating);
        var closedTab = await (await staff.GetAsync("/api/conversations?status=Closed")).ReadAsync<PageDto<ConversationSummaryDto>>();
        Assert.Equal(4, Assert.Single(closedTab.Items).Rating?.Score);
    }

    [Fact]
    public async Task Rate_ASecondTime_Returns409_AndKeepsTheFirst()
    {
        var (session, _) = await ClosedConversationAsync();
        using var visitor = api.Client(session.VisitorToken);
        (await visitor.PostAsJsonAsync(RatingUrl(session), new RateConversationRequest(5, null), TestJson.Options)).EnsureSuccessStatusCode();
        var detail = await (await visitor.PostAsJsonAsync(RatingUrl(session), new RateConversationRequest(1, "changed my mind"), TestJson.Options))
            .AssertProblemAsync(HttpStatusCode.Conflict);
        Assert.Contains("already rated", detail);
        var stored = await api.StoredConversationAsync(session.Conversation.Id);
        Assert.Equal(5, stored.RatingScore);
        Assert.Null(stored.RatingComment);
    }

    [Fact]
    public async Task Rate_TwiceAtTheSameMoment_StoresExactlyOne()
    {
        var (session, _) = await ClosedConversationAsync();
        using var visitor = api.Client(session.VisitorToken);
        var responses = await Task.WhenAll(Enumerable.Range(1, 5).Select(score =>
            visitor.PostAsJsonAsync(RatingUrl(session), new RateConversationRequest(score, null), TestJson.Options)));
        Assert.Single(responses, r => r.StatusCode == HttpStatusCode.OK);
        Assert.Equal(4, responses.Count(r => r.StatusCode == HttpStatusCode.Conflict));
    }

    [Fact]
    public async Task Rate_BeforeTheConversationIsClosed_Returns409()
    {
        var session = await api.StartWidgetAsync();
        using var visitor = api.Client(session.VisitorToken);
        var detail = await (await visitor.PostAsJsonAsync(RatingUrl(session), new RateConversationRequest(5, null), TestJson.Options))
            .AssertProblemAsync(HttpStatusCode.Conflict);
        Assert.Contains("closed", detail);
        Assert.Null((await api.StoredConversationAsync(session.Conversation.Id)).RatingScore);
    }

    [Fact]
    public async Task Rate_AnotherVisitorsConversation_Returns404_AndStaffCannotRate()
    {
        var (session, operatorUser) = await ClosedConversationAsync();
        var other = await api.StartWidgetAsync("Mallory");
        using (var client = api.Client(other.VisitorToken))
        {
            await (await client.PostAsJsonAsync(RatingUrl(session), new RateConversationRequest(1, null), TestJson.Options))
                .AssertProblemAsync(HttpStatusCode.NotFound);
        }
        using (var client = api.Client(operatorUser.Token))
        {
            await (await client.PostAsJsonAsync(RatingUrl(session), new RateConversationRequest(5, null), TestJson.Options))
                .AssertProblemAsync(HttpStatusCode.Forbidden);
        }
        using (var client = api.Client())
        {
            await (await client.PostAsJsonAsync(RatingUrl(session), new RateConversationRequest(5, null), TestJson.Options))
                .AssertProblemAsync(HttpStatusCode.Unauthorized);
        }
        Assert.Null((await api.StoredConversationAsync(session.Conversation.Id)).RatingScore);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(6)]
    [InlineData(null)]
    public async Task Rate_WithAScoreOutside1To5_Returns400(int? score)
    {
        var (session, _) = await ClosedConversationAsync();
        using var visitor = api.Client(session.VisitorToken);
        var detail = await (await visitor.PostAsJsonAsync(RatingUrl(session), new RateConversationRequest(score, null), TestJson.Options))
            .AssertProblemAsync(HttpStatusCode.BadRequest);
        Assert.Contains("1 to 5", detail);
    }

    [Fact]
    public async Task Rate_WithAnOverlongComment_Returns400()
    {
        var (session, _) = await ClosedConversationAsync();
        using var visitor = api.Client(session.VisitorToken);
        await (await visitor.PostAsJsonAsync(RatingUrl(session), new RateConversationRequest(3, new string('x', 1001)), TestJson.Options))
            .AssertProblemAsync(HttpStatusCode.BadRequest);
        Assert.Null((await api.StoredConversationAsync(session.Conversation.Id)).RatingScore);
    }

    [Fact]
    public async Task Transcript_ForTheVisitor_IsAReadableTextFile_InItsTimeZone()
    {
        var session = await api.StartWidgetAsync("Tess Transcript");
        var operatorUser = await api.CreateUserAsync(UserRole.Operator, "Otto Operator");
        using var visitor = api.Client(session.VisitorToken);
        using var staff = api.Client(operatorUser.Token);
        var id = session.Conversation.Id;
        await (await visitor.PostAsJsonAsync($"/api/widget/conversations/{id}/messages", new SendMessageRequest("v1", "Hello,\nmy parcel is late", null))).ReadAsync<MessageDto>();
        await (await staff.PostAsJsonAsync($"/api/conversations/{id}/messages", new SendMessageRequest("o1", "Let me check", null))).ReadAsync<MessageDto>();

        var response = await visitor.GetAsync($"/api/widget/conversations/{id}/transcript?tz=Asia/Tokyo");
        response.EnsureSuccessStatusCode();
        Assert.Equal("text/plain", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("utf-8", response.Content.Headers.ContentType?.CharSet);
        Assert.Equal("attachment", response.Content.Headers.ContentDisposition?.DispositionType);
        Assert.StartsWith("chat-transcript-", response.Content.Headers.ContentDisposition?.FileNameStar ?? response.Content.Headers.ContentDisposition?.FileName);
        var text = await response.Content.ReadAsStringAsync();

        var stored = await api.StoredMessagesAsync(id);
        var tokyo = TimeZoneInfo.ConvertTime(stored[0].CreatedAt, TimeZoneInfo.FindSystemTimeZoneById("Asia/Tokyo"));
        Assert.Contains("Conversation with Tess Transcript", text);
        Assert.Contains("(Asia/Tokyo)", text);
        var lines = text.Split('\n');
        var first = Array.FindIndex(lines, l => l.Contains("Tess Transcript: Hello,"));
        Assert.True(first > 0, text);
        Assert.StartsWith($"[{tokyo:yyyy-MM-dd HH:mm}]", lines[first]);
        Assert.Equal("    my parcel is late", lines[first + 1]);
        Assert.Contains("Otto Operator: Let me check", lines[first + 2]);
    }

    [Fact]
    public async Task Transcript_OfAnotherVisitorsConversation_Returns404_AndAnonymous401()
    {
        var session = await api.StartWidgetAsync("Alice");
        var other = await api.StartWidgetAsync("Bob");
        var url = $"/api/widget/conversations/{session.Conversation.Id}/transcript";
        using (var client = api.Client(other.VisitorToken))
        {
            await (await client.GetAsync(url)).AssertProblemAsync(HttpStatusCode.NotFound);
        }
        using (var client = api.Client())
        {
            await (await client.GetAsync(url)).AssertProblemAsync(HttpStatusCode.Unauthorized);
        }
        using (var client = api.Client(session.VisitorToken))
        {
            await (await client.GetAsync(url + "?tz=Not/AZone")).AssertProblemAsync(HttpStatusCode.BadRequest);
        }
    }

    [Fact]
    public async Task Transcript_ForStaff_HoldsTheRatingAndEveryMessage_AndVisitorsCannotUseTheStaffRoute()
    {
        var (session, operatorUser) = await ClosedConversationAsync();
        using var visitor = api.Client(session.VisitorToken);
        (await visitor.PostAsJsonAsync(RatingUrl(session), new RateConversationRequest(2, "Too slow"), TestJson.Options)).EnsureSuccessStatusCode();
        using var staff = api.Client(operatorUser.Token);
        var response = await staff.GetAsync($"/api/conversations/{session.Conversation.Id}/transcript");
        var text = await response.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("Conversation with Rita Rater", text);
        Assert.Contains("Closed: ", text);
        Assert.Contains("Rating: 2/5 \"Too slow\"", text);

        await (await visitor.GetAsync($"/api/conversations/{session.Conversation.Id}/transcript")).AssertProblemAsync(HttpStatusCode.Forbidden);
    }
}
