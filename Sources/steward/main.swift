// The `steward` executable: everything lives in StewardCLI so that it can be tested.
import StewardCLI
#if canImport(Glibc)
import Glibc
#endif

exit(await StewardMain.run(Array(CommandLine.arguments.dropFirst())))
