using System.Text.Json;
using System.Text.RegularExpressions;
using StockData.TestSupport;
using StockData.TestSupport.Observability;

namespace StockData.UnitTests.Dashboards;

/// <summary>
/// docker-compose.yml cannot run here (no Docker engine), so what ties it to the rest is checked structurally: the
/// scrape port is the worker's metrics port, the Grafana datasource UID is the dashboard's, every mounted path exists,
/// every build target is a Dockerfile stage, images are pinned, and every ${VAR} is in .env.example.
/// </summary>
public sealed partial class ComposeStackTests
{
    private static readonly string Root = RepoPaths.Root;
    private static readonly Dictionary<string, object?> Compose = YamlTree.Map(YamlTree.Load(Path.Combine(Root, "docker-compose.yml")));
    private static readonly Dictionary<string, object?> Services = YamlTree.Map(Compose, "services");
    private static readonly Dictionary<string, object?> PrometheusConfig =
        YamlTree.Map(YamlTree.Load(Path.Combine(Root, "dashboards", "prometheus", "prometheus.yml")));
    private static readonly Dictionary<string, object?> GrafanaDatasource = YamlTree.List(
        YamlTree.Map(YamlTree.Load(Path.Combine(Root, "dashboards", "grafana", "provisioning", "datasources", "prometheus.yml"))),
        "datasources").Cast<Dictionary<string, object?>>().Single();

    [Fact]
    public void Services_TheWholeStack_Present()
    {
        Assert.Superset(
            new HashSet<string> { "postgres", "redis", "yahoosim", "migrate", "worker", "prometheus", "grafana" },
            Services.Keys.ToHashSet());
    }

    [Fact]
    public void Worker_Deploy_ThreeReplicasRunningTheRunVerb()
    {
        var worker = YamlTree.Map(Services, "worker");

        Assert.Equal("3", YamlTree.Scalar(YamlTree.Map(worker, "deploy"), "replicas"));
        Assert.Equal(["run"], YamlTree.List(worker, "command"));
    }

    [Fact]
    public void Prometheus_DnsDiscovery_FindsTheWorkerServiceOnItsMetricsPort()
    {
        var worker = YamlTree.Map(Services, "worker");
        var url = new Uri(YamlTree.Scalar(YamlTree.Map(worker, "environment"), "StockData__Http__Url")!);
        var job = ScrapeJob("stockdata");
        var dns = YamlTree.List(job, "dns_sd_configs").Cast<Dictionary<string, object?>>().Single();

        Assert.Equal("0.0.0.0", url.Host); // loopback inside a container is unreachable from the Prometheus container
        Assert.Equal("A", YamlTree.Scalar(dns, "type"));
        Assert.Equal(["worker"], YamlTree.List(dns, "names"));
        Assert.Equal(url.Port.ToString(System.Globalization.CultureInfo.InvariantCulture), YamlTree.Scalar(dns, "port"));
        Assert.Contains(url.Port.ToString(System.Globalization.CultureInfo.InvariantCulture), YamlTree.List(worker, "expose"));
    }

    [Fact]
    public void AlertRules_JobLabels_AreScrapeJobsOfTheConfig()
    {
        var jobs = YamlTree.List(PrometheusConfig, "scrape_configs").Cast<Dictionary<string, object?>>()
            .Select(j => YamlTree.Scalar(j, "job_name")).ToHashSet();
        var referenced = AlertRules.Load().SelectMany(r => JobMatcher().Matches(r.Expression).Select(m => m.Groups[1].Value)).ToList();

        Assert.NotEmpty(referenced);
        Assert.All(referenced, job => Assert.Contains(job, jobs));
    }

    [Fact]
    public void Prometheus_ConfigAndRules_MountedWhereTheCommandLooks()
    {
        var prometheus = YamlTree.Map(Services, "prometheus");
        var configFlag = YamlTree.List(prometheus, "command").Cast<string>()
            .Single(a => a.StartsWith("--config.file=", StringComparison.Ordinal));
        var configInContainer = configFlag["--config.file=".Length..];

        var configOnHost = HostPathOf(prometheus, configInContainer);

        Assert.Equal(Path.Combine(Root, "dashboards", "prometheus", "prometheus.yml"), configOnHost);
        Assert.All(YamlTree.List(PrometheusConfig, "rule_files").Cast<string>(),
            rules => Assert.True(File.Exists(Path.Combine(Path.GetDirectoryName(configOnHost)!, rules)), $"rule file {rules} missing"));
    }

    [Fact]
    public void Grafana_DatasourceUid_IsTheOneEveryDashboardReferenceUses()
    {
        var uid = YamlTree.Scalar(GrafanaDatasource, "uid");
        using var dashboard = JsonDocument.Parse(File.ReadAllText(DashboardQueries.DashboardFile));

        var references = DatasourceReferences(dashboard.RootElement).ToList();

        Assert.False(string.IsNullOrEmpty(uid));
        Assert.True(references.Count > 40, $"only {references.Count} datasource references");
        Assert.All(references, reference => Assert.Equal(uid, reference));
    }

