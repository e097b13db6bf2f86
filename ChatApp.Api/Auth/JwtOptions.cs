namespace ChatApp.Api.Auth;

public class JwtOptions
{
    public const string Section = "Jwt";

    public string Issuer { get; set; } = "chatapp";
    public string Audience { get; set; } = "chatapp";

    /// <summary>HMAC-SHA256 key, at least 32 bytes. Required outside Development (<c>Jwt__SigningKey</c>).</summary>
    public string? SigningKey { get; set; }

    public TimeSpan StaffTokenLifetime { get; set; } = TimeSpan.FromHours(12);

    /// <summary>Visitor tokens live long, like Chatwoot's widget token, so a returning visitor finds its history.</summary>
    public TimeSpan VisitorTokenLifetime { get; set; } = TimeSpan.FromDays(180);
}
