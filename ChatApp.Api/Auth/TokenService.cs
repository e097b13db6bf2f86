using System.Security.Claims;
using ChatApp.Api.Data.Entities;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace ChatApp.Api.Auth;

public class TokenService(IOptions<JwtOptions> options, SigningKeyProvider keys, TimeProvider time)
{
    private readonly JwtOptions _options = options.Value;
    private readonly JsonWebTokenHandler _handler = new();

    public (string Token, DateTimeOffset ExpiresAt) ForUser(User user) =>
        Create(
            [
                new Claim(ClaimNames.Subject, user.Id.ToString()),
                new Claim(ClaimNames.Name, user.DisplayName),
                new Claim(ClaimNames.Email, user.Email),
                new Claim(ClaimNames.Role, user.Role.ToString()),
                new Claim(ClaimNames.SecurityStamp, user.SecurityStamp.ToString("N")),
            ],
            _options.StaffTokenLifetime);

    public (string Token, DateTimeOffset ExpiresAt) ForVisitor(Visitor visitor) =>
        Create(
            [
                new Claim(ClaimNames.Subject, visitor.Id.ToString()),
                new Claim(ClaimNames.Name, visitor.Name ?? "Visitor"),
                new Claim(ClaimNames.Role, Roles.Visitor),
            ],
            _options.VisitorTokenLifetime);

    private (string, DateTimeOffset) Create(Claim[] claims, TimeSpan lifetime)
    {
        var now = time.GetUtcNow();
        var expires = now + lifetime;
        var token = _handler.CreateToken(new SecurityTokenDescriptor
        {
            Issuer = _options.Issuer,
            Audience = _options.Audience,
            Subject = new ClaimsIdentity(claims),
            IssuedAt = now.UtcDateTime,
            NotBefore = now.UtcDateTime,
            Expires = expires.UtcDateTime,
            SigningCredentials = new SigningCredentials(keys.Key, SecurityAlgorithms.HmacSha256),
        });
        return (token, expires);
    }
}
