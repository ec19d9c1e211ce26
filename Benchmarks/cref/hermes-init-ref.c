/* hermes-init's CMD-mode contract in C, written for speed as a yardstick (Benchmarks
 * section 5): the cheapest program that does the same work. No more and no less:
 *   1. the container environment: unless HERMES_HOME is set and non-empty, or
 *      S6_KEEP_ENV has a byte other than '0', and if
 *      /run/s6/container_environment is a directory: keep PATH only, then load every
 *      regular entry whose name has no '=' and does not start with '.' (s6-envdir -Lf:
 *      empty file unsets; else the file less one trailing newline, NULs made newlines);
 *   2. the --user guard: not root → must be hermes's uid, else exit 1;
 *   3. HOME=/opt/data (HERMES_HOME as given); the start directory is
 *      HERMES_ORIG_CWD (entered) or the current one; /opt/data must be enterable;
 *   4. activate: VIRTUAL_ENV, the venv's bin in front of PATH, PYTHONHOME unset,
 *      VIRTUAL_ENV_PROMPT from the script's first plain assignment, PS1 prefixed when
 *      set and VIRTUAL_ENV_DISABLE_PROMPT is empty; PWD and OLDPWD;
 *   5. routing: no arguments → hermes; '-…' → hermes ARGS; a subcommand (the list from
 *      HERMES_INIT_SUBCOMMANDS, else /opt/hermes/share/hermes-init/subcommands, else the
 *      built-in one) → hermes ARGS; a '/' → as given; an executable regular file on PATH
 *      → it; else hermes ARGS;
 *   6. as root: hermes from /etc/passwd, its groups from /etc/group (primary first),
 *      and the groups the runtime gave (--group-add: getgroups at start, less gid 0 and
 *      root's own /etc/group memberships), setgroups, setresgid, setresuid, verified
 *      (ids, group list, no way back to root);
 *   7. execve with PATH search: 126 cannot execute, 127 not found, 111 system call.
 * Where it runs is asked first, as hermes-init asks it: getpid and getppid. Only the
 * CMD situation (not PID 1, a parent other than PID 1 or none) is modelled; the others
 * (hermes-init's PID-1 and entry-point modes) are refused with 100.
 * The subcommand list and the venv prompt are searched as hermes-init searches them
 * (memchr to each place the name's first byte stands; Horspool for the prompt key), so
 * that the two differ in how they are written, not in the algorithm.
 * Messages are short: this is a yardstick, not the product.
 *   hermes-init-ref [ARG...] */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

extern char **environ;

static char arena[1 << 20];
static size_t used;
static char *envv[1024];
static int envc;

static void die(int code, const char *msg) {
    (void)!write(2, msg, strlen(msg));
    _exit(code);
}

static char *take(size_t n) {
    if (used + n > sizeof arena) die(111, "hermes-init-ref: out of memory\n");
    char *p = arena + used;
    used += n;
    return p;
}

/* The whole file at dirfd/name into the arena, NUL-terminated; length in *len. A read
 * that does not fill the room left is the end of a regular file: one read per small
 * file. The descriptor is close-on-exec: the exec closes it, no close here. */
