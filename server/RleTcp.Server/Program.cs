using RleTcp.Imaging.Sandbox;
using RleTcp.Server.Hosting;

// First: the decode sandbox starts this same executable as its worker processes (works for a single-file publish too).
if (DecodeWorkerHost.RunIfRequested(args) is int workerExit)
{
    return workerExit;
}

return await RleTcpServerApp.RunAsync(args);
