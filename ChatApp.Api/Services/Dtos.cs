using ChatApp.Api.Data.Entities;

namespace ChatApp.Api.Services;

// The shapes of ChatApp.Api/PROTOCOL.md, shared by REST and the hub.

public record UserDto(Guid Id, string Email, string DisplayName, UserRole Role, bool IsActive, DateTimeOffset CreatedAt)
{
    public static UserDto From(User u) => new(u.Id, u.Email, u.DisplayName, u.Role, u.IsActive, u.CreatedAt);
}

public record LoginRequest(string? Email, string? Password);
public record LoginResult(string AccessToken, DateTimeOffset ExpiresAt, UserDto User);

public record AttachmentDto(Guid Id, string Url, string FileName, string ContentType, long Size)
{
    public static AttachmentDto From(Attachment a) =>
        new(a.Id, $"/uploads/{a.StoredName}", a.OriginalName, a.ContentType, a.Size);
}

public record MessageDto(
    long Id,
    Guid ConversationId,
    string ClientMessageId,
    SenderKind SenderKind,
    Guid? SenderUserId,
    string? SenderName,
    string Body,
    AttachmentDto? Attachment,
    DateTimeOffset CreatedAt);

public record SendMessageRequest(string? ClientMessageId, string? Body, Guid? AttachmentId);

public record ConversationSummaryDto(
    Guid Id,
    ConversationStatus Status,
    Guid VisitorId,
    string? VisitorName,
    string? VisitorEmail,
    Guid? AssignedUserId,
    string? AssignedUserName,
    DateTimeOffset CreatedAt,
    DateTimeOffset? LastMessageAt,
    string? LastMessagePreview,
    int UnreadCount,
    DateTimeOffset? ClosedAt,
    bool IsOfflineMessage,
    RatingDto? Rating);

public record ConversationDto(
    Guid Id,
    ConversationStatus Status,
    Guid VisitorId,
    string? VisitorName,
    string? VisitorEmail,
    Guid? AssignedUserId,
    string? AssignedUserName,
    DateTimeOffset CreatedAt,
    DateTimeOffset? LastMessageAt,
    string? LastMessagePreview,
    int UnreadCount,
    DateTimeOffset? ClosedAt,
    string? PageUrl,
    string? UserAgent,
    long VisitorLastReadMessageId,
    long OperatorLastReadMessageId,
    bool IsOfflineMessage,
    RatingDto? Rating);

/// <summary>The visitor's rating of a closed conversation: 1 to 5, an optional comment, when it was given.</summary>
public record RatingDto(int Score, string? Comment, DateTimeOffset RatedAt);

public record RateConversationRequest(int? Score, string? Comment);

public record PageDto<T>(IReadOnlyList<T> Items, int Page, int PageSize, int TotalCount);

/// <summary><c>message</c>: a first message stored with the conversation (required when the team is away).</summary>
public record StartConversationRequest(string? Name, string? Email, string? PageUrl, string? Message = null);
public record WidgetSessionDto(string VisitorToken, Guid VisitorId, ConversationDto Conversation);

/// <summary>A site's signed-in customer: <c>identifierHash</c> is HMAC-SHA256(identifier, identity secret) in hex.</summary>
public record IdentifyVisitorRequest(string? Identifier, string? IdentifierHash, string? Name, string? Email);
public record WidgetIdentityDto(string VisitorToken, Guid VisitorId);

public record AssignRequest(Guid? UserId);
public record CreateUserRequest(string? Email, string? DisplayName, string? Password, UserRole? Role);
public record ChangeRoleRequest(UserRole? Role);

public record TypingDto(Guid ConversationId, SenderKind SenderKind, string? SenderName, bool IsTyping);
public record MessagesReadDto(Guid ConversationId, SenderKind ReaderKind, long UpToMessageId);
