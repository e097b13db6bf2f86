namespace ChatApp.Api.Services;

/// <summary>Limits on what a message may hold, shared by REST, the hub and the database schema.</summary>
public static class MessageRules
{
    public const int MaxBodyLength = 4000;
    public const int MaxClientMessageIdLength = 64;
    public const int PreviewLength = 140;

    /// <summary>Returns the trimmed body, or throws a <see cref="ChatException"/> saying what is wrong.</summary>
    public static (string ClientMessageId, string Body) Validate(string? clientMessageId, string? body, bool hasAttachment)
    {
        if (string.IsNullOrWhiteSpace(clientMessageId))
        {
            throw ChatException.Invalid("clientMessageId", "A client message id is required (a UUID chosen by the client).");
        }
        clientMessageId = clientMessageId.Trim();
        if (clientMessageId.Length > MaxClientMessageIdLength)
        {
            throw ChatException.Invalid("clientMessageId", $"The client message id may be at most {MaxClientMessageIdLength} characters.");
        }
        var trimmed = body?.Trim() ?? "";
        if (trimmed.Length == 0 && !hasAttachment)
        {
            throw ChatException.Invalid("body", "The message is empty.");
        }
        if (trimmed.Length > MaxBodyLength)
        {
            throw ChatException.Invalid("body", $"The message is {trimmed.Length} characters long; the limit is {MaxBodyLength}.");
        }
        return (clientMessageId, trimmed);
    }

    public static string Preview(string body, string? attachmentName) =>
        body.Length == 0 ? $"📎 {attachmentName}"
        : body.Length <= PreviewLength ? body
        : string.Concat(body.AsSpan(0, PreviewLength - 1), "…");
}
