// Every shim is a static inline function in CHermes.h (arena.c holds the one buffer
// and, in the shipped build, the allocator). SwiftPM wants a source file; this is one.
#include "CHermes.h"
