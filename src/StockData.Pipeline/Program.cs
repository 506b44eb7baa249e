using StockData.Pipeline.Cli;

return await StockDataCli.InvokeAsync(args);