static char *slurp(int dirfd, const char *name, size_t *len, int *err) {
    int fd = openat(dirfd, name, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
    if (fd < 0) { *err = errno; return 0; }
    char *p = arena + used;
    size_t n = 0, room = sizeof arena - used - 1;
    for (;;) {
        ssize_t r = read(fd, p + n, room - n);
        if (r < 0 && errno == EINTR) continue;
        if (r < 0) { *err = errno; return 0; }
        n += (size_t)r;
        if (r == 0 || n < room) break;
        die(111, "hermes-init-ref: file too large\n");
    }
    p[n] = 0;
    used += n + 1;
    *len = n;
    return p;
}

static int env_find(const char *name, size_t n) {
    for (int i = 0; i < envc; i++)
        if (!strncmp(envv[i], name, n) && envv[i][n] == '=') return i;
    return -1;
}

static const char *env_get(const char *name) {
    size_t n = strlen(name);
    int i = env_find(name, n);
    return i < 0 ? 0 : envv[i] + n + 1;
}

static void env_put(char *entry, size_t namelen) {
    int i = env_find(entry, namelen);
    if (i >= 0) envv[i] = entry;
    else envv[envc++] = entry;
}

static void env_unset(const char *name) {
    int i = env_find(name, strlen(name));
    if (i >= 0) envv[i] = envv[--envc];
}

static void env_set(const char *name, const char *a, const char *b) {
    size_t n = strlen(name), la = strlen(a), lb = b ? strlen(b) : 0;
    char *e = take(n + la + lb + 2);
    memcpy(e, name, n);
    e[n] = '=';
    memcpy(e + n + 1, a, la);
    memcpy(e + n + 1 + la, b, lb);
    e[n + 1 + la + lb] = 0;
    env_put(e, n);
}

static int nonempty(const char *name) {
    const char *v = env_get(name);
    return v && *v;
}

struct linux_dirent64 { unsigned long long ino; long long off; unsigned short reclen; unsigned char type; char name[]; };

static void load_envdir(void) {
    int dir = openat(AT_FDCWD, "/run/s6/container_environment", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dir < 0) {
        if (errno == ENOENT || errno == ENOTDIR) return;
        die(111, "hermes-init-ref: unable to read environment directory\n");
    }
    const char *path = env_get("PATH");
    envc = 0;
    if (path) env_put((char *)path - 5, 4);
    char buf[8192];
    for (;;) {
        long n = syscall(SYS_getdents64, dir, buf, sizeof buf);
        if (n < 0) die(111, "hermes-init-ref: unable to read environment directory\n");
        if (n == 0) break;
        for (long off = 0; off < n;) {
            struct linux_dirent64 *d = (struct linux_dirent64 *)(buf + off);
            off += d->reclen;
            const char *name = d->name;
            if (name[0] == '.' || strchr(name, '=')) continue;
            if (d->type != DT_REG) {
                struct stat st;
                if (fstatat(dir, name, &st, 0) || !S_ISREG(st.st_mode))
                    die(111, "hermes-init-ref: unable to read environment directory: not a regular file\n");
            }
            size_t nl = strlen(name), len;
            int err;
            char *e = take(nl + 1);
            memcpy(e, name, nl);
            e[nl] = '=';
            char *v = slurp(dir, name, &len, &err);
            if (!v) die(111, "hermes-init-ref: unable to read environment directory\n");
            if (v != e + nl + 1) die(111, "hermes-init-ref: arena\n");
            if (len == 0) { used = (size_t)(e - arena); env_unset(name); continue; }
            if (v[len - 1] == '\n') v[--len] = 0;
            for (char *p = memchr(v, 0, len); p; p = memchr(p, 0, (size_t)(v + len - p))) *p = '\n';
            env_put(e, nl);
        }
    }
}

/* The value of field f (0-based) of a ':'-separated line [s, end). */
static const char *field(const char *s, const char *end, int f, const char **fend) {
    while (f-- > 0) {
        s = memchr(s, ':', (size_t)(end - s));
        if (!s) return 0;
        s++;
    }
    const char *c = memchr(s, ':', (size_t)(end - s));
    *fend = c ? c : end;
    return s;
}

static int parse_id(const char *s, const char *e, unsigned *out) {
    unsigned long long v = 0;
    if (s == e || e - s > 10) return 0;
    for (; s < e; s++) {
        if (*s < '0' || *s > '9') return 0;
        v = v * 10 + (unsigned)(*s - '0');
    }
    if (v >= 0xffffffffULL) return 0;
    *out = (unsigned)v;
    return 1;
}

/* hermes's uid and gid from /etc/passwd. */
static int find_hermes(const char *pw, size_t len, unsigned *uid, unsigned *gid) {
    const char *p = pw, *end = pw + len;
    while (p < end) {
        const char *le = memchr(p, '\n', (size_t)(end - p));
        if (!le) le = end;
        if (le - p > 7 && !memcmp(p, "hermes:", 7)) {
            const char *fe, *f = field(p, le, 2, &fe);
            const char *ge, *g = field(p, le, 3, &ge);
            if (f && g && parse_id(f, fe, uid) && parse_id(g, ge, gid)) return 1;
        }
        p = le + 1;
    }
    return 0;
}

static int is_sep(char c) { return c == ' ' || c == '\t' || c == '\n' || c == ',' || c == ':'; }

/* NAME is a whole word of LIST (words split at blanks, newlines, commas, colons). */
static int subcommand(const char *list, size_t len, const char *name) {
    size_t n = strlen(name);
    if (!n) return 0;
    for (size_t i = 0; i < n; i++)
        if (is_sep(name[i])) return 0;
    const char *end = list + len;
    for (const char *p = list; p < end && (p = memchr(p, name[0], (size_t)(end - p))); p++)
        if ((size_t)(end - p) >= n && (p == list || is_sep(p[-1])) && (p + n == end || is_sep(p[n])) && !memcmp(p, name, n))
            return 1;
    return 0;
}

static const char builtin[] =
    "acp auth backup bundles chat checkpoints claw completion computer-use config console cron curator dashboard "
    "debug desktop doctor dump fallback gateway gui help hooks import insights journey kanban learning login logout "
    "logs lsp mcp memory memory-graph migrate moa model pairing pets plugins portal postinstall profile project "
    "prompt-size proxy secrets security send serve sessions setup skills slack status tools uninstall update version "
    "webhook whatsapp whatsapp-cloud";

static int executable_file(const char *path) {
    struct stat st;
    return !stat(path, &st) && S_ISREG(st.st_mode) && (st.st_mode & 0111);
}

/* The first executable regular file NAME on PATH, into buf, or 0. */
static const char *locate(const char *name, const char *path, char *buf) {
    size_t n = strlen(name);
    for (const char *p = path;;) {
        const char *c = strchr(p, ':');
        size_t d = c ? (size_t)(c - p) : strlen(p);
        if (d + n + 2 < 4096) {
            memcpy(buf, p, d);
            size_t k = d;
            if (k && buf[k - 1] != '/') buf[k++] = '/';
            memcpy(buf + k, name, n + 1);
            if (executable_file(buf)) return buf;
        }
        if (!c) return 0;
        p = c + 1;
    }
}

static int has(const gid_t *list, int n, gid_t g) {
    for (int k = 0; k < n; k++)
        if (list[k] == g) return 1;
    return 0;
}

/* Appends to list[0..n) the gid of each /etc/group line listing USER as a member, once
 * each; the new count. */
static int add_memberships(const char *gr, size_t glen, const char *user, gid_t *list, int n) {
    size_t ul = strlen(user);
    for (const char *p = gr, *end = gr + glen; p < end;) {
        const char *le = memchr(p, '\n', (size_t)(end - p));
        if (!le) le = end;
        const char *me = 0, *ie = 0, *m = field(p, le, 3, &me), *id = field(p, le, 2, &ie);
        unsigned g;
        for (const char *s = m; m && s < me;) {
            const char *c = memchr(s, ',', (size_t)(me - s));
            if (!c) c = me;
            if ((size_t)(c - s) == ul && !memcmp(s, user, ul) && parse_id(id, ie, &g) && !has(list, n, g) && n < 1024)
                list[n++] = g;
            s = c + 1;
        }
        p = le + 1;
    }
    return n;
}

/* A plain shell literal at the start of [w, we): '...', "..." without $ ` \, or an
 * unquoted run without $ ` \ ( up to a blank or ';'. Its value into out; 0 if none. */
static int literal(const char *w, const char *we, char *out) {
    if (w == we) return 0;
    if (*w == '\'' || *w == '"') {
        const char *close = memchr(w + 1, *w, (size_t)(we - w - 1));
        if (!close) return 0;
        for (const char *r = close + 1; r < we; r++)
            if (*r != ' ' && *r != '\t' && *r != ';') return 0;
        if (*w == '"')
            for (const char *r = w + 1; r < close; r++)
                if (*r == '$' || *r == '`' || *r == '\\') return 0;
        memcpy(out, w + 1, (size_t)(close - w - 1));
        out[close - w - 1] = 0;
        return 1;
    }
    const char *r = w;
    while (r < we && *r != ' ' && *r != '\t' && *r != ';') r++;
    for (const char *t = w; t < r; t++)
        if (*t == '$' || *t == '`' || *t == '\\' || *t == '(') return 0;
    memcpy(out, w, (size_t)(r - w));
    out[r - w] = 0;
    return 1;
}

/* Horspool's shifts for the key below, for the bytes 'A'..'_' (all others: 19). */
static const unsigned char shift_A[31] = {13, 19, 19, 19, 10, 19, 19, 19, 17, 19, 19, 12, 3, 9, 4, 2,
                                          19, 5, 19, 1, 14, 8, 19, 19, 19, 19, 19, 19, 19, 19, 7};

/* VIRTUAL_ENV_PROMPT: the first `[blanks]VIRTUAL_ENV_PROMPT=WORD` at a line's start
 * whose WORD is a plain literal, else "(.venv) ". */
static void venv_prompt(const char *s, size_t len, char *out) {
    static const char key[] = "VIRTUAL_ENV_PROMPT=";
    const size_t k = sizeof key - 1;
    for (size_t end = k - 1; end < len;) {
        unsigned char c = (unsigned char)s[end];
        if (c != '=') {
            unsigned i = (unsigned)c - 'A';
            end += i < sizeof shift_A ? shift_A[i] : k;
            continue;
        }
        size_t at = end + 1 - k, ls = at;
        if (!memcmp(s + at, key, k - 1)) {
            while (ls && (s[ls - 1] == ' ' || s[ls - 1] == '\t')) ls--;
            if (!ls || s[ls - 1] == '\n') {
                const char *le = memchr(s + end + 1, '\n', len - end - 1);
                if (literal(s + end + 1, le ? le : s + len, out)) return;
            }
        }
        end += k;
    }
    strcpy(out, "(.venv) ");
}

int main(int argc, char **argv) {
    /* 0. Where it runs: only the CMD situation is modelled. */
    pid_t parent, self = getpid();
    if (self == 1 || (parent = getppid()) == 1 || parent == 0) die(100, "hermes-init-ref: only the CMD situation is modelled\n");
    for (char **e = environ; *e && envc < 1023; e++) envv[envc++] = *e;

    /* 1. The container environment. */
    const char *keep = env_get("S6_KEEP_ENV");
    int kept = nonempty("HERMES_HOME");
    for (const char *k = keep; !kept && k && *k; k++) kept = *k != '0';
    if (!kept) load_envdir();

    /* 2. The guard, and the account when root. */
    unsigned euid = (unsigned)geteuid(), uid = 0, gid = 0;
    size_t pwlen;
    int err;
    const char *pw = slurp(AT_FDCWD, "/etc/passwd", &pwlen, &err);
    if (!pw) die(111, "hermes-init-ref: unable to read /etc/passwd\n");
    int have = find_hermes(pw, pwlen, &uid, &gid);
    if (euid != 0 && (!have || uid != euid)) die(1, "hermes-init-ref: fatal: unable to run as this uid: not supported\n");
    if (euid == 0 && !have) die(1, "hermes-init-ref: fatal: unknown user hermes\n");

    /* 3. HOME, the start directory. */
    env_set("HOME", "/opt/data", 0);
    const char *orig = env_get("HERMES_ORIG_CWD");
    int from_env = orig && *orig;
    char cwd[4096];
    if (!from_env) {
        if (!getcwd(cwd, sizeof cwd)) die(111, "hermes-init-ref: unable to read the current directory\n");
        orig = cwd;
    }
    if (access("/opt/data/.", X_OK)) die(111, "hermes-init-ref: unable to enter /opt/data\n");

    /* 4. The venv. */
    size_t alen;
    const char *act = slurp(AT_FDCWD, "/opt/hermes/.venv/bin/activate", &alen, &err);
    if (!act) die(111, "hermes-init-ref: unable to read the venv's activate\n");
    env_set("VIRTUAL_ENV", "/opt/hermes/.venv", 0);
    const char *oldpath = env_get("PATH");
    env_set("PATH", "/opt/hermes/.venv/bin:", oldpath && *oldpath ? oldpath : "/usr/local/bin:/bin:/usr/bin");
    env_unset("PYTHONHOME");
    char prompt[4096];
    venv_prompt(act, alen, prompt);
    env_set("VIRTUAL_ENV_PROMPT", prompt, 0);
    const char *ps1 = env_get("PS1");
    if (ps1 && !nonempty("VIRTUAL_ENV_DISABLE_PROMPT")) {
        size_t pl = strlen(prompt);
        char pre[4200];
        if (pl >= 3 && prompt[0] == '(' && prompt[pl - 1] == ' ' && prompt[pl - 2] == ')') strcpy(pre, prompt);
        else { pre[0] = '('; memcpy(pre + 1, prompt, pl); strcpy(pre + 1 + pl, ") "); }
        env_set("PS1", pre, ps1);
    }
    if (from_env && chdir(orig)) die(111, "hermes-init-ref: unable to return to the start directory\n");
    env_set("PWD", orig, 0);
    env_set("OLDPWD", "/opt/data", 0);

    /* 5. Routing. */
    const char *path = env_get("PATH");
    const char *first = argc > 1 ? argv[1] : 0;
    int to_hermes = 1;
    char found[4096];
    if (first && first[0] != '-') {
        const char *list = env_get("HERMES_INIT_SUBCOMMANDS");
        size_t llen = list ? strlen(list) : 0;
        if (!list) {
            list = slurp(AT_FDCWD, "/opt/hermes/share/hermes-init/subcommands", &llen, &err);
            if (!list) {
                if (err != ENOENT) die(111, "hermes-init-ref: unable to read the subcommand list\n");
                list = builtin;
                llen = sizeof builtin - 1;
            }
        }
        if (!subcommand(list, llen, first)) {
            if (strchr(first, '/')) to_hermes = 0;
            else if (*first && locate(first, path, found)) to_hermes = 0;
        }
    }
    char **args = argv + 1;
    if (to_hermes) { args = argv; args[0] = "hermes"; }

    /* 6. The drop, verified. */
    if (euid == 0) {
        size_t glen;
        const char *gr = slurp(AT_FDCWD, "/etc/group", &glen, &err);
        if (!gr) die(111, "hermes-init-ref: unable to read /etc/group\n");
        gid_t groups[1024], held[1024], rootg[1024];
        int ng = 0, nr = -1;
        groups[ng++] = gid;
        ng = add_memberships(gr, glen, "hermes", groups, ng);
        /* The runtime's groups (--group-add) stay, less 0 and root's own. */
        int nh = getgroups(1024, held);
        if (nh < 0) die(111, "hermes-init-ref: unable to read the supplementary group list\n");
        for (int i = 0; i < nh; i++) {
            if (!held[i] || has(groups, ng, held[i])) continue;
            if (nr < 0) nr = add_memberships(gr, glen, "root", rootg, 0);
            if (!has(rootg, nr, held[i]) && ng < 1024) groups[ng++] = held[i];
        }
        for (int i = 1; i < ng; i++) /* ascending, as the kernel keeps them */
            for (int j = i; j > 0 && groups[j - 1] > groups[j]; j--) { gid_t t = groups[j]; groups[j] = groups[j - 1]; groups[j - 1] = t; }
        if (syscall(SYS_setgroups, ng, groups) || syscall(SYS_setresgid, gid, gid, gid) || syscall(SYS_setresuid, uid, uid, uid))
            die(111, "hermes-init-ref: unable to drop privileges\n");
        uid_t r, e, s;
        gid_t rg, eg, sg, now[1025];
        if (getresuid(&r, &e, &s) || getresgid(&rg, &eg, &sg) || r != uid || e != uid || s != uid || rg != gid || eg != gid || sg != gid
            || getgroups(1025, now) != ng || memcmp(now, groups, sizeof(gid_t) * (size_t)ng) || (uid && !syscall(SYS_setuid, 0)))
            die(111, "hermes-init-ref: unable to verify credentials\n");
    }

    /* 7. Exec. */
    envv[envc] = 0;
    if (!to_hermes && strchr(args[0], '/')) {
        execve(args[0], args, envv);
        die(errno == ENOENT || errno == ENOTDIR ? 127 : 126, "hermes-init-ref: unable to exec\n");
    }
    if (!to_hermes) { execve(found, args, envv); die(126, "hermes-init-ref: unable to exec\n"); }
    int denied = 0;
    for (const char *p = path;;) {
        const char *c = strchr(p, ':');
        size_t d = c ? (size_t)(c - p) : strlen(p);
        char cand[4096];
        if (d + 8 < sizeof cand) {
            memcpy(cand, p, d);
            size_t k = d;
            if (k && cand[k - 1] != '/') cand[k++] = '/';
            memcpy(cand + k, "hermes", 7);
            execve(cand, args, envv);
            if (errno == EACCES) denied = 1;
            else if (errno != ENOENT && errno != ENOTDIR) die(126, "hermes-init-ref: unable to exec hermes\n");
        }
        if (!c) break;
        p = c + 1;
    }
    die(denied ? 126 : 127, "hermes-init-ref: unable to exec hermes\n");
}
