using Microsoft.Extensions.Configuration;
using ChatApp.AppHost;

var builder = DistributedApplication.CreateBuilder(args);

var adminEmail = builder.AddParameter(Resources.AdminEmail, "admin@chatapp.local");
var adminPassword = builder.AddParameter(Resources.AdminPassword, new GenerateParameterDefault { MinLength = 16, Special = false }, secret: true, persist: true);
var jwtSigningKey = builder.AddParameter(Resources.JwtSigningKey, new GenerateParameterDefault { MinLength = 48, Special = false }, secret: true, persist: true);

var chatdb = builder.AddChatPostgres(Resources.Postgres, Resources.ChatDb);
var redis = builder.AddChatRedis(Resources.Redis);

var migrations = builder.AddProject<Projects.ChatApp_MigrationService>(Resources.Migrations)
    .WithReference(chatdb).WaitFor(chatdb)
    .WithEnvironment("Admin__Email", adminEmail)
    .WithEnvironment("Admin__Password", adminPassword);

var api = builder.AddProject<Projects.ChatApp_Api>(Resources.Api)
    .WithReplicas(builder.Configuration.GetValue("Api:Replicas", 2))
    .WithReference(chatdb).WaitForCompletion(migrations)
    .WithReference(redis).WaitFor(redis)
    .WithEnvironment("Jwt__SigningKeys", jwtSigningKey)
    .WithoutOtlpExportRetry()
    .WithHttpHealthCheck("/health")
    .WithExternalHttpEndpoints();

builder.AddViteApp(Resources.Frontend, "../frontend")
    .WithEndpoint("http", endpoint => endpoint.Port = builder.Configuration.GetValue("Frontend:Port", 5173))
    .WithReference(api).WaitFor(api)
    .WithExternalHttpEndpoints();

builder.AddDockerComposeEnvironment("compose");
builder.AddConsoleSummary();
builder.Build().Run();
