using StockData.YahooSim.Hosting;

return await SimulatorHost.RunAsync(args);
