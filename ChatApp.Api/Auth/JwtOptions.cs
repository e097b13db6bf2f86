namespace ChatApp.Api.Auth;

public class JwtOptions
{
    public const string Section = "Jwt";

    public string Issuer { get; set; } = "chatapp";
    public string Audience { get; set; } = "chatapp";

    /// <summary>
    /// The key ring: one key per line, newest first, each <c>&lt;key id&gt; &lt;key&gt;</c> (or the key alone, whose id is
    /// then derived from it). The first key signs new tokens; every key verifies. Keys are HMAC-SHA256 keys of at least
    /// 32 bytes. In production it is the secret file <c>Jwt__SigningKeys</c>.
    /// </summary>
    public string? SigningKeys { get; set; }

    /// <summary>One key (<c>Jwt__SigningKey</c>): signs when <see cref="SigningKeys"/> is empty, else only verifies.</summary>
    public string? SigningKey { get; set; }

    public TimeSpan StaffTokenLifetime { get; set; } = TimeSpan.FromHours(12);

    /// <summary>Visitor tokens live long, like Chatwoot's widget token, so a returning visitor finds its history.</summary>
    public TimeSpan VisitorTokenLifetime { get; set; } = TimeSpan.FromDays(180);
}
