using RleTcp.Server.Hosting;

return await RleTcpServerApp.RunAsync(args);
