using ChatApp.Api.Data.Entities;

namespace ChatApp.Api.Services;

public static class ConversationMapping
{
    public static ConversationSummaryDto ToSummary(this Conversation c) => new(
        c.Id, c.Status, c.VisitorId, c.VisitorName, c.VisitorEmail, c.AssignedUserId, c.AssignedUser?.DisplayName,
        c.CreatedAt, c.LastMessageAt, c.LastMessagePreview, c.OperatorUnreadCount, c.ClosedAt, c.IsOfflineMessage, c.ToRating());

    public static ConversationDto ToDto(this Conversation c) => new(
        c.Id, c.Status, c.VisitorId, c.VisitorName, c.VisitorEmail, c.AssignedUserId, c.AssignedUser?.DisplayName,
        c.CreatedAt, c.LastMessageAt, c.LastMessagePreview, c.OperatorUnreadCount, c.ClosedAt,
        c.PageUrl, c.UserAgent, c.VisitorLastReadMessageId, c.OperatorLastReadMessageId, c.IsOfflineMessage, c.ToRating());

    public static RatingDto? ToRating(this Conversation c) =>
        c is { RatingScore: { } score, RatedAt: { } ratedAt } ? new RatingDto(score, c.RatingComment, ratedAt) : null;

    public static MessageDto ToDto(this Message m, string? visitorName) => new(
        m.Id, m.ConversationId, m.ClientMessageId, m.SenderKind, m.SenderUserId,
        m.SenderKind switch
        {
            SenderKind.Operator => m.SenderUser?.DisplayName,
            SenderKind.Visitor => visitorName,
            // An activity record names who did it.
            _ => m.SenderUser?.DisplayName,
        },
        m.Body, m.Attachment is null ? null : AttachmentDto.From(m.Attachment), m.CreatedAt)
    {
        IsPrivate = m.IsPrivate,
    };
}
