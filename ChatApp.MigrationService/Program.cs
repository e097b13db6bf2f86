using ChatApp.Api.Data;
using ChatApp.MigrationService;
using Microsoft.EntityFrameworkCore;

var builder = Host.CreateApplicationBuilder(args);

builder.AddServiceDefaults();
builder.Services.Configure<AdminSeedOptions>(builder.Configuration.GetSection(AdminSeedOptions.Section));
builder.Services.AddDbContext<ChatDbContext>(options => options
    .UseNpgsql(builder.Configuration.GetConnectionString("chatdb")
        ?? throw new InvalidOperationException("No connection string 'chatdb'. Set ConnectionStrings__chatdb."))
    .UseSnakeCaseNamingConvention());
builder.Services.AddHostedService<MigrationWorker>();

var host = builder.Build();
await host.RunAsync();
return Environment.ExitCode;