    [Fact]
    public void Grafana_DatasourceUrl_IsThePrometheusService()
    {
        var url = new Uri(YamlTree.Scalar(GrafanaDatasource, "url")!);
        var prometheus = YamlTree.Map(Services, "prometheus");

        Assert.Equal("prometheus", url.Host);
        Assert.Contains(YamlTree.List(prometheus, "ports").Cast<string>(), p => p.EndsWith($":{url.Port}", StringComparison.Ordinal));
        Assert.DoesNotContain(YamlTree.List(prometheus, "command").Cast<string>(),
            a => a.StartsWith("--web.listen-address", StringComparison.Ordinal)); // so it listens on the default 9090
    }

    [Fact]
    public void Grafana_TimeInterval_EqualsTheScrapeInterval()
    {
        // $__rate_interval is derived from it: shorter than the real scrape interval, rate() panels go blank.
        Assert.Equal(
            YamlTree.Scalar(YamlTree.Map(PrometheusConfig, "global"), "scrape_interval"),
            YamlTree.Scalar(YamlTree.Map(GrafanaDatasource, "jsonData"), "timeInterval"));
    }

    [Fact]
    public void Grafana_DashboardProvider_ReadsTheFolderTheDashboardIsMountedIn()
    {
        var grafana = YamlTree.Map(Services, "grafana");
        var provider = YamlTree.List(
                YamlTree.Map(YamlTree.Load(Path.Combine(Root, "dashboards", "grafana", "provisioning", "dashboards", "stockdata.yml"))),
                "providers").Cast<Dictionary<string, object?>>().Single();
        var folder = YamlTree.Scalar(YamlTree.Map(provider, "options"), "path")!;

        Assert.Equal(DashboardQueries.DashboardFile, HostPathOf(grafana, folder + "/stockdata-pipeline.json"));
        Assert.Equal(Path.Combine(Root, "dashboards", "grafana", "provisioning"), HostPathOf(grafana, "/etc/grafana/provisioning"));
        Assert.Equal(folder + "/stockdata-pipeline.json",
            YamlTree.Scalar(YamlTree.Map(grafana, "environment"), "GF_DASHBOARDS_DEFAULT_HOME_DASHBOARD_PATH"));
    }

    [Fact]
    public void Mounts_EveryBindSource_ExistsInTheRepository()
    {
        var binds = Services.Values.Cast<Dictionary<string, object?>>()
            .SelectMany(s => YamlTree.List(s, "volumes").Cast<string>())
            .Where(v => v.StartsWith("./", StringComparison.Ordinal))
            .Select(v => v.Split(':')[0]).ToList();

        Assert.Equal(3, binds.Count);
        Assert.All(binds, source => Assert.True(Path.Exists(Path.Combine(Root, source)), $"{source} is mounted but not in the repository"));
    }

    [Fact]
    public void Worker_ConnectionsAndUpstream_PointAtComposeServices()
    {
        var env = YamlTree.Map(YamlTree.Map(Services, "worker"), "environment");
        var simulator = YamlTree.List(YamlTree.Map(Services, "yahoosim"), "command").Cast<string>().ToList();

        Assert.Contains("Host=postgres;Port=5432;", YamlTree.Scalar(env, "ConnectionStrings__Postgres"), StringComparison.Ordinal);
        Assert.Equal("redis:6379", YamlTree.Scalar(env, "ConnectionStrings__Redis"));
        Assert.Equal("http://0.0.0.0:8080", simulator[simulator.IndexOf("--urls") + 1]);
        // Both hosts: a fallback left at Yahoo's default would send the stack's retries to the real Yahoo.
        Assert.Equal("http://yahoosim:8080", YamlTree.Scalar(env, "StockData__Yahoo__BaseUrl"));
        Assert.Equal("http://yahoosim:8080", YamlTree.Scalar(env, "StockData__Yahoo__FallbackBaseUrl"));
        Assert.Equal("${STOCKDATA_API_KEY", YamlTree.Scalar(env, "StockData__Http__ApiKey")?.Split(':')[0]);
    }

    [Fact]
    public void Images_FromRegistries_PinnedWithAWhyComment()
    {
        var images = File.ReadLines(Path.Combine(Root, "docker-compose.yml"))
            .Select(line => ImageLine().Match(line))
            .Where(m => m.Success && !m.Groups["image"].Value.EndsWith(":local", StringComparison.Ordinal))
            .ToList();

        Assert.Equal(4, images.Count); // postgres, redis, prometheus, grafana
        Assert.All(images, m =>
        {
            var tag = m.Groups["image"].Value.Split(':').ElementAtOrDefault(1) ?? "";
            Assert.Matches(@"^v?\d+(\.\d+)+$", tag); // a release (PostgreSQL's 15.8 is one), never "latest" or a bare major
            Assert.True(m.Groups["why"].Value.Trim().Length > 10, $"{m.Value}: say why this tag");
        });
    }

