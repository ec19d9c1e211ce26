// CHermes is header-only: every shim is a static inline function in CHermes.h
// (arena.c holds the shipped build's allocator). SwiftPM wants a source file; this is one.
#include "CHermes.h"
