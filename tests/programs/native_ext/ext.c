/* A native extension as HL/C names them: library `myext`, symbols `myext_<name>`. */
#include <hl.h>

int myext_add_twice(int a, int b) {
	return 2 * (a + b);
}

double myext_scale(double x, double k) {
	return x * k;
}
