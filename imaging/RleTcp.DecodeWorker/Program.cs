using RleTcp.Imaging.Sandbox;

// Everything lives in the imaging library, so the hosts' hidden worker mode runs exactly the same loop.
return DecodeWorkerHost.Run();
