using ChatApp.Api.Auth;
using ChatApp.Api.Services;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Net.Http.Headers;

namespace ChatApp.Api.Apis;

/// <summary>The public widget's endpoints: a visitor token opens only its own conversations.</summary>
public static class WidgetApi
{
    public const string StartRateLimitPolicy = "widget-start";

    public static IEndpointRouteBuilder MapWidgetApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/widget/conversations").WithTags("Widget");
        group.MapPost("/", Start)
            .AllowAnonymous()
            .RequireRateLimiting(StartRateLimitPolicy)
            .WithName("StartWidgetConversation")
            .WithSummary("Starts a conversation and returns a visitor token; with a visitor token, the same visitor starts another.");

        var visitor = group.MapGroup("/").RequireAuthorization(Policies.Visitor);
        visitor.MapGet("/", List)
            .WithName("ListWidgetConversations")
            .WithSummary("The visitor's conversations, newest first (at most 50): a verified customer's from every device.");
        visitor.MapGet("/current", Current)
            .WithName("ResumeWidgetConversation")
            .WithSummary("The visitor's latest conversation, with a fresh visitor token.");
        visitor.MapGet("/{id:guid}", Get).WithName("GetWidgetConversation").WithSummary("One of the visitor's conversations.");
        visitor.MapGet("/{id:guid}/messages", Messages)
            .WithName("GetWidgetMessages")
            .WithSummary("Messages after a message id, oldest first.");
        visitor.MapPost("/{id:guid}/messages", Send)
            .WithName("SendWidgetMessage")
            .WithSummary("Sends a message as the visitor; a resent client message id returns the stored message.");
        visitor.MapPost("/{id:guid}/rating", Rate)
            .WithName("RateWidgetConversation")
            .WithSummary("Rates a closed conversation 1 to 5 with an optional comment, once (a second rating is refused with 409).");
        visitor.MapGet("/{id:guid}/transcript", Transcript)
            .WithName("GetWidgetTranscript")
            .WithSummary("The conversation as a plain-text file, times in the time zone given by ?tz= (UTC by default).");

        app.MapPost("/api/widget/identity", Identify)
            .WithTags("Widget")
            .AllowAnonymous()
            .RequireRateLimiting(StartRateLimitPolicy)
            .WithName("IdentifyWidgetVisitor")
            .WithSummary("Verifies a signed-in customer (identifier and its HMAC) and returns its visitor token; a wrong hash is refused with 401.");
        return app;
    }

    private static async Task<Created<WidgetSessionDto>> Start(
        StartConversationRequest? request, HttpContext context, WidgetService widget, CancellationToken ct)
    {
        // An anonymous call may still carry the widget's visitor token (the authentication middleware has read it):
        // then it is the same visitor again.
        Guid? returning = context.User.IsInRole(Roles.Visitor) ? Caller.From(context.User).Id : null;
        var session = await widget.StartAsync(returning, request ?? new(null, null, null, null),
            context.Request.Headers[HeaderNames.UserAgent].ToString(), ct);
        return TypedResults.Created($"/api/widget/conversations/{session.Conversation.Id}", session);
    }

    private static async Task<Results<Ok<WidgetSessionDto>, ProblemHttpResult>> Current(
        HttpContext context, WidgetService widget, CancellationToken ct)
    {
        var session = await widget.ResumeAsync(Caller.From(context.User).Id, ct);
        return session is null
            ? TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Not found.",
                detail: "You have no conversation yet; start one.")
            : TypedResults.Ok(session);
    }

    private static async Task<Ok<ConversationDto>> Get(Guid id, HttpContext context, ConversationService conversations, CancellationToken ct) =>
        TypedResults.Ok(await conversations.GetAsync(Caller.From(context.User), id, ct));

    private static async Task<Ok<IReadOnlyList<MessageDto>>> Messages(
        Guid id, HttpContext context, ConversationService conversations, CancellationToken ct, long after = 0, int limit = 100) =>
        TypedResults.Ok(await conversations.GetMessagesAfterAsync(Caller.From(context.User), id, after, limit, ct));

    private static async Task<Ok<IReadOnlyList<ConversationSummaryDto>>> List(HttpContext context, WidgetService widget, CancellationToken ct) =>
        TypedResults.Ok(await widget.ListAsync(Caller.From(context.User).Id, ct));

    private static async Task<Ok<ConversationDto>> Rate(
        Guid id, RateConversationRequest request, HttpContext context, RatingService ratings, CancellationToken ct) =>
        TypedResults.Ok(await ratings.RateAsync(Caller.From(context.User), id, request, ct));

    private static async Task<FileContentHttpResult> Transcript(
        Guid id, HttpContext context, TranscriptService transcripts, CancellationToken ct, string? tz = null) =>
        TranscriptFileResult(await transcripts.BuildAsync(Caller.From(context.User), id, tz, ct));

    internal static FileContentHttpResult TranscriptFileResult(TranscriptFile transcript) =>
        TypedResults.File(System.Text.Encoding.UTF8.GetBytes(transcript.Text), "text/plain; charset=utf-8", transcript.FileName);

    private static async Task<Ok<WidgetIdentityDto>> Identify(
        IdentifyVisitorRequest request, HttpContext context, WidgetService widget, CancellationToken ct)
    {
        // Like Start: a call with the widget's visitor token comes from that visitor, whose conversations may move.
        Guid? current = context.User.IsInRole(Roles.Visitor) ? Caller.From(context.User).Id : null;
        return TypedResults.Ok(await widget.IdentifyAsync(current, request, ct));
    }

    private static Task<Results<Created<MessageDto>, Ok<MessageDto>>> Send(
        Guid id, SendMessageRequest request, HttpContext context, ConversationService conversations, CancellationToken ct) =>
        ConversationsApi.SendAndReport(Caller.From(context.User), id, request, conversations, ct);
}
