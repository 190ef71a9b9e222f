/*
 * A host embedding hlc programs through hlc_embed.h (driven by tests/embed.rs).
 *
 * Built two ways:
 *  - `cc host.c libembed_b.a -lm -lpthread -ldl -DHOST_STATIC`: program B
 *    linked in; modes "cycles N", "misuse".
 *  - `cc host.c -ldl`: opens libembed_a.so and libembed_b.so (paths in
 *    argv) with dlopen and finds everything with dlsym; mode "alternate N"
 *    runs N cycles alternating the two programs.
 *
 * Every cycle: create -> run_main -> several calls (results checked) ->
 * destroy. The RSS after cycle 10 and after the last one is printed as
 * `rss10=KB rssN=KB`. Any failed check prints `FAIL ...` and exits 1.
 */
#include "hlc_embed.h"
#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

typedef struct {
	const char *name;
	hlc_vm *(*create)(int, char **, char **);
	int (*run_main)(hlc_vm *);
	vdynamic *(*call)(hlc_vm *, const char *, vdynamic **, int, vdynamic **);
	void (*destroy)(hlc_vm *);
	vdynamic *(*alloc_dynamic)(hl_type *);
	const uchar *(*to_string)(vdynamic *);
	void (*add_root)(void *);
	void (*remove_root)(void *);
	hl_type *t_i32, *t_f64;
} api;

static int failures;
#define CHECK(cond, ...)                                                 \
	do {                                                             \
		if (!(cond)) {                                           \
			printf("FAIL %s:%d: ", __FILE__, __LINE__);      \
			printf(__VA_ARGS__);                             \
			printf("\n");                                    \
			fflush(stdout);                                  \
			exit(1);                                         \
		}                                                        \
	} while (0)

static long rss_kb(void) {
	long pages = 0, resident = 0;
	FILE *f = fopen("/proc/self/statm", "r");
	if (!f) return -1;
	if (fscanf(f, "%ld %ld", &pages, &resident) != 2) resident = -1;
	fclose(f);
	return resident * (sysconf(_SC_PAGESIZE) / 1024);
}

/* UTF-16 text of a value, as ASCII (enough for the tests). */
static const char *text(api *a, vdynamic *v, char *buf, int size) {
	const uchar *s;
	int i = 0;
	if (!v) return "(null)";
	s = a->to_string(v);
	while (s && s[i] && i < size - 1) {
		buf[i] = (char)s[i];
		i++;
	}
	buf[i] = 0;
	return buf;
}

static vdynamic *int_arg(api *a, int v) {
	vdynamic *d = a->alloc_dynamic(a->t_i32);
	d->v.i = v;
	return d;
}

static vdynamic *call_int(api *a, hlc_vm *vm, const char *path, int nargs, int x, int y, vdynamic **exc) {
	vdynamic *args[2];
	args[0] = nargs > 0 ? int_arg(a, x) : NULL;
	args[1] = nargs > 1 ? int_arg(a, y) : NULL;
	return a->call(vm, path, args, nargs, exc);
}

static hlc_vm *create(api *a, int argc, char **argv) {
	char *err = NULL;
	hlc_vm *vm = a->create(argc, argv, &err);
	CHECK(vm != NULL, "%s: create failed: %s", a->name, err ? err : "(no message)");
	CHECK(err == NULL, "%s: error set on success", a->name);
	return vm;
}

/* One cycle of program A. */
static void cycle_a(api *a, int round) {
	char buf[200];
	char *argv[] = {"embed_a", "x", "y", NULL};
	vdynamic *exc = NULL, *r;
	hlc_vm *vm = create(a, 3, argv);
	CHECK(a->run_main(vm) == 0, "A: run_main");
	r = call_int(a, vm, "Main.add", 2, round, 2, &exc);
	CHECK(r && !exc && r->v.i == round + 2 + 100, "A: add gave %d", r ? r->v.i : -1);
	r = call_int(a, vm, "Main.greet", 1, 7, 0, &exc);
	CHECK(r && !exc && strcmp(text(a, r, buf, sizeof buf), "hello 7 #2") == 0, "A: greet gave %s", text(a, r, buf, sizeof buf));
	{
		vdynamic *f = a->alloc_dynamic(a->t_f64);
		f->v.d = 5.0;
		r = a->call(vm, "Main.half", &f, 1, &exc);
		CHECK(r && !exc && r->v.d == 2.5, "A: half");
	}
	r = call_int(a, vm, "Main.fail", 1, 42, 0, &exc);
	CHECK(!r && exc && strcmp(text(a, exc, buf, sizeof buf), "A failed: 42") == 0, "A: fail gave %s", text(a, exc, buf, sizeof buf));
	r = call_int(a, vm, "Main.nothing", 0, 0, 0, &exc);
	CHECK(!r && !exc, "A: nothing");
	r = call_int(a, vm, "Main.callCount", 0, 0, 0, &exc);
	CHECK(r && r->v.i == 3, "A: callCount %d (globals from a fresh start)", r ? r->v.i : -1);
	r = call_int(a, vm, "Main.nope", 0, 0, 0, &exc);
	CHECK(!r && exc && strstr(text(a, exc, buf, sizeof buf), "no static function `Main.nope`"), "A: unknown path gave %s", text(a, exc, buf, sizeof buf));
	r = call_int(a, vm, "Main.add", 1, 1, 0, &exc);
	CHECK(!r && exc && strstr(text(a, exc, buf, sizeof buf), "takes 2 argument(s), 1 given"), "A: arity gave %s", text(a, exc, buf, sizeof buf));
	r = call_int(a, vm, "Main.exitNow", 1, 9, 0, &exc);
	CHECK(!r && exc && strcmp(text(a, exc, buf, sizeof buf), "Sys.exit(9)") == 0, "A: exit in a call gave %s", text(a, exc, buf, sizeof buf));
	a->destroy(vm);
}

