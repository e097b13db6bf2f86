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
    UnsupportedType,
    /// <summary>The server cannot do it right now (database unreachable, disk full); retrying later can help.</summary>
    Unavailable
}

/// <summary>
/// A refusal with a message meant for a person. REST turns it into a ProblemDetails
/// (<see cref="Errors.ProblemDetailsExceptionHandler"/>), the hub into a HubException (<see cref="Hubs.HubErrorFilter"/>).
/// </summary>
public class ChatException(ChatError error, string message, IDictionary<string, string[]>? fieldErrors = null, Exception? inner = null)
    : Exception(message, inner)
{
    public ChatError Error { get; } = error;
    public IDictionary<string, string[]>? FieldErrors { get; } = fieldErrors;

    /// <summary>How long to wait before trying again (<c>Retry-After</c> on HTTP; the message says it too).</summary>
    public TimeSpan? RetryAfter { get; init; }

    public static ChatException Invalid(string field, string message) =>
        new(ChatError.Invalid, message, new Dictionary<string, string[]> { [field] = [message] });

    public static ChatException NotFound(string message) => new(ChatError.NotFound, message);
    public static ChatException Forbidden(string message) => new(ChatError.Forbidden, message);
    public static ChatException Conflict(string message) => new(ChatError.Conflict, message);

    /// <summary>A limit was hit; <paramref name="message"/> says what, this adds when to try again.</summary>
    public static ChatException TooManyRequests(string message, TimeSpan retryAfter) =>
        new(ChatError.TooManyRequests, $"{message} Try again in {InSeconds(retryAfter)}.") { RetryAfter = RoundUp(retryAfter) };

    public static ChatException Unavailable(string message, TimeSpan retryAfter, Exception? cause = null) =>
        new(ChatError.Unavailable, $"{message} Try again in {InSeconds(retryAfter)}.", inner: cause) { RetryAfter = RoundUp(retryAfter) };

    /// <summary>Whole seconds, at least one: what Retry-After carries and what people read.</summary>
    public static int Seconds(TimeSpan wait) => Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds));

    private static string InSeconds(TimeSpan wait) => Seconds(wait) == 1 ? "1 second" : $"{Seconds(wait)} seconds";

    private static TimeSpan RoundUp(TimeSpan wait) => TimeSpan.FromSeconds(Seconds(wait));
}
