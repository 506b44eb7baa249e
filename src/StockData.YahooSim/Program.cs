// The Yahoo-compatible simulator. Placeholder host until the Yahoo issue lands its endpoints.
var builder = WebApplication.CreateSlimBuilder(args);
var app = builder.Build();
app.MapGet("/healthz", () => Results.Text("ok"));
app.Run();
