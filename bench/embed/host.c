/*
 * `cargo xtask bench`'s embedding figure: how long create + run_main +
 * destroy of a program take in a host (hlc_embed.h). The program is linked
 * in (`cc host.c libhello.a -lm -lpthread -ldl`); its output goes wherever
 * stdout goes. Prints on stderr: `embed: N cycles, median X us, mean Y us,
 * min Z us` (and the same for create, run_main and destroy alone).
 */
#include "hlc_embed.h"
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static double now_us(void) {
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec * 1e6 + t.tv_nsec / 1e3;
}

static int cmp(const void *a, const void *b) {
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

static void report(const char *what, double *v, int n) {
	double sum = 0;
	int i;
	qsort(v, n, sizeof(double), cmp);
	for (i = 0; i < n; i++) sum += v[i];
	fprintf(stderr, "%s: %d cycles, median %.1f us, mean %.1f us, min %.1f us\n", what, n, v[n / 2], sum / n, v[0]);
}

int main(int argc, char **argv) {
	int n = argc > 1 ? atoi(argv[1]) : 200, i;
	double *total = malloc(n * sizeof(double)), *create = malloc(n * sizeof(double));
	double *run = malloc(n * sizeof(double)), *destroy = malloc(n * sizeof(double));
	char *args[] = {"hello", NULL};
	for (i = 0; i < n; i++) {
		char *err = NULL;
		double t0 = now_us(), t1, t2, t3;
		hlc_vm *vm = hlc_vm_create(1, args, &err);
		if (!vm) {
			fprintf(stderr, "create failed: %s\n", err);
			return 1;
		}
		t1 = now_us();
		if (hlc_vm_run_main(vm) != 0) return 1;
		t2 = now_us();
		hlc_vm_destroy(vm);
		t3 = now_us();
		total[i] = t3 - t0;
		create[i] = t1 - t0;
		run[i] = t2 - t1;
		destroy[i] = t3 - t2;
	}
	report("embed create+run_main+destroy", total, n);
	report("embed create", create, n);
	report("embed run_main", run, n);
	report("embed destroy", destroy, n);
	return 0;
}
