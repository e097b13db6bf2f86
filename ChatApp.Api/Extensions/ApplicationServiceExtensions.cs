using System.Text.Json.Serialization;
using System.Threading.RateLimiting;
using ChatApp.Api.Apis;
using ChatApp.Api.Auth;
using ChatApp.Api.Data;
using ChatApp.Api.Errors;
using ChatApp.Api.Hubs;
using ChatApp.Api.Services;
using ChatApp.Api.Settings;
using ChatApp.Api.Uploads;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.SignalR;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace ChatApp.Api.Extensions;

public static class ApplicationServiceExtensions
{
    public static IHostApplicationBuilder AddApplicationServices(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        var configuration = builder.Configuration;

        builder.AddChatDbContext();
        builder.AddChatDataSource();
        services.AddHostedService<DatabaseWarmup>();

        services.AddSingleton(TimeProvider.System);
        services.AddScoped<ConversationService>();
        services.AddScoped<WidgetService>();
        services.AddScoped<UserService>();
        services.AddScoped<UploadService>();
        services.AddScoped<CannedResponseService>();
        services.AddScoped<AssignmentService>();
        services.AddScoped<PresenceService>();
        services.AddSingleton<ApiInstance>();
        services.AddHostedService<PresenceHeartbeat>();
        services.Configure<PresenceOptions>(configuration.GetSection(PresenceOptions.Section));
        services.AddScoped<RatingService>();
        services.AddScoped<TranscriptService>();
        services.AddScoped<WidgetSettingsService>();
        services.AddScoped<AvailabilityService>();
        services.AddScoped<IOperatorAvailability, PresenceOperatorAvailability>();
        services.AddMemoryCache();
        services.AddSingleton<IChatNotifier, HubChatNotifier>();
        services.AddSingleton<PreviewBroadcaster>();
        services.AddHostedService(sp => sp.GetRequiredService<PreviewBroadcaster>());
        services.AddSingleton<MessageWriter>();
        services.AddHostedService(sp => sp.GetRequiredService<MessageWriter>());
        services.Configure<MessageWriterOptions>(configuration.GetSection(MessageWriterOptions.Section));
        services.Configure<UploadOptions>(configuration.GetSection(UploadOptions.Section));
        services.Configure<ChatHubOptions>(configuration.GetSection(ChatHubOptions.Section));
        services.Configure<RateLimitOptions>(configuration.GetSection(RateLimitOptions.Section));

        services.AddChatAuthentication(configuration);
        services.AddChatRateLimiting();

        services.AddProblemDetails();
        services.AddExceptionHandler<ProblemDetailsExceptionHandler>();
        services.Configure<RouteHandlerOptions>(options => options.ThrowOnBadRequest = true);
        services.Configure<Microsoft.AspNetCore.Http.Json.JsonOptions>(options => options.SerializerOptions.Converters.Add(new JsonStringEnumConverter()));
        services.AddOpenApi();

        var hubOptions = configuration.GetSection(ChatHubOptions.Section).Get<ChatHubOptions>() ?? new ChatHubOptions();
        services.AddSignalR(options =>
            {
                options.MaximumReceiveMessageSize = hubOptions.MaximumReceiveMessageSize;
                options.MaximumParallelInvocationsPerClient = hubOptions.MaxParallelInvocationsPerClient;
                options.AddFilter<HubErrorFilter>();
            })
            .AddJsonProtocol(options => options.PayloadSerializerOptions.Converters.Add(new JsonStringEnumConverter()))
            .AddScaleOut(builder);
        return builder;
    }

    private static IServiceCollection AddChatRateLimiting(this IServiceCollection services)
    {
        services.AddRateLimiter(limiter =>
        {
            limiter.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            limiter.OnRejected = async (context, ct) =>
            {
                if (context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter))
                {
                    context.HttpContext.Response.Headers.RetryAfter = ((int)Math.Ceiling(retryAfter.TotalSeconds)).ToString();
                }
                var problems = context.HttpContext.RequestServices.GetRequiredService<IProblemDetailsService>();
                await problems.WriteAsync(new ProblemDetailsContext
                {
                    HttpContext = context.HttpContext,
                    ProblemDetails = new ProblemDetails
                    {
                        Status = StatusCodes.Status429TooManyRequests,
                        Title = "Too many requests.",
                        Detail = "You are doing this too often. Wait a minute and try again.",
                    },
                });
            };
            limiter.AddPolicy(AuthApi.LoginRateLimitPolicy, context => PerIpPerMinute(context, o => o.LoginPerIpPerMinute));
            limiter.AddPolicy(WidgetApi.StartRateLimitPolicy, context => PerIpPerMinute(context, o => o.WidgetStartsPerIpPerMinute));
            limiter.AddPolicy(UploadsApi.UploadRateLimitPolicy, context => PerIpPerMinute(context, o => o.UploadsPerIpPerMinute));
        });
        return services;
    }

    private static RateLimitPartition<string> PerIpPerMinute(HttpContext context, Func<RateLimitOptions, int> limit)
    {
        var options = context.RequestServices.GetRequiredService<IOptions<RateLimitOptions>>().Value;
        var ip = context.Connection.RemoteIpAddress?.ToString() ?? "unknown";
        return RateLimitPartition.GetFixedWindowLimiter(ip, _ => new FixedWindowRateLimiterOptions
        {
            PermitLimit = limit(options),
            Window = TimeSpan.FromMinutes(1),
            QueueLimit = 0,
        });
    }
}
