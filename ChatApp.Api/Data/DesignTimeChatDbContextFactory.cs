using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace ChatApp.Api.Data;

/// <summary>Lets <c>dotnet ef migrations add</c> build the model without a running database or the web host.</summary>
public class DesignTimeChatDbContextFactory : IDesignTimeDbContextFactory<ChatDbContext>
{
    public ChatDbContext CreateDbContext(string[] args) => new(
        new DbContextOptionsBuilder<ChatDbContext>()
            .UseNpgsql("Host=localhost;Database=chatdb")
            .UseChatConventions()
            .Options);
}
