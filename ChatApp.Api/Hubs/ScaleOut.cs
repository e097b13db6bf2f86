using ChatApp.Api.Services;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.StackExchangeRedis;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using StackExchange.Redis;

namespace ChatApp.Api.Hubs;

/// <summary>
/// Several API instances as one: with <c>ConnectionStrings__redis</c> set (the AppHost's <c>redis</c> resource), hub
/// messages travel through SignalR's Redis backplane, so every instance delivers to its own connections, and
/// instance-wide events (a user's sessions ended) reach every instance. Without it, one instance works alone.
/// </summary>
public static class ScaleOut
{
    public const string ConnectionName = "redis";

    private static readonly RedisChannel SessionsEndedChannel = RedisChannel.Literal("chatapp:sessions-ended");

    public static bool IsConfigured(IConfiguration configuration) =>
        !string.IsNullOrWhiteSpace(configuration.GetConnectionString(ConnectionName));

    public static ISignalRServerBuilder AddScaleOut(this ISignalRServerBuilder signalR, IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddSingleton<StaffConnections>();
        services.AddSingleton<LocalConnections>();
        if (!IsConfigured(builder.Configuration))
        {
            services.AddSingleton<IStaffSessions>(sp => sp.GetRequiredService<StaffConnections>());
            return signalR;
        }

        var exported = builder.IsOtlpExporterConfigured();
        // Redis:Password (in production the secret file Redis__Password) wins over the connection string's.
        var password = builder.Configuration["Redis:Password"];
        builder.AddRedisClient(ConnectionName, settings =>
        {
            settings.DisableTracing |= !exported;
            settings.DisableHealthChecks = true;
        }, options =>
        {
            if (!string.IsNullOrEmpty(password))
            {
                options.Password = password;
            }
        });
        // Without Redis an instance still serves REST and stores messages; only other instances stop hearing it.
        services.AddHealthChecks().AddRedis(sp => sp.GetRequiredService<IConnectionMultiplexer>(), ConnectionName, HealthStatus.Degraded);

        signalR.AddStackExchangeRedis(options => options.Configuration.ChannelPrefix = RedisChannel.Literal("chatapp"));
        services.AddOptions<RedisOptions>().Configure<IConnectionMultiplexer>((options, redis) =>
            options.ConnectionFactory = _ => Task.FromResult(redis));

        services.AddSingleton<RedisStaffSessions>();
        services.AddSingleton<IStaffSessions>(sp => sp.GetRequiredService<RedisStaffSessions>());
        services.AddHostedService(sp => sp.GetRequiredService<RedisStaffSessions>());
        services.AddHostedService<ResyncAfterRedisOutage>();
        return signalR;
    }

    /// <summary>
    /// While Redis is away this instance neither hears nor reaches the others. When it returns, this instance's
    /// clients are asked to fetch what they missed (the same catch-up by message id as after a reconnect).
    /// </summary>
    private sealed class ResyncAfterRedisOutage(
        IConnectionMultiplexer redis, LocalConnections connections, IHubContext<ChatHub, IChatClient> hub, ILogger<ResyncAfterRedisOutage> logger)
        : IHostedService
    {
        private int _lost;

        public Task StartAsync(CancellationToken cancellationToken)
        {
            redis.ConnectionFailed += OnFailed;
            redis.ConnectionRestored += OnRestored;
            return Task.CompletedTask;
        }

        public Task StopAsync(CancellationToken cancellationToken)
        {
            redis.ConnectionFailed -= OnFailed;
            redis.ConnectionRestored -= OnRestored;
            return Task.CompletedTask;
        }

        private void OnFailed(object? sender, ConnectionFailedEventArgs e)
        {
            if (Interlocked.Exchange(ref _lost, 1) == 0)
            {
                logger.LogWarning(e.Exception, "Lost Redis ({FailureType}): other API instances do not hear this one until it returns", e.FailureType);
            }
        }

        private async void OnRestored(object? sender, ConnectionFailedEventArgs e)
        {
            if (Interlocked.Exchange(ref _lost, 0) == 0)
            {
                return;
            }
            var ids = connections.Snapshot();
            logger.LogInformation("Redis is back: asking this instance's {Count} connections to fetch what they missed", ids.Count);
            try
            {
                // One by one: the backplane writes to a connection of this instance directly, but sends a list
                // of connections through Redis.
                await Task.WhenAll(ids.Select(id => hub.Clients.Client(id).Resync()));
            }
            catch (Exception error)
            {
                logger.LogWarning(error, "Could not ask every connection to fetch what it missed; each will when it reconnects");
            }
        }
    }

    /// <summary>Ends a user's sessions on every instance: the request goes out on Redis, each instance closes its own.</summary>
    private sealed class RedisStaffSessions(IConnectionMultiplexer redis, StaffConnections local, ILogger<RedisStaffSessions> logger)
        : IStaffSessions, IHostedService
    {
        public void End(Guid userId)
        {
            local.End(userId);
            try
            {
                redis.GetSubscriber().Publish(SessionsEndedChannel, userId.ToString());
            }
            catch (RedisException e)
            {
                // Its tokens are refused from now on, so a connection on another instance cannot come back once it drops.
                logger.LogWarning(e, "Could not tell the other API instances to end the sessions of user {UserId}", userId);
            }
        }

        public async Task StartAsync(CancellationToken cancellationToken)
        {
            try
            {
                // The multiplexer keeps the subscription and renews it whenever it reconnects.
                await redis.GetSubscriber().SubscribeAsync(SessionsEndedChannel, (_, message) =>
                {
                    if (Guid.TryParse(message.ToString(), out var userId))
                    {
                        local.End(userId);
                    }
                });
            }
            catch (RedisException e)
            {
                logger.LogWarning(e, "Redis does not answer yet; this instance will hear other instances once it does");
            }
        }

        public Task StopAsync(CancellationToken cancellationToken) =>
            redis.GetSubscriber().UnsubscribeAsync(SessionsEndedChannel);
    }
}
