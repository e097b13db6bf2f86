using ChatApp.Api.Data.Entities;
using ChatApp.Api.Services;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace ChatApp.Api.Data.Configurations;

public class VisitorConfiguration : IEntityTypeConfiguration<Visitor>
{
    public void Configure(EntityTypeBuilder<Visitor> builder)
    {
        builder.ToTable("visitors");
        builder.Property(v => v.Name).HasMaxLength(100);
        builder.Property(v => v.Email).HasMaxLength(320);
        builder.Property(v => v.Identifier).HasMaxLength(VisitorIdentity.MaxIdentifierLength);
        builder.HasIndex(v => v.Identifier).IsUnique();
    }
}
