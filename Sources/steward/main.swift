// The `steward` executable: everything lives in StewardCLI so that it can be tested.
//
// Synchronous on purpose (no top-level `await`): `run CONFIG` and `exec` must install steward's
// executor before the first task exists, so that they never start a libdispatch thread and idle
// without a single wake-up (StewardExecutor). Every other command runs on the default executor.
import Dispatch
import StewardCLI
import StewardCore
#if canImport(Glibc)
import Glibc
#endif

let arguments = Array(CommandLine.arguments.dropFirst())
// Queued log lines get a bounded chance to be written at exit (the output queue's atexit flush):
// a stdout nobody reads never keeps steward from exiting.
if StewardMain.runsOnStewardExecutor(arguments) {
    StewardExecutor.run { exit(await StewardMain.run(arguments)) }
}
Task.detached { exit(await StewardMain.run(arguments)) }
dispatchMain()
