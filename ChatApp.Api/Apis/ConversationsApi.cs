using ChatApp.Api.Auth;
using ChatApp.Api.Data.Entities;
using ChatApp.Api.Services;
using Microsoft.AspNetCore.Http.HttpResults;

namespace ChatApp.Api.Apis;

/// <summary>The operators' view of conversations.</summary>
public static class ConversationsApi
{
    public static IEndpointRouteBuilder MapConversationsApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/conversations").WithTags("Conversations").RequireAuthorization(Policies.Staff);
        group.MapGet("/", List)
            .WithName("ListConversations")
            .WithSummary("Conversations by status and assignee, most recent activity first; with q, those whose messages, visitor name or e-mail match (full-text), each with the matching excerpt.");
        group.MapGet("/counts", Counts)
            .WithName("CountUnreadConversations")
            .WithSummary("For each inbox tab, how many conversations have visitor messages no staff member has read.");
        group.MapGet("/{id:guid}", Get).WithName("GetConversation").WithSummary("One conversation with its visitor's context.");
        group.MapGet("/{id:guid}/messages", Messages)
            .WithName("GetConversationMessages")
            .WithSummary("Messages after a message id (the resume cursor), oldest first.");
        group.MapPost("/{id:guid}/messages", Send)
            .WithName("SendConversationMessage")
            .WithSummary("Replies as the signed-in operator; a resent client message id returns the stored message.");
        group.MapPost("/{id:guid}/notes", SendNote)
            .WithName("SendConversationNote")
            .WithSummary("Adds a private note, seen by staff only; a resent client message id returns the stored note.");
        group.MapPost("/{id:guid}/assign", Assign)
            .WithName("AssignConversation")
            .WithSummary("Assigns to the caller; admins to anyone; the assignee may transfer it to a colleague, with a private note.");
        group.MapPost("/{id:guid}/unassign", Unassign)
            .WithName("UnassignConversation")
            .WithSummary("Puts the conversation back in the queue (its assignee or an admin).");
        group.MapPost("/{id:guid}/close", Close).WithName("CloseConversation").WithSummary("Closes the conversation.");
        group.MapPost("/{id:guid}/reopen", Reopen)
            .WithName("ReopenConversation")
            .WithSummary("Opens a closed conversation again: to its operator when still active, otherwise to the queue.");
        group.MapGet("/{id:guid}/transcript", Transcript)
            .WithName("GetConversationTranscript")
            .WithSummary("The conversation as a plain-text file, times in the time zone given by ?tz= (UTC by default).");
        return app;
    }

    private static async Task<Ok<PageDto<ConversationSummaryDto>>> List(
        HttpContext context, ConversationService conversations, CancellationToken ct,
        string? status = null, string? assignee = null, string? q = null, int page = 1, int pageSize = 20) =>
        TypedResults.Ok(await conversations.ListAsync(Caller.From(context.User), EnumByName<ConversationStatus>(status, "status"),
            assignee, q, page, pageSize, ct));

    private static async Task<Ok<InboxCountsDto>> Counts(HttpContext context, ConversationService conversations, CancellationToken ct) =>
        TypedResults.Ok(await conversations.CountUnreadAsync(Caller.From(context.User), ct));

    /// <summary>An enum filter by its name only: <c>?status=7</c> (a number) is refused, not taken as a value.</summary>
    internal static T? EnumByName<T>(string? value, string field) where T : struct, Enum
    {
        if (string.IsNullOrEmpty(value))
        {
            return null;
        }
        var name = Enum.GetNames<T>().FirstOrDefault(n => n.Equals(value, StringComparison.OrdinalIgnoreCase));
        return name is not null ? Enum.Parse<T>(name)
            : throw ChatException.Invalid(field, $"The {field} must be one of: {string.Join(", ", Enum.GetNames<T>())}.");
    }

    private static async Task<Ok<ConversationDto>> Get(Guid id, HttpContext context, ConversationService conversations, CancellationToken ct) =>
        TypedResults.Ok(await conversations.GetAsync(Caller.From(context.User), id, ct));

    private static async Task<Ok<IReadOnlyList<MessageDto>>> Messages(
        Guid id, HttpContext context, ConversationService conversations, CancellationToken ct, long after = 0, int limit = 100) =>
        TypedResults.Ok(await conversations.GetMessagesAfterAsync(Caller.From(context.User), id, after, limit, ct));

    private static Task<Results<Created<MessageDto>, Ok<MessageDto>>> Send(
        Guid id, SendMessageRequest request, HttpContext context, ConversationService conversations, CancellationToken ct) =>
        SendAndReport(Caller.From(context.User), id, request, conversations, ct);

    /// <summary>201 for a new message, 200 with the stored one for a resend.</summary>
    internal static async Task<Results<Created<MessageDto>, Ok<MessageDto>>> SendAndReport(
        Caller caller, Guid id, SendMessageRequest request, ConversationService conversations, CancellationToken ct)
    {
        var (message, created) = await conversations.SendAsync(caller, id, request, ct);
        return created
            ? TypedResults.Created($"/api/conversations/{id}/messages/{message.Id}", message)
            : TypedResults.Ok(message);
    }

    /// <summary>201 for a new note, 200 with the stored one for a resend.</summary>
    private static async Task<Results<Created<MessageDto>, Ok<MessageDto>>> SendNote(
        Guid id, SendNoteRequest request, HttpContext context, ConversationService conversations, CancellationToken ct)
    {
        var (note, created) = await conversations.SendNoteAsync(Caller.From(context.User), id, request, ct);
        return created
            ? TypedResults.Created($"/api/conversations/{id}/messages/{note.Id}", note)
            : TypedResults.Ok(note);
    }

    private static async Task<Ok<ConversationDto>> Assign(
        Guid id, AssignRequest? request, HttpContext context, ConversationService conversations, CancellationToken ct) =>
        TypedResults.Ok(await conversations.AssignAsync(Caller.From(context.User), id, request?.UserId, request?.Note, ct));

    private static async Task<Ok<ConversationDto>> Unassign(Guid id, HttpContext context, ConversationService conversations, CancellationToken ct) =>
        TypedResults.Ok(await conversations.UnassignAsync(Caller.From(context.User), id, ct));

    private static async Task<FileContentHttpResult> Transcript(
        Guid id, HttpContext context, TranscriptService transcripts, CancellationToken ct, string? tz = null) =>
        WidgetApi.TranscriptFileResult(await transcripts.BuildAsync(Caller.From(context.User), id, tz, ct));

    private static async Task<Ok<ConversationDto>> Close(Guid id, HttpContext context, ConversationService conversations, CancellationToken ct) =>
        TypedResults.Ok(await conversations.CloseAsync(Caller.From(context.User), id, ct));

    private static async Task<Ok<ConversationDto>> Reopen(Guid id, HttpContext context, ConversationService conversations, CancellationToken ct) =>
        TypedResults.Ok(await conversations.ReopenAsync(Caller.From(context.User), id, ct));
}
