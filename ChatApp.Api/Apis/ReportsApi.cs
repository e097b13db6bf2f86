using ChatApp.Api.Auth;
using ChatApp.Api.Reports;
using Microsoft.AspNetCore.Http.HttpResults;

namespace ChatApp.Api.Apis;

/// <summary>Reports for admins: conversations, response and resolution times, CSAT, activity; per operator; CSV.</summary>
public static class ReportsApi
{
    public static IEndpointRouteBuilder MapReportsApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/reports").WithTags("Reports").RequireAuthorization(Policies.Admin);
        group.MapGet("/summary", Summary)
            .WithName("GetReportSummary")
            .WithSummary("Conversations started, closed and offline; first response and resolution times (median, 90th percentile); CSAT; messages per day; busiest hours. Whole days from..to in tz; operatorId narrows it to one operator's conversations.");
        group.MapGet("/operators", Operators)
            .WithName("GetOperatorsReport")
            .WithSummary("The same figures per operator (by the conversations assigned to them), with the messages each sent.");
        group.MapGet("/conversations.csv", ConversationsCsv)
            .WithName("ExportConversationsCsv")
            .WithSummary("The conversations started in the period as a CSV file, times in tz.");
        return app;
    }

    private static async Task<Ok<ReportSummaryDto>> Summary(
        ReportService reports, TimeProvider time, CancellationToken ct,
        string? from = null, string? to = null, string? tz = null, Guid? operatorId = null) =>
        TypedResults.Ok(await reports.SummaryAsync(ReportPeriod.Parse(from, to, tz, time.GetUtcNow()), operatorId, ct));

    private static async Task<Ok<OperatorsReportDto>> Operators(
        ReportService reports, TimeProvider time, CancellationToken ct, string? from = null, string? to = null, string? tz = null) =>
        TypedResults.Ok(await reports.OperatorsAsync(ReportPeriod.Parse(from, to, tz, time.GetUtcNow()), ct));

    private static PushStreamHttpResult ConversationsCsv(
        ReportService reports, TimeProvider time, string? from = null, string? to = null, string? tz = null, Guid? operatorId = null)
    {
        var period = ReportPeriod.Parse(from, to, tz, time.GetUtcNow());
        return TypedResults.Stream(
            stream => reports.WriteConversationsCsvAsync(period, operatorId, stream),
            "text/csv; charset=utf-8",
            $"conversations-{period.From:yyyy-MM-dd}-to-{period.To:yyyy-MM-dd}.csv");
    }
}
