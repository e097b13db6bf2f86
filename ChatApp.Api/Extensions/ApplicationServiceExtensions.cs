using System.Net;
using System.Text.Json.Serialization;
using System.Threading.RateLimiting;
using ChatApp.Api.Apis;
using ChatApp.Api.Audit;
using ChatApp.Api.Auth;
using ChatApp.Api.Data;
using ChatApp.Api.Errors;
using ChatApp.Api.Hubs;
using ChatApp.Api.Services;
using ChatApp.Api.Settings;
using ChatApp.Api.Uploads;
using ChatApp.Api.Webhooks;
using ChatApp.Api.Reports;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Protocol;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Diagnostics.HealthChecks;
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
        services.AddSingleton<WriteHealth>();
        services.AddHealthChecks().AddCheck<DatabaseHealth>("chatdb").AddCheck<WriteHealth>("writes");
        services.Configure<HealthCheckServiceOptions>(options =>
        {
            // /health answers within 2 s even when the database does not: a check that has not answered by then failed.
            foreach (var check in options.Registrations)
            {
                check.Timeout = TimeSpan.FromSeconds(1);
            }
        });
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
        services.AddSingleton<RateLimitWindows>();
        services.AddSingleton<IChatLimits, ChatLimits>();
        services.AddHostedService(sp => sp.GetRequiredService<PreviewBroadcaster>());
        services.AddSingleton<MessageWriter>();
        services.AddHostedService(sp => sp.GetRequiredService<MessageWriter>());
        services.Configure<MessageWriterOptions>(configuration.GetSection(MessageWriterOptions.Section));
        services.Configure<UploadOptions>(configuration.GetSection(UploadOptions.Section));
        services.Configure<ChatHubOptions>(configuration.GetSection(ChatHubOptions.Section));
        services.Configure<RateLimitOptions>(configuration.GetSection(RateLimitOptions.Section));

        services.AddHttpContextAccessor();
        services.AddScoped<AuditLog>();
        services.AddScoped<ReportService>();
        services.AddWebhooks(configuration);

        services.AddChatAuthentication(configuration);
        services.AddChatRateLimiting();

        services.AddChatForwardedHeaders();
        services.AddProblemDetails(options => options.CustomizeProblemDetails = ProblemDetailsDefaults.AddDetail);
        services.AddExceptionHandler<ProblemDetailsExceptionHandler>();
        services.Configure<RouteHandlerOptions>(options => options.ThrowOnBadRequest = true);
        services.Configure<Microsoft.AspNetCore.Http.Json.JsonOptions>(options => options.SerializerOptions.Converters.Add(new JsonStringEnumConverter(allowIntegerValues: false)));
        services.AddOpenApi();

        var hubOptions = configuration.GetSection(ChatHubOptions.Section).Get<ChatHubOptions>() ?? new ChatHubOptions();
        var signalR = services.AddSignalR(options =>
            {
                options.MaximumReceiveMessageSize = hubOptions.MaximumReceiveMessageSize;
                options.MaximumParallelInvocationsPerClient = hubOptions.MaxParallelInvocationsPerClient;
                // No detailed errors: SignalR passes a HubException's message on by itself, and HubErrorFilter turns
                // every error into one (ArgumentCheckingHubProtocol does for argument errors).
                options.AddFilter<HubErrorFilter>();
            })
            .AddJsonProtocol(options => options.PayloadSerializerOptions.Converters.Add(new JsonStringEnumConverter(allowIntegerValues: false)))
            .AddScaleOut(builder);
        services.RemoveAll<IHubProtocol>();
        services.AddSingleton<IHubProtocol, ArgumentCheckingHubProtocol>();
        // For clients that ask for it: smaller frames and less CPU per message than JSON. Browsers keep JSON.
        signalR.AddMessagePackProtocol();
        return builder;
    }

    private static IServiceCollection AddWebhooks(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<WebhookOptions>()
            .Bind(configuration.GetSection(WebhookOptions.Section))
            .Validate(o => o.Lease > o.Timeout, "Webhooks:Lease must be longer than Webhooks:Timeout, or two instances could send the same delivery at once.")
            .Validate(o => o.Timeout > TimeSpan.Zero && o.PollInterval > TimeSpan.Zero && o.FirstRetryDelay > TimeSpan.Zero && o.MaxConcurrency > 0,
                "Webhooks:Timeout, PollInterval, FirstRetryDelay and MaxConcurrency must be positive.")
            .ValidateOnStart();
        services.AddScoped<WebhookService>();
        services.AddSingleton<WebhookSignal>();
        services.AddSingleton<WebhookSender>();
        services.AddHostedService<WebhookDeliveryWorker>();
        return services;
    }

    private static IServiceCollection AddChatRateLimiting(this IServiceCollection services)
    {
        services.AddRateLimiter(limiter =>
        {
            limiter.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            limiter.OnRejected = async (context, ct) =>
            {
                var retryAfter = context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? wait : TimeSpan.FromMinutes(1);
                context.HttpContext.Response.Headers.RetryAfter = ChatException.Seconds(retryAfter).ToString();
                var problems = context.HttpContext.RequestServices.GetRequiredService<IProblemDetailsService>();
                await problems.WriteAsync(new ProblemDetailsContext
                {
                    HttpContext = context.HttpContext,
                    ProblemDetails = new ProblemDetails
                    {
                        Status = StatusCodes.Status429TooManyRequests,
                        Title = "Too many requests.",
                        Detail = $"You are doing this too often. Try again in {context.HttpContext.Response.Headers.RetryAfter} seconds.",
                    },
                });
            };
            limiter.AddPolicy(AuthApi.LoginRateLimitPolicy, context => PerIpPerMinute(context, AuthApi.LoginRateLimitPolicy, o => o.LoginPerIpPerMinute));
            limiter.AddPolicy(WidgetApi.StartRateLimitPolicy, context => PerIpPerMinute(context, WidgetApi.StartRateLimitPolicy, o => o.WidgetStartsPerIpPerMinute));
            limiter.AddPolicy(UploadsApi.UploadRateLimitPolicy, context => PerIpPerMinute(context, UploadsApi.UploadRateLimitPolicy, o => o.UploadsPerIpPerMinute));
        });
        return services;
    }

    /// <summary>
    /// Forwarded headers (<c>X-Forwarded-For</c>, <c>X-Forwarded-Proto</c>) are honoured only from the proxies in
    /// <c>ForwardedHeaders:KnownProxies</c> (addresses) and <c>ForwardedHeaders:KnownNetworks</c> (CIDR ranges); with
    /// neither set, they are ignored, so nobody can pick the address the per-IP limits see.
    /// </summary>
    private static IServiceCollection AddChatForwardedHeaders(this IServiceCollection services)
    {
        services.AddOptions<ForwardedHeadersOptions>().Configure<IConfiguration>((options, configuration) =>
        {
            var proxies = ListSetting(configuration, "ForwardedHeaders:KnownProxies");
            var networks = ListSetting(configuration, "ForwardedHeaders:KnownNetworks");
            // With both lists empty the middleware would trust every peer: then it reads no header at all.
            options.ForwardedHeaders = proxies.Length + networks.Length == 0 ? ForwardedHeaders.None
                : ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto;
            options.KnownProxies.Clear();
            options.KnownIPNetworks.Clear();
#pragma warning disable ASPDEPR005 // the old list still holds the loopback default, and the middleware reads it too
            options.KnownNetworks.Clear();
#pragma warning restore ASPDEPR005
            foreach (var proxy in proxies)
            {
                options.KnownProxies.Add(IPAddress.Parse(proxy));
            }
            foreach (var network in networks)
            {
                options.KnownIPNetworks.Add(System.Net.IPNetwork.Parse(network));
            }
        });
        return services;
    }

    /// <summary>A list from configuration: indexed entries (<c>Key__0</c>, <c>Key__1</c>) or one comma-separated value.</summary>
    private static string[] ListSetting(IConfiguration configuration, string key)
    {
        var section = configuration.GetSection(key);
        var values = string.IsNullOrEmpty(section.Value) ? section.GetChildren().Select(c => c.Value ?? "") : [section.Value];
        return [.. values.SelectMany(v => v.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))];
    }

    /// <summary>Requests per client address (after trusted forwarded headers) per minute, across every API instance.</summary>
    private static RateLimitPartition<string> PerIpPerMinute(HttpContext context, string policy, Func<RateLimitOptions, int> limit)
    {
        var options = context.RequestServices.GetRequiredService<IOptions<RateLimitOptions>>().Value;
        var ip = context.Connection.RemoteIpAddress?.ToString() ?? "unknown";
        return context.RequestServices.GetRequiredService<RateLimitWindows>().Partition($"{policy}:{ip}", limit(options), TimeSpan.FromMinutes(1));
    }
}
