// CHermes is header-only: every shim is a static inline function in CHermes.h.
// SwiftPM wants one source file in a C target; this is it.
#include "CHermes.h"
