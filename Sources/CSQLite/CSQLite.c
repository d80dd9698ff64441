// The target's code is the header's inline wrappers; this file gives SwiftPM a C target to build
// and link against the system's libsqlite3.
#include "CSQLite.h"
