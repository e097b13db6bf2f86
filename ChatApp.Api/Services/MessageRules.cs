namespace ChatApp.Api.Services;

/// <summary>Limits on what a message may hold, shared by REST, the hub and the database schema.</summary>
public static class MessageRules
{
    public const int MaxBodyLength = 4000;
    public const int MaxClientMessageIdLength = 64;
    public const int PreviewLength = 140;

    /// <summary>Returns the trimmed client id and body (<see cref="TextRules"/>), or throws a <see cref="ChatException"/> saying what is wrong.</summary>
    public static (string ClientMessageId, string Body) Validate(string? clientMessageId, string? body, bool hasAttachment)
    {
        if (string.IsNullOrWhiteSpace(clientMessageId))
        {
            throw ChatException.Invalid("clientMessageId", "A client message id is required (a UUID chosen by the client).");
        }
        clientMessageId = TextRules.Check(clientMessageId, "clientMessageId", "client message id", MaxClientMessageIdLength);
        var trimmed = body is null ? "" : TextRules.Check(body, "body", "message", MaxBodyLength, multiline: true);
        if (trimmed.Length == 0 && !hasAttachment)
        {
            throw ChatException.Invalid("body", "The message is empty.");
        }
        return (clientMessageId, trimmed);
    }

    /// <summary>The inbox preview: the body, or the attachment's name, cut to <see cref="PreviewLength"/> (the column holds 200).</summary>
    public static string Preview(string body, string? attachmentName) =>
        TextRules.Shorten(body.Length == 0 ? $"📎 {attachmentName}" : body, PreviewLength);
}
