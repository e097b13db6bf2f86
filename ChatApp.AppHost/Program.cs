using ChatApp.AppHost;
using ChatApp.AppHost.Dashboard;
using ChatApp.AppHost.Hosting;

var builder = AppHostBuilder.Create(args);

var adminEmail = builder.AddParameter(Resources.AdminEmail, defaultValue: "admin@chatapp.local");
var adminPassword = builder.AddParameter(Resources.AdminPassword, secret: true);
var jwtSigningKey = builder.AddParameter(Resources.JwtSigningKey, secret: true);

var chatdb = builder.AddPostgres(Resources.Postgres).WithDataDirectory().AddDatabase(Resources.ChatDb);

var migrations = builder.AddProject<Projects.ChatApp_MigrationService>(Resources.Migrations)
    .WithReference(chatdb).WaitFor(chatdb)
    .WithEnvironment("Admin__Email", adminEmail).WithEnvironment("Admin__Password", adminPassword);

var api = builder.AddProject<Projects.ChatApp_Api>(Resources.Api)
    .WithReference(chatdb).WaitForCompletion(migrations)
    .WithHttpHealthCheck("/health").WithExternalHttpEndpoints()
    .WithEnvironment("Jwt__SigningKey", jwtSigningKey).WithVolume("uploads", "/app/uploads");

builder.AddViteApp(Resources.Frontend, "../frontend")
    .WithReference(api).WaitFor(api).WithExternalHttpEndpoints();

builder.AddDashboard();
builder.Build().Run();
