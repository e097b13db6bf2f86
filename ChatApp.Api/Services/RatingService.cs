using ChatApp.Api.Data;
using ChatApp.Api.Data.Entities;
using Microsoft.EntityFrameworkCore;

namespace ChatApp.Api.Services;

public static class RatingRules
{
    public const int MinScore = 1;
    public const int MaxScore = 5;
    public const int MaxCommentLength = 1000;
}

/// <summary>A visitor rates its own conversation once, after it was closed; staff see the rating on the conversation.</summary>
public class RatingService(ChatDbContext db, ConversationService conversations, IChatNotifier notifier, TimeProvider time)
{
    public async Task<ConversationDto> RateAsync(Caller caller, Guid conversationId, RateConversationRequest request, CancellationToken ct = default)
    {
        if (!caller.IsVisitor)
        {
            throw ChatException.Forbidden("Only the conversation's visitor can rate it.");
        }
        if (request.Score is not (>= RatingRules.MinScore and <= RatingRules.MaxScore))
        {
            throw ChatException.Invalid("score", $"The score must be a whole number from {RatingRules.MinScore} to {RatingRules.MaxScore}.");
        }
        var comment = request.Comment?.Trim();
        if (comment is { Length: > RatingRules.MaxCommentLength })
        {
            throw ChatException.Invalid("comment", $"The comment may be at most {RatingRules.MaxCommentLength} characters.");
        }
        comment = string.IsNullOrEmpty(comment) ? null : comment;

        var conversation = await conversations.GetAccessibleAsync(caller, conversationId, ct);
        var now = time.GetUtcNow();
        // One statement decides: two ratings sent at once cannot both be stored.
        var stored = await db.Conversations
            .Where(c => c.Id == conversationId && c.VisitorId == caller.Id && c.Status == ConversationStatus.Closed && c.RatingScore == null)
            .ExecuteUpdateAsync(set => set
                .SetProperty(c => c.RatingScore, request.Score)
                .SetProperty(c => c.RatingComment, comment)
                .SetProperty(c => c.RatedAt, now), ct);
        await db.Entry(conversation).ReloadAsync(ct);
        if (stored == 0)
        {
            throw ChatException.Conflict(conversation.RatingScore is not null
                ? "This conversation is already rated; a rating can be given once."
                : "A conversation can be rated once it is closed.");
        }
        await notifier.ConversationChangedAsync(conversation.ToSummary());
        return conversation.ToDto();
    }
}
