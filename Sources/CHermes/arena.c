// The shipped binaries' allocator (scripts/build-embedded.sh compiles this file with
// -DHERMES_ARENA; every other build leaves it empty and keeps the C library's).
//
// privdrop and hermes-init allocate a few hundred KB at most and then exec or exit, so
// a bump allocator over a zero-filled static arena is all they need: no heap set-up
// (musl's malloc starts with brk, brk, mmap, mmap), no bookkeeping, and pages are touched
// only as far as they are used. free gives back the newest block only; realloc grows
// the newest block in place; a request the arena cannot hold gets its own anonymous
// mapping, never unmapped. The PID-1
// supervisor allocates only while it starts and while it stops what is left, so nothing
// grows while it waits.
#ifdef HERMES_ARENA
#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>

#define ARENA_SIZE (256 * 1024)

// In a section of its own, which scripts/layout/hot.ld puts after all of .bss: the C
// library's variables then share the pages of ours instead of one past the arena.
static unsigned char arena[ARENA_SIZE] __attribute__((aligned(64), section(".bss.hermes_arena")));
// In .data, whose pages the start has touched already: a first read of a fresh .bss
// page maps the zero page and the write after it faults a second time.
static size_t arena_used __attribute__((section(".data")));
// The most the arena was ever used: past it, the arena is still zero.
static size_t arena_high __attribute__((section(".data")));

// Every block is preceded by its size, for realloc and malloc_usable_size.
typedef struct { size_t size, unused; } header;

static void *take(size_t align, size_t n) {
  if (align < 16) align = 16;
  if (align & (align - 1)) { errno = EINVAL; return NULL; }
  size_t start = (arena_used + sizeof(header) + align - 1) & ~(align - 1);
  if (n <= ARENA_SIZE && start <= ARENA_SIZE - n) {
    ((header *)(arena + start))[-1].size = n;
    arena_used = start + n;
    if (arena_used > arena_high) arena_high = arena_used;
    return arena + start;
  }
  size_t total;
  if (__builtin_add_overflow(n, align + sizeof(header), &total)) { errno = ENOMEM; return NULL; }
  unsigned char *p = mmap(NULL, total, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (p == MAP_FAILED) { errno = ENOMEM; return NULL; }
  uintptr_t a = ((uintptr_t)p + sizeof(header) + align - 1) & ~(uintptr_t)(align - 1);
  ((header *)a)[-1].size = n;
  return (void *)a;
}

void *malloc(size_t n) { return take(16, n); }

// The newest block goes back to the arena (temporaries are mostly freed in the order
// opposite to their allocation, and reusing them keeps fresh pages untouched); any
// other block stays where it is.
void free(void *p) {
  if (!p) return;
  header *h = (header *)p - 1;
  unsigned char *b = p;
  if (b >= arena && b < arena + ARENA_SIZE && b + h->size == arena + arena_used)
    arena_used = (size_t)((unsigned char *)h - arena);
}

void *calloc(size_t count, size_t size) {
  size_t n;
  if (__builtin_mul_overflow(count, size, &n)) { errno = ENOMEM; return NULL; }
  unsigned char *p = take(16, n);
  // Fresh mappings and the arena past its high-water mark are zero; reused arena is not.
  if (p >= arena && p < arena + ARENA_SIZE && (size_t)(p - arena) < arena_high) {
    size_t dirty = arena_high - (size_t)(p - arena);
    memset(p, 0, dirty < n ? dirty : n);
  }
  return p;
}

void *realloc(void *p, size_t n) {
  if (!p) return malloc(n);
  header *h = (header *)p - 1;
  unsigned char *b = p;
  if (n <= h->size) { h->size = n; return p; }
  // The newest block grows in place.
  if (b + h->size == arena + arena_used && (size_t)(b - arena) <= ARENA_SIZE - n) {
    h->size = n;
    arena_used = (size_t)(b - arena) + n;
    if (arena_used > arena_high) arena_high = arena_used;
    return p;
  }
  void *q = malloc(n);
  if (q) memcpy(q, p, h->size < n ? h->size : n);
  return q;
}

int posix_memalign(void **out, size_t align, size_t n) {
  if (align < sizeof(void *)) return EINVAL;
  void *p = take(align, n);
  if (!p) return errno;
  *out = p;
  return 0;
}

void *aligned_alloc(size_t align, size_t n) { return take(align, n); }
size_t malloc_usable_size(void *p) { return p ? ((header *)p - 1)->size : 0; }
#endif
