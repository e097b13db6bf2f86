using System.Security.Cryptography;
using StackExchange.Redis;

namespace ChatApp.Tests.Infrastructure;

/// <summary>A throwaway Redis started by <c>ChatApp.AppHost/redis-server.sh</c> (the script of the AppHost's <c>redis</c> resource).</summary>
public sealed class TestRedis : IAsyncDisposable
{
    private ServerProcess? _server;

    private TestRedis(int port, string password)
    {
        Port = port;
        Password = password;
    }

    public int Port { get; }

    public string Password { get; }

    /// <summary>The StackExchange.Redis connection string, as the AppHost gives it (<c>ConnectionStrings__redis</c>).</summary>
    public string ConnectionString => $"127.0.0.1:{Port},password={Password}";

    public static async Task<TestRedis> StartAsync()
    {
        var redis = new TestRedis(LoopbackPorts.PickFree(), RandomNumberGenerator.GetHexString(24, lowercase: true));
        await redis.StartServerAsync();
        return redis;
    }

    /// <summary>Stops the server (its clients see it go away), as an outage would.</summary>
    public void Stop() => _server?.Stop();

    /// <summary>Starts the server again on the same port and password.</summary>
    public Task StartAgainAsync() => StartServerAsync();

    private async Task StartServerAsync()
    {
        _server = ServerProcess.Start("redis-server.sh", new Dictionary<string, string>
        {
            ["PORT"] = Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["REDIS_PASSWORD"] = Password,
        });
        await _server.WaitUntilReadyAsync(async () =>
        {
            await using var connection = await ConnectionMultiplexer.ConnectAsync(ConnectionString + ",abortConnect=true,connectTimeout=2000");
            await connection.GetDatabase().PingAsync();
        }, TimeSpan.FromSeconds(30));
    }

    public ValueTask DisposeAsync()
    {
        Stop();
        return ValueTask.CompletedTask;
    }
}
