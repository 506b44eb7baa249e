using StockData.Yahoo.Session;

namespace StockData.UnitTests.Yahoo.Session;

public sealed class ConsentFormTests
{
    private static readonly Uri Page = new("https://guce.yahoo.com/consent?brandType=eu&sessionId=3_cc-session_x");

    [Fact]
    public void Parse_AbsoluteAction_HiddenValuesInAnyAttributeOrder()
    {
        const string html = """
            <html><body><form method="post" class="consent-form" action="https://consent.yahoo.com/v2/collectConsent?sessionId=3_cc-session_abc">
            <input type="hidden" name="csrfToken" value="tok&amp;en">
            <input value='3_cc-session_abc' type="hidden" name="sessionId">
            <button type="submit" name="agree" value="agree">Accept all</button></form></body></html>
            """;

        var form = ConsentForm.Parse(html, Page);

        Assert.NotNull(form);
        Assert.Equal("tok&en", form.CsrfToken);
        Assert.Equal("3_cc-session_abc", form.SessionId);
        Assert.Equal(new Uri("https://consent.yahoo.com/v2/collectConsent?sessionId=3_cc-session_abc"), form.Action);
    }

    [Fact]
    public void Parse_RelativeAction_ResolvedAgainstThePage()
    {
        const string html = """<form action="/v2/collectConsent?sessionId=s1"><input type="hidden" name="csrfToken" value="c"><input type="hidden" name="sessionId" value="s1"></form>""";

        var form = ConsentForm.Parse(html, new Uri("http://127.0.0.1:5080/consent?sessionId=s1"));

        Assert.Equal(new Uri("http://127.0.0.1:5080/v2/collectConsent?sessionId=s1"), form!.Action);
    }

    [Fact]
    public void Parse_NoAction_PostsToYahoosConsentHost()
    {
        const string html = """<input type="hidden" name="csrfToken" value="c"><input type="hidden" name="sessionId" value="s 1">""";

        var form = ConsentForm.Parse(html, Page);

        Assert.Equal("https://consent.yahoo.com/v2/collectConsent?sessionId=s%201", form!.Action.AbsoluteUri);
    }

    [Theory]
    [InlineData("<html><body>Will be right back</body></html>")]
    [InlineData("""<input type="hidden" name="csrfToken" value="c">""")]
    [InlineData("""<input type="hidden" name="sessionId" value="s"><input type="hidden" name="csrfToken" value="">""")]
    public void Parse_MissingHiddenValue_Null(string html)
    {
        Assert.Null(ConsentForm.Parse(html, Page));
    }

    [Fact]
    public async Task Answer_IsTheFormYfinanceSends()
    {
        var form = ConsentForm.Parse("""<input name="csrfToken" value="c1"><input name="sessionId" value="s1">""", Page)!;

        using var content = form.Answer();
        var body = await content.ReadAsStringAsync(TestContext.Current.CancellationToken);

        Assert.Equal("agree=agree&agree=agree&consentUUID=default&sessionId=s1&csrfToken=c1&originalDoneUrl=https%3A%2F%2Ffinance.yahoo.com%2F&namespace=yahoo", body);
    }
}
