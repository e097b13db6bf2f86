using System.Text;
using ChatApp.Api.Uploads;

namespace ChatApp.Tests.Unit;

public class FileTypeDetectorTests
{
    [Theory]
    [InlineData(new byte[] { 0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0 }, "x.bin", "image/png")]
    [InlineData(new byte[] { 0xFF, 0xD8, 0xFF, 0xE0, 0 }, "photo.png", "image/jpeg")]
    [InlineData(new byte[] { (byte)'G', (byte)'I', (byte)'F', (byte)'8', (byte)'9', (byte)'a' }, "a.gif", "image/gif")]
    [InlineData(new byte[] { (byte)'%', (byte)'P', (byte)'D', (byte)'F', (byte)'-', (byte)'1' }, "doc", "application/pdf")]
    public void Detect_KnowsAllowedTypesByContentWhateverTheName(byte[] header, string name, string expected) =>
        Assert.Equal(expected, FileTypeDetector.Detect(header, name)?.ContentType);

    [Fact]
    public void Detect_WebP()
    {
        var header = "RIFF\0\0\0\0WEBPVP8 "u8.ToArray();
        Assert.Equal("image/webp", FileTypeDetector.Detect(header, "x.webp")?.ContentType);
    }

    [Theory]
    [InlineData("MZ\u0090\u0000", "setup.png")]
    [InlineData("\u007fELF\u0002", "a.txt")]
    [InlineData("PK\u0003\u0004", "archive.pdf")]
    public void Detect_RefusesOtherTypesWhateverTheName(string header, string name) =>
        Assert.Null(FileTypeDetector.Detect(Encoding.Latin1.GetBytes(header), name));

    [Fact]
    public void Detect_PlainTextOnlyWithTxtNameAndNoControlCharacters()
    {
        var text = "Order #123: hello, wörld\r\n"u8.ToArray();
        Assert.Equal("text/plain", FileTypeDetector.Detect(text, "notes.txt")?.ContentType);
        Assert.Null(FileTypeDetector.Detect(text, "notes.html"));
        Assert.Null(FileTypeDetector.Detect([0x41, 0x00, 0x42], "notes.txt"));
        Assert.Null(FileTypeDetector.Detect([0xC3, 0x28], "bad-utf8.txt"));
    }
}
