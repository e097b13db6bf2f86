using System.Text.Json.Serialization;
using ChatApp.Api.Data.Entities;

namespace ChatApp.Api.Services;

// The shapes of ChatApp.Api/PROTOCOL.md, shared by REST and the hub.

/// <param name="Presence">The availability the user chose (what colleagues see is <see cref="PresenceDto.Status"/>).</param>
public record UserDto(
    Guid Id, string Email, string DisplayName, UserRole Role, bool IsActive, DateTimeOffset CreatedAt,
    PresenceStatus Presence, bool NotificationsEnabled)
{
    public static UserDto From(User u) =>
        new(u.Id, u.Email, u.DisplayName, u.Role, u.IsActive, u.CreatedAt, u.Presence, u.NotificationsEnabled);
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
    DateTimeOffset CreatedAt)
{
    /// <summary>A private note or an activity record: staff only, never sent to a visitor.</summary>
    public bool IsPrivate { get; init; }
}

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
    RatingDto? Rating)
{
    /// <summary>Search results only: the newest message that matched, with the matching words marked.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public SearchMatchDto? Match { get; init; }
}

/// <summary>An excerpt of a matching message; <see cref="Highlights"/> are the matched words as offsets into <see cref="Text"/>.</summary>
public record SearchMatchDto(long MessageId, string Text, IReadOnlyList<TextRangeDto> Highlights);
public record TextRangeDto(int Start, int Length);

/// <summary>How many conversations in each inbox tab have visitor messages no staff member has read.</summary>
public record InboxCountsDto(int Unassigned, int Mine, int Assigned, int Closed);

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

/// <param name="Note">With a transfer to a colleague: a private note for them, stored with the assignment.</param>
public record AssignRequest(Guid? UserId, string? Note = null);
public record SendNoteRequest(string? ClientMessageId, string? Body);
public record CreateUserRequest(string? Email, string? DisplayName, string? Password, UserRole? Role);
public record ChangeRoleRequest(UserRole? Role);
public record ResetPasswordRequest(string? Password);
public record ChangePasswordRequest(string? CurrentPassword, string? NewPassword);
public record PreferencesRequest(bool? NotificationsEnabled);

public record CannedResponseDto(Guid Id, string Shortcut, string Title, string Body)
{
    public static CannedResponseDto From(CannedResponse c) => new(c.Id, c.Shortcut, c.Title, c.Body);
}
public record CannedResponseRequest(string? Shortcut, string? Title, string? Body);

/// <param name="Status">What colleagues see: the status the user chose while connected, Offline otherwise.</param>
public record PresenceDto(Guid UserId, string DisplayName, UserRole Role, PresenceStatus Status);
public record SetPresenceRequest(PresenceStatus? Status);

public record AssignmentSettingsDto(bool AutoAssign, int MaxOpenPerOperator);
public record AssignmentSettingsRequest(bool? AutoAssign, int? MaxOpenPerOperator);

public record TypingDto(Guid ConversationId, SenderKind SenderKind, string? SenderName, bool IsTyping);
public record MessagesReadDto(Guid ConversationId, SenderKind ReaderKind, long UpToMessageId);
