// The `steward` executable: everything lives in StewardCLI so that it can be tested.
import StewardCLI
import StewardCore
#if canImport(Glibc)
import Glibc
#endif

let code = await StewardMain.run(Array(CommandLine.arguments.dropFirst()))
// Queued log lines get a bounded chance to be written; a stdout nobody reads never keeps steward
// from exiting.
OutputQueue.flushStandard()
exit(code)