    [Fact]
    public void Build_EveryTarget_IsADockerfileStageRunningAsNonRoot()
    {
        var dockerfile = File.ReadAllLines(Path.Combine(Root, "Dockerfile"));
        var targets = Services.Values.Cast<Dictionary<string, object?>>()
            .Where(s => s.ContainsKey("build")).Select(s => YamlTree.Scalar(YamlTree.Map(s, "build"), "target")!).Distinct().ToList();

        Assert.Equal(["worker", "yahoosim"], targets.Order(StringComparer.Ordinal));
        foreach (var target in targets)
        {
            var stage = Stage(dockerfile, target);
            Assert.Contains(stage, l => l.StartsWith("FROM mcr.microsoft.com/dotnet/aspnet:", StringComparison.Ordinal));
            Assert.Contains("USER $APP_UID", stage);
            Assert.DoesNotContain(stage, l => Regex.IsMatch(l, @"^USER\s+(root|0)\b"));
        }

        Assert.Contains(Stage(dockerfile, "worker"), l => l.Contains("\"stockdata.dll\"", StringComparison.Ordinal));
        Assert.Contains(dockerfile, l => l.StartsWith("FROM mcr.microsoft.com/dotnet/sdk:", StringComparison.Ordinal));
    }

    [Fact]
    public void Build_WorkerImage_HasTheGen0BudgetTheMemoryTestsMeasureWith()
    {
        // The memory tests fix the worker's generation-0 budget so a CPU's cache does not decide their verdict; the
        // image users run has the same budget, so what the tests measure is what the image does.
        var stage = Stage(File.ReadAllLines(Path.Combine(Root, "Dockerfile")), "worker");

        Assert.Contains($"ENV {ProcessMemory.Gen0BudgetVariable}={ProcessMemory.Gen0Budget}", stage);
    }

    [Fact]
    public void EnvExample_DefinesEveryInterpolatedVariable_AndEnvIsIgnored()
    {
        var compose = File.ReadAllText(Path.Combine(Root, "docker-compose.yml"));
        var used = Interpolation().Matches(compose).Select(m => m.Groups[1].Value).ToHashSet();
        var defined = File.ReadLines(Path.Combine(Root, ".env.example"))
            .Where(l => l.Length > 0 && !l.StartsWith('#')).Select(l => l.Split('=')[0]).ToHashSet();

        Assert.Contains("STOCKDATA_API_KEY", used);
        Assert.Subset(defined, used);
        Assert.Contains(".env", File.ReadAllLines(Path.Combine(Root, ".gitignore")));
        Assert.Contains(".env", File.ReadAllLines(Path.Combine(Root, ".dockerignore")));
    }

    private static Dictionary<string, object?> ScrapeJob(string name) =>
        YamlTree.List(PrometheusConfig, "scrape_configs").Cast<Dictionary<string, object?>>()
            .Single(j => YamlTree.Scalar(j, "job_name") == name);

    // The host path that a container path of the service comes from, through its bind mounts.
    private static string HostPathOf(Dictionary<string, object?> service, string containerPath)
    {
        foreach (var volume in YamlTree.List(service, "volumes").Cast<string>())
        {
            var parts = volume.Split(':');
            var (source, target) = (parts[0], parts[1]);
            if (source.StartsWith("./", StringComparison.Ordinal) &&
                (containerPath == target || containerPath.StartsWith(target + "/", StringComparison.Ordinal)))
            {
                return Path.GetFullPath(Path.Combine(Root, source, containerPath[target.Length..].TrimStart('/')).TrimEnd('/'));
            }
        }

        throw new InvalidOperationException($"{containerPath} is not under any bind mount of the service");
    }

    private static IEnumerable<string?> DatasourceReferences(JsonElement element)
    {
        if (element.ValueKind == JsonValueKind.Object)
        {
            foreach (var property in element.EnumerateObject())
            {
                if (property.Name == "datasource" && property.Value.ValueKind == JsonValueKind.Object &&
                    property.Value.GetProperty("type").GetString() != "grafana") // the built-in annotation source
                {
                    yield return property.Value.GetProperty("uid").GetString();
                }

                foreach (var inner in DatasourceReferences(property.Value))
                {
                    yield return inner;
                }
            }
        }
        else if (element.ValueKind == JsonValueKind.Array)
        {
            foreach (var item in element.EnumerateArray().SelectMany(DatasourceReferences))
            {
                yield return item;
            }
        }
    }

    private static List<string> Stage(string[] dockerfile, string name)
    {
        var start = Array.FindIndex(dockerfile, l => Regex.IsMatch(l, $@"^FROM\s+\S+\s+AS\s+{name}\s*$", RegexOptions.IgnoreCase));
        Assert.True(start >= 0, $"no stage '{name}' in the Dockerfile");
        return dockerfile.Skip(start).TakeWhile((l, i) => i == 0 || !l.StartsWith("FROM ", StringComparison.Ordinal)).ToList();
    }

    [GeneratedRegex(@"job\s*=~?\s*""([^""]+)""")]
    private static partial Regex JobMatcher();

    [GeneratedRegex(@"^\s*image:\s*(?<image>\S+)\s*(#(?<why>.*))?$")]
    private static partial Regex ImageLine();

    [GeneratedRegex(@"\$\{(\w+)")]
    private static partial Regex Interpolation();
}
