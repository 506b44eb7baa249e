# syntax=docker/dockerfile:1
# Two images from one file: `--target worker` (the stockdata executable: `run`, `migrate`, `replay`, …) and
# `--target yahoosim` (the Yahoo-compatible simulator). docker-compose.yml builds both.
# Both run as the non-root `app` user that the .NET images ship (APP_UID, 1654).

# 10.0: the .NET 10 line, so rebuilding picks up its patch (security) releases; global.json rolls forward within 10.0.
ARG DOTNET_VERSION=10.0

FROM mcr.microsoft.com/dotnet/sdk:${DOTNET_VERSION} AS build
WORKDIR /src
# The whole tree (less .dockerignore) rather than csproj-first layering: a project added later cannot be forgotten
# here, and the NuGet cache mount below keeps restores fast anyway.
COPY . .
RUN --mount=type=cache,id=nuget,target=/root/.nuget/packages \
    dotnet restore src/StockData.Pipeline/StockData.Pipeline.csproj \
 && dotnet restore src/StockData.YahooSim/StockData.YahooSim.csproj

FROM build AS publish-worker
RUN --mount=type=cache,id=nuget,target=/root/.nuget/packages \
    dotnet publish src/StockData.Pipeline/StockData.Pipeline.csproj -c Release --no-restore -p:UseAppHost=false -o /out

FROM build AS publish-yahoosim
RUN --mount=type=cache,id=nuget,target=/root/.nuget/packages \
    dotnet publish src/StockData.YahooSim/StockData.YahooSim.csproj -c Release --no-restore -p:UseAppHost=false -o /out

FROM mcr.microsoft.com/dotnet/aspnet:${DOTNET_VERSION} AS yahoosim
WORKDIR /app
COPY --from=publish-yahoosim /out .
USER $APP_UID
EXPOSE 8080
ENTRYPOINT ["dotnet", "StockData.YahooSim.dll"]
CMD ["--urls", "http://0.0.0.0:8080"]

# Last stage: a plain `docker build .` gives the worker.
FROM mcr.microsoft.com/dotnet/aspnet:${DOTNET_VERSION} AS worker
WORKDIR /app
COPY --from=publish-worker /out .
# The bundled demo list, for `stockdata symbols import /app/samples/tickers-500.txt` (the compose stack's seed step).
COPY samples/ samples/
USER $APP_UID
# A fixed generation-0 budget (16 MiB, what the GC picks by itself on a 32 MiB L3). Left to itself the GC sizes it
# from the CPU's cache, and a worker streaming /bars grows by about that budget: 23 MB on a 32 MiB L3, 66 MB with a
# 260 MiB one (docs/performance.md, Memory on large-cache CPUs). The runtime reads this from the environment only.
ENV DOTNET_GCgen0size=0x1000000
# The worker's HTTP surface: /metrics, /healthz, /readyz, the jobs and bars API (StockData__Http__Url).
EXPOSE 9464
ENTRYPOINT ["dotnet", "stockdata.dll"]
CMD ["run"]