/* One cycle of program B. */
static void cycle_b(api *a, int round) {
	char buf[200];
	char *argv[] = {"embed_b", NULL};
	vdynamic *exc = NULL, *r;
	hlc_vm *vm = create(a, 1, argv);
	(void)round;
	CHECK(a->run_main(vm) == 3, "B: run_main should give Sys.exit's 3");
	r = call_int(a, vm, "Main.countWords", 1, 2, 0, &exc);
	CHECK(r && !exc && r->v.i == 14, "B: countWords gave %d", r ? r->v.i : -1);
	r = call_int(a, vm, "Main.theCount", 0, 0, 0, &exc);
	CHECK(r && !exc && r->v.i == 6, "B: theCount gave %d", r ? r->v.i : -1);
	r = call_int(a, vm, "Main.parallelSum", 1, 3, 0, &exc);
	CHECK(r && !exc && r->v.i == 500 + 999 + 1500, "B: parallelSum gave %d", r ? r->v.i : -1);
	r = call_int(a, vm, "Main.check", 1, 21, 0, &exc);
	CHECK(r && !exc && r->v.i == 42, "B: check");
	r = call_int(a, vm, "Main.check", 1, -1, 0, &exc);
	CHECK(!r && exc && strstr(text(a, exc, buf, sizeof buf), "negative: -1"), "B: check exception gave %s", text(a, exc, buf, sizeof buf));
	r = call_int(a, vm, "Main.exitOnThread", 0, 0, 0, &exc);
	CHECK(r && !exc && r->v.i == 10, "B: Sys.exit on a thread gave %d", r ? r->v.i : -1);
	a->destroy(vm);
}

static void run_cycles(api *progs[], int nprogs, int n) {
	long rss10 = 0;
	int i;
	for (i = 1; i <= n; i++) {
		api *a = progs[i % nprogs];
		if (a->name[0] == 'A') cycle_a(a, i);
		else cycle_b(a, i);
		if (i == 10) rss10 = rss_kb();
	}
	printf("cycles=%d rss10=%ld rss%d=%ld\n", n, rss10, n, rss_kb());
}

#ifdef HOST_STATIC
static api static_api(void) {
	api a;
	a.name = "B";
	a.create = hlc_vm_create;
	a.run_main = hlc_vm_run_main;
	a.call = hlc_vm_call;
	a.destroy = hlc_vm_destroy;
	a.alloc_dynamic = hl_alloc_dynamic;
	a.to_string = (const uchar *(*)(vdynamic *))hl_to_string;
	a.add_root = hl_add_root;
	a.remove_root = hl_remove_root;
	a.t_i32 = &hlt_i32;
	a.t_f64 = &hlt_f64;
	return a;
}

typedef struct {
	api *a;
	hlc_vm *vm;
	int result;
} call_thread;

static void *sleeper(void *p) {
	call_thread *c = (call_thread *)p;
	vdynamic *exc = NULL;
	vdynamic *r = call_int(c->a, c->vm, "Main.sleepMs", 1, 100, 0, &exc);
	c->result = r && !exc ? r->v.i : -1;
	return NULL;
}

