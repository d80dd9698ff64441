// The `steward` executable: everything lives in StewardCLI so that it can be tested.
import StewardCLI
#if canImport(Glibc)
import Glibc
#endif

// Queued log lines get a bounded chance to be written at exit (the output queue's atexit flush):
// a stdout nobody reads never keeps steward from exiting.
exit(await StewardMain.run(Array(CommandLine.arguments.dropFirst())))
