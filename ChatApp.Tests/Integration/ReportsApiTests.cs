using System.Net;
using ChatApp.Api.Data.Entities;
using ChatApp.Api.Reports;
using ChatApp.Tests.Infrastructure;

namespace ChatApp.Tests.Integration;

/// <summary>Report figures on known data: a week of conversations around midnight, in Paris and in UTC.</summary>
[Collection(ApiCollection.Name)]
public sealed class ReportsApiTests(ApiFixture api) : IAsyncLifetime
{
    private const string Week = "from=2026-11-02&to=2026-11-08";
    private TestUser _alice = null!;
    private TestUser _bob = null!;

    public async Task InitializeAsync()
    {
        await api.ResetAsync();
        _alice = await api.CreateUserAsync(UserRole.Operator, "Alice");
        _bob = await api.CreateUserAsync(UserRole.Operator, "Bob");
        await SeedAsync();
    }

    public Task DisposeAsync() => Task.CompletedTask;

    private static DateTimeOffset Utc(string value) => DateTimeOffset.Parse(value + "Z", System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>
    /// C1, C2 (Alice), C3, C5 (Bob), C4 (offline, unassigned) start in the Paris week; C6 (Alice) starts just after it
    /// (in the UTC week); C7 (Alice) started long before and closes in the week.
    /// </summary>
    private async Task SeedAsync()
    {
        await using var db = api.CreateDbContext();
        void Add(string name, string created, Guid? assignee, int? replyAfter, string? closed = null, int? rating = null,
            string? ratedAt = null, bool offline = false)
        {
            var visitor = new Visitor { CreatedAt = Utc(created) };
            var conversation = new Conversation
            {
                Visitor = visitor,
                VisitorName = name,
                AssignedUserId = assignee,
                Status = closed is not null ? ConversationStatus.Closed : assignee is null ? ConversationStatus.Open : ConversationStatus.Assigned,
                CreatedAt = Utc(created),
                UpdatedAt = Utc(created),
                ClosedAt = closed is null ? null : Utc(closed),
                RatingScore = rating,
                RatedAt = ratedAt is null ? null : Utc(ratedAt),
                IsOfflineMessage = offline,
            };
            db.Conversations.Add(conversation);
            db.Messages.Add(new Message { Conversation = conversation, SenderKind = SenderKind.Visitor, Body = "Hello", ClientMessageId = "v", CreatedAt = Utc(created) });
            if (replyAfter is { } seconds)
            {
                // A private note before the reply: notes are no answer to the visitor, so they never count.
                db.Messages.Add(new Message
                {
                    Conversation = conversation, SenderKind = SenderKind.Operator, SenderUserId = assignee, Body = "Looking into it",
                    ClientMessageId = "n", IsPrivate = true, CreatedAt = Utc(created).AddSeconds(seconds / 2),
                });
                db.Messages.Add(new Message
                {
                    Conversation = conversation, SenderKind = SenderKind.Operator, SenderUserId = assignee, Body = "Hi!",
                    ClientMessageId = "o", CreatedAt = Utc(created).AddSeconds(seconds),
                });
            }
        }
        Add("C1", "2026-11-02T08:00:00", _alice.Id, 60, "2026-11-02T09:00:00", 5, "2026-11-02T09:10:00");
        Add("=1+2", "2026-11-02T08:30:00", _alice.Id, 120, "2026-11-02T10:30:00", 3, "2026-11-02T11:00:00");
        Add("C3", "2026-11-03T22:30:00", _bob.Id, 300, "2026-11-04T00:30:00", 4, "2026-11-04T01:00:00");
        Add("C4, offline", "2026-11-04T23:30:00", null, null, offline: true);
        Add("C5", "2026-11-01T23:30:00", _bob.Id, 600, "2026-11-02T00:30:00");
        Add("C6", "2026-11-08T23:30:00", _alice.Id, null);
        Add("C7", "2026-10-20T10:00:00", _alice.Id, null, "2026-11-05T10:00:00");
        await db.SaveChangesAsync();
    }

    [Fact]
    public async Task Summary_InParis_CountsWholeLocalDays()
    {
        var report = await GetAsync<ReportSummaryDto>($"/api/reports/summary?{Week}&tz=Europe/Paris");

        Assert.Equal(("Europe/Paris", new DateOnly(2026, 11, 2), new DateOnly(2026, 11, 8)), (report.TimeZone, report.From, report.To));
        Assert.Equal(new ConversationCounts(Started: 5, Closed: 5, Offline: 1), report.Conversations);
        // First replies after 60, 120, 300 and 600 s (C4 has none): percentile_cont.
        Assert.Equal(new DurationStats(4, 210, 510), report.FirstResponse);
        // Closed in the week: C5 1 h, C1 1 h, C2 2 h, C3 2 h, C7 16 days.
        Assert.Equal(new DurationStats(5, 7200, 832320), report.Resolution);
        Assert.Equal(3, report.Csat.Count);
        Assert.Equal(4.0, report.Csat.Average);
        Assert.Equal([0, 0, 1, 1, 1], report.Csat.Scores);

        Assert.Equal(7, report.MessagesPerDay.Count);
        Assert.Equal(new DayCount(new DateOnly(2026, 11, 2), 3, 3), report.MessagesPerDay[0]);
        Assert.Equal(new DayCount(new DateOnly(2026, 11, 3), 1, 1), report.MessagesPerDay[1]);
        Assert.Equal(new DayCount(new DateOnly(2026, 11, 4), 0, 0), report.MessagesPerDay[2]);
        Assert.Equal(new DayCount(new DateOnly(2026, 11, 5), 1, 0), report.MessagesPerDay[3]);
        Assert.Equal(5, report.MessagesPerDay.Sum(d => d.Visitor));

        // Monday 00:00 (C5), Monday 09:00 (C1, C2), Tuesday 23:00 (C3), Thursday 00:00 (C4), local time.
        Assert.Equal(1, report.BusiestHours[0][0]);
        Assert.Equal(2, report.BusiestHours[0][9]);
        Assert.Equal(1, report.BusiestHours[1][23]);
        Assert.Equal(1, report.BusiestHours[3][0]);
        Assert.Equal(5, report.BusiestHours.Sum(d => d.Sum()));
    }

    [Fact]
    public async Task Summary_InUtc_BucketsTheSameDataDifferently()
    {
        var report = await GetAsync<ReportSummaryDto>($"/api/reports/summary?{Week}");

        Assert.Equal("UTC", report.TimeZone);
        // C5 (Sunday 23:30 UTC) falls out, C6 (Sunday 8 November 23:30 UTC) comes in.
        Assert.Equal(5, report.Conversations.Started);
        Assert.Equal(new DayCount(new DateOnly(2026, 11, 2), 2, 2), report.MessagesPerDay[0]);
        Assert.Equal(new DayCount(new DateOnly(2026, 11, 4), 1, 0), report.MessagesPerDay[2]);
        Assert.Equal(new DayCount(new DateOnly(2026, 11, 8), 1, 0), report.MessagesPerDay[6]);
        Assert.Equal(2, report.BusiestHours[0][8]);
        Assert.Equal(1, report.BusiestHours[1][22]);
        Assert.Equal(1, report.BusiestHours[2][23]);
        Assert.Equal(1, report.BusiestHours[6][23]);
    }

    [Fact]
    public async Task Operators_GetTheFiguresOfTheConversationsAssignedToThem()
    {
        var report = await GetAsync<OperatorsReportDto>($"/api/reports/operators?{Week}&tz=Europe/Paris");

        var alice = report.Operators.Single(o => o.UserId == _alice.Id);
        Assert.Equal(new ConversationCounts(2, 3, 0), alice.Conversations);
        Assert.Equal(new DurationStats(2, 90, 114), alice.FirstResponse);
        Assert.Equal(new DurationStats(3, 7200, 1107360), alice.Resolution);
        Assert.Equal((2, 4.0), (alice.Csat.Count, alice.Csat.Average));
        Assert.Equal(2, alice.MessagesSent);

        var bob = report.Operators.Single(o => o.UserId == _bob.Id);
        Assert.Equal(new ConversationCounts(2, 2, 0), bob.Conversations);
        Assert.Equal(new DurationStats(2, 450, 570), bob.FirstResponse);
        Assert.Equal(new DurationStats(2, 5400, 6840), bob.Resolution);
        Assert.Equal((1, 4.0), (bob.Csat.Count, bob.Csat.Average));
        Assert.Equal(2, bob.MessagesSent);

        var admin = report.Operators.Single(o => o.UserId == api.Admin.Id);
        Assert.Equal((0, 0, null), (admin.Conversations.Started, admin.FirstResponse.Count, admin.FirstResponse.MedianSeconds));
        Assert.Equal(["Ada Admin", "Alice", "Bob"], report.Operators.Select(o => o.DisplayName));
    }

    [Fact]
    public async Task Summary_ForOneOperator_CoversTheirConversationsOnly()
    {
        var report = await GetAsync<ReportSummaryDto>($"/api/reports/summary?{Week}&tz=Europe/Paris&operatorId={_alice.Id}");

        Assert.Equal(_alice.Id, report.OperatorId);
        Assert.Equal(new ConversationCounts(2, 3, 0), report.Conversations);
        Assert.Equal(new DurationStats(2, 90, 114), report.FirstResponse);
        Assert.Equal(new DayCount(new DateOnly(2026, 11, 2), 2, 2), report.MessagesPerDay[0]);
        Assert.Equal(4, report.MessagesPerDay.Sum(d => d.Visitor + d.Operator));
    }

    [Fact]
    public async Task ConversationsCsv_ListsThePeriodsConversations_InLocalTime_WithoutFormulas()
    {
        using var admin = api.Client(api.Admin.Token);
        var response = await admin.GetAsync($"/api/reports/conversations.csv?{Week}&tz=Europe/Paris");
        await response.EnsureSuccessWithProblemAsync();
        Assert.Equal("text/csv", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("conversations-2026-11-02-to-2026-11-08.csv", response.Content.Headers.ContentDisposition?.ToString());

        var lines = (await response.Content.ReadAsStringAsync()).TrimStart('\uFEFF').Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.StartsWith("id,started_at,closed_at,status,visitor_name", lines[0]);
        Assert.Equal(6, lines.Length);
        var c1 = lines.Single(l => l.Contains(",C1,"));
        Assert.Contains(",2026-11-02T09:00:00+01:00,2026-11-02T10:00:00+01:00,Closed,C1,,", c1);
        Assert.EndsWith($",{_alice.Id},Alice,false,60,3600,5,,,2", c1);
        Assert.Contains(",'=1+2,", lines.Single(l => l.Contains("1+2")));
        Assert.Contains(",\"C4, offline\",", lines.Single(l => l.Contains("C4, offline")));
        Assert.Contains(",C5,", lines[1]);
    }

    [Theory]
    [InlineData("tz=Mars/Olympus", "tz")]
    [InlineData("from=2026-11-09&to=2026-11-02", "from")]
    [InlineData("from=2025-01-01&to=2026-11-02", "to")]
    [InlineData("from=02/11/2026", "from")]
    public async Task Summary_WithABadPeriod_IsABadRequestNamingTheField(string query, string field)
    {
        using var admin = api.Client(api.Admin.Token);
        var response = await admin.GetAsync($"/api/reports/summary?{query}");
        await response.AssertProblemAsync(HttpStatusCode.BadRequest);
        Assert.Contains($"\"{field}\"", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Reports_AreForAdminsOnly()
    {
        using var operatorClient = api.Client(_alice.Token);
        foreach (var path in new[] { "/api/reports/summary", "/api/reports/operators", "/api/reports/conversations.csv" })
        {
            Assert.Equal(HttpStatusCode.Forbidden, (await operatorClient.GetAsync(path)).StatusCode);
        }
    }

    [Fact]
    public async Task Summary_WithoutDates_CoversTheLast30Days()
    {
        var report = await GetAsync<ReportSummaryDto>("/api/reports/summary?tz=Europe/Paris");
        Assert.Equal(30, report.MessagesPerDay.Count);
        Assert.Equal(report.To.AddDays(-29), report.From);
    }

    private async Task<T> GetAsync<T>(string path)
    {
        using var admin = api.Client(api.Admin.Token);
        return await (await admin.GetAsync(path)).ReadAsync<T>();
    }
}