/* Misuse of the API: each gives its documented error, never a crash. */
static void misuse(api *a) {
	char buf[200];
	char *argv[] = {"embed_b", NULL};
	char *err = NULL;
	vdynamic *exc = NULL, *r;
	static vdynamic *kept;
	pthread_t th;
	call_thread ct;
	hlc_vm *vm = create(a, 1, argv), *second;

	/* Create twice. */
	second = a->create(1, argv, &err);
	CHECK(second == NULL && err && strstr(err, "already alive"), "create twice: %s", err ? err : "(none)");
	printf("create twice: %s\n", err);
	free(err);
	CHECK(a->run_main(vm) == 3, "run_main");

	/* A value kept past the next call with a root. */
	kept = call_int(a, vm, "Main.check", 1, 50, 0, &exc);
	a->add_root(&kept);
	r = call_int(a, vm, "Main.countWords", 1, 300, 0, &exc);
	CHECK(r && r->v.i == 2100, "countWords");
	CHECK(kept->v.i == 100, "a rooted value survives");
	a->remove_root(&kept);

	/* Destroy while a call runs on another thread: refused until it ends. */
	ct.a = a;
	ct.vm = vm;
	ct.result = 0;
	pthread_create(&th, NULL, sleeper, &ct);
	{
		/* Until the call is running (the program counts it). */
		int i;
		for (i = 0; i < 10000; i++) {
			r = call_int(a, vm, "Main.sleepers", 0, 0, 0, &exc);
			if (r && r->v.i == 1) break;
			usleep(1000);
		}
		CHECK(r && r->v.i == 1, "the call on the other thread did not start");
	}
	setenv("HLC_VM_DESTROY_TIMEOUT_MS", "50", 1);
	printf("destroy during a call:\n");
	fflush(stdout);
	a->destroy(vm);
	/* The VM is still alive: calls work. */
	r = call_int(a, vm, "Main.check", 1, 5, 0, &exc);
	CHECK(r && !exc && r->v.i == 10, "VM alive after a refused destroy");
	call_int(a, vm, "Main.wake", 0, 0, 0, &exc);
	CHECK(!exc, "wake");
	pthread_join(th, NULL);
	CHECK(ct.result == 100, "the call on the other thread finished: %d", ct.result);

	/* A program thread that does not end: destroy refuses; once it ends, destroy works. */
	r = call_int(a, vm, "Main.startWorker", 0, 0, 0, &exc);
	CHECK(!exc, "startWorker");
	printf("destroy with a program thread running:\n");
	fflush(stdout);
	a->destroy(vm);
	r = call_int(a, vm, "Main.stopWorker", 0, 0, 0, &exc);
	CHECK(!exc, "stopWorker");
	setenv("HLC_VM_DESTROY_TIMEOUT_MS", "5000", 1);

	/* Unknown path. */
	r = call_int(a, vm, "pack.Nope.fn", 0, 0, 0, &exc);
	CHECK(!r && exc, "unknown path");
	printf("unknown path: %s\n", text(a, exc, buf, sizeof buf));

	a->destroy(vm);
	printf("destroyed\n");

	/* Call, run_main and destroy after destroy. */
	r = call_int(a, vm, "Main.check", 1, 1, 0, &exc);
	CHECK(!r && exc, "call after destroy");
	printf("call after destroy: %s\n", text(a, exc, buf, sizeof buf));
	printf("run_main after destroy: %d\n", a->run_main(vm));
	fflush(stdout);
	a->destroy(vm);

	/* A new VM works after all that. */
	vm = create(a, 1, argv);
	CHECK(a->run_main(vm) == 3, "run_main of a new VM");
	r = call_int(a, vm, "Main.check", 1, 4, 0, &exc);
	CHECK(r && r->v.i == 8, "call in a new VM");
	a->destroy(vm);
	printf("misuse ok\n");
}

int main(int argc, char **argv) {
	api b = static_api();
	api *progs[] = {&b};
	if (argc > 2 && strcmp(argv[1], "cycles") == 0) run_cycles(progs, 1, atoi(argv[2]));
	else if (argc > 1 && strcmp(argv[1], "misuse") == 0) misuse(&b);
	else {
		printf("usage: host cycles N | misuse\n");
		return 2;
	}
	return failures ? 1 : 0;
}
#else
static void *sym(void *lib, const char *path, const char *name) {
	void *p = dlsym(lib, name);
	CHECK(p != NULL, "%s: no symbol %s", path, name);
	return p;
}

static api open_api(const char *name, const char *path) {
	api a;
	void *lib = dlopen(path, RTLD_NOW | RTLD_LOCAL);
	CHECK(lib != NULL, "dlopen %s: %s", path, dlerror());
	a.name = name;
	a.create = (hlc_vm * (*)(int, char **, char **)) sym(lib, path, "hlc_vm_create");
	a.run_main = (int (*)(hlc_vm *))sym(lib, path, "hlc_vm_run_main");
	a.call = (vdynamic * (*)(hlc_vm *, const char *, vdynamic **, int, vdynamic **)) sym(lib, path, "hlc_vm_call");
	a.destroy = (void (*)(hlc_vm *))sym(lib, path, "hlc_vm_destroy");
	a.alloc_dynamic = (vdynamic * (*)(hl_type *)) sym(lib, path, "hl_alloc_dynamic");
	a.to_string = (const uchar *(*)(vdynamic *))sym(lib, path, "hl_to_string");
	a.add_root = (void (*)(void *))sym(lib, path, "hl_add_root");
	a.remove_root = (void (*)(void *))sym(lib, path, "hl_remove_root");
	a.t_i32 = (hl_type *)sym(lib, path, "hlt_i32");
	a.t_f64 = (hl_type *)sym(lib, path, "hlt_f64");
	return a;
}

int main(int argc, char **argv) {
	api a, b;
	api *progs[2];
	if (argc < 5 || strcmp(argv[1], "alternate") != 0) {
		printf("usage: host alternate N libembed_a.so libembed_b.so\n");
		return 2;
	}
	a = open_api("A", argv[3]);
	b = open_api("B", argv[4]);
	progs[0] = &a;
	progs[1] = &b;
	run_cycles(progs, 2, atoi(argv[2]));
	return failures ? 1 : 0;
}
#endif
