namespace ChatApp.Api.Services;

public enum ChatError
{
    Invalid,
    NotFound,
    Forbidden,
    Conflict,
    TooManyRequests,
    Unauthorized,
    TooLarge,
    UnsupportedType
}

/// <summary>
/// A refusal with a message meant for a person. REST turns it into a ProblemDetails
/// (<see cref="Errors.ProblemDetailsExceptionHandler"/>), the hub into a HubException (<see cref="Hubs.HubErrorFilter"/>).
/// </summary>
public class ChatException(ChatError error, string message, IDictionary<string, string[]>? fieldErrors = null)
    : Exception(message)
{
    public ChatError Error { get; } = error;
    public IDictionary<string, string[]>? FieldErrors { get; } = fieldErrors;

    public static ChatException Invalid(string field, string message) =>
        new(ChatError.Invalid, message, new Dictionary<string, string[]> { [field] = [message] });

    public static ChatException NotFound(string message) => new(ChatError.NotFound, message);
    public static ChatException Forbidden(string message) => new(ChatError.Forbidden, message);
    public static ChatException Conflict(string message) => new(ChatError.Conflict, message);
}
