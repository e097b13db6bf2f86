using ChatApp.Api.Data;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;

namespace ChatApp.Api.Auth;

public static class AuthenticationSetup
{
    public static IServiceCollection AddChatAuthentication(this IServiceCollection services, IConfiguration configuration)
    {
        services.Configure<JwtOptions>(configuration.GetSection(JwtOptions.Section));
        services.AddSingleton<SigningKeyProvider>();
        services.AddSingleton<TokenService>();
        services.AddSingleton<LoginThrottle>();

        services.AddAuthentication(JwtBearerDefaults.AuthenticationScheme).AddJwtBearer();
        services.AddOptions<JwtBearerOptions>(JwtBearerDefaults.AuthenticationScheme)
            .Configure<IOptions<JwtOptions>, SigningKeyProvider>((bearer, jwt, keys) =>
            {
                bearer.MapInboundClaims = false;
                bearer.TokenValidationParameters = new TokenValidationParameters
                {
                    ValidIssuer = jwt.Value.Issuer,
                    ValidAudience = jwt.Value.Audience,
                    IssuerSigningKeys = keys.VerificationKeys,
                    NameClaimType = ClaimNames.Name,
                    RoleClaimType = ClaimNames.Role,
                    ClockSkew = TimeSpan.FromSeconds(5),
                };
                bearer.Events = new JwtBearerEvents
                {
                    // Browsers cannot set headers on WebSockets: SignalR sends the token in the query string.
                    OnMessageReceived = context =>
                    {
                        var token = context.Request.Query["access_token"];
                        if (!string.IsNullOrEmpty(token) && context.HttpContext.Request.Path.StartsWithSegments("/hubs"))
                        {
                            context.Token = token;
                        }
                        return Task.CompletedTask;
                    },
                    // A deactivated user's token stops working at once, not when it expires; so does one whose
                    // role changed, which would otherwise keep its old rights until it expires, and every token issued
                    // before a password change (the security stamp changed with it).
                    OnTokenValidated = async context =>
                    {
                        var principal = context.Principal!;
                        if (principal.IsInRole(Roles.Visitor))
                        {
                            return;
                        }
                        var id = principal.FindFirst(ClaimNames.Subject)?.Value;
                        var db = context.HttpContext.RequestServices.GetRequiredService<ChatDbContext>();
                        var user = Guid.TryParse(id, out var userId)
                            ? await db.Users.AsNoTracking().Where(u => u.Id == userId)
                                .Select(u => new { u.IsActive, u.Role, u.SecurityStamp }).FirstOrDefaultAsync(context.HttpContext.RequestAborted)
                            : null;
                        if (user is null || !user.IsActive)
                        {
                            context.Fail(new SecurityTokenException("This account is deactivated; ask an admin to restore it."));
                        }
                        else if (!principal.IsInRole(user.Role.ToString()))
                        {
                            context.Fail(new SecurityTokenException("Your role has changed; sign in again."));
                        }
                        else if (principal.FindFirst(ClaimNames.SecurityStamp)?.Value != user.SecurityStamp.ToString("N"))
                        {
                            context.Fail(new SecurityTokenException("Your password was changed; sign in again with the new one."));
                        }
                    },
                    OnChallenge = async context =>
                    {
                        context.HandleResponse();
                        var detail = context.AuthenticateFailure switch
                        {
                            null => "Sign in to do this: send a bearer token.",
                            SecurityTokenExpiredException => "Your session has expired; sign in again.",
                            SecurityTokenException { Message: var message } when message.Contains("deactivated") || message.Contains("role") || message.Contains("password") => message,
                            _ => "The access token is not valid; sign in again.",
                        };
                        await WriteProblemAsync(context.HttpContext, StatusCodes.Status401Unauthorized, "Not signed in.", detail);
                    },
                    OnForbidden = context => WriteProblemAsync(context.HttpContext, StatusCodes.Status403Forbidden,
                        "You are not allowed to do this.", "Your role does not allow this action."),
                };
            });

        services.AddAuthorizationBuilder()
            .AddPolicy(Policies.Staff, p => p.RequireRole(Roles.Admin, Roles.Operator))
            .AddPolicy(Policies.Admin, p => p.RequireRole(Roles.Admin))
            .AddPolicy(Policies.Visitor, p => p.RequireRole(Roles.Visitor))
            .AddPolicy(Policies.Participant, p => p.RequireRole(Roles.Admin, Roles.Operator, Roles.Visitor));
        return services;
    }

    private static async Task WriteProblemAsync(HttpContext context, int status, string title, string detail)
    {
        context.Response.StatusCode = status;
        await context.RequestServices.GetRequiredService<IProblemDetailsService>().WriteAsync(new ProblemDetailsContext
        {
            HttpContext = context,
            ProblemDetails = { Status = status, Title = title, Detail = detail },
        });
    }
}
