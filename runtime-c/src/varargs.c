/*
 * The libhl entry points that take a variable argument list, which stable
 * Rust cannot define: UTF-16 printf (usprintf, uvszprintf), formatted error
 * values (hl_alloc_strbytes, behind the hl_error macro) and formatted fatal
 * errors (hl_fatal_fmt); and hl_fatal_error, which they end in.
 */
#include "hl.h"

/* Appends the ASCII text `s` (n bytes) to the UTF-16 output, up to `end`. */
static uchar *put_ascii(uchar *out, uchar *end, const char *s, int n) {
	for (int i = 0; i < n && out < end; i++)
		*out++ = (uchar)(unsigned char)s[i];
	return out;
}

int uvszprintf(uchar *out, int out_size, const uchar *fmt, va_list args) {
	uchar *start = out;
	if (out_size <= 0) return 0;
	uchar *end = out + out_size - 1; /* room for the NUL */
	while (*fmt && out < end) {
		if (*fmt != '%') {
			*out++ = *fmt++;
			continue;
		}
		/* A conversion: copy flags, width, precision and size into a C format. */
		char spec[32];
		int n = 0;
		int longs = 0, size_t_arg = 0;
		spec[n++] = '%';
		fmt++;
		while (*fmt && n < (int)sizeof(spec) - 4) {
			uchar c = *fmt;
			if (c == 'l') { longs++; fmt++; continue; }
			if (c == 'I') { size_t_arg = 1; fmt++; continue; } /* MSVC's %Ix */
			if ((c >= '0' && c <= '9') || c == '.' || c == '-' || c == '+' || c == ' ' || c == '#') {
				spec[n++] = (char)c;
				fmt++;
				continue;
			}
			break;
		}
		uchar conv = *fmt;
		if (conv == 0) break;
		fmt++;
		char tmp[128];
		int len = 0;
		switch (conv) {
		case 'd':
		case 'i':
		case 'u':
			if (longs) {
				spec[n++] = 'l'; spec[n++] = 'l'; spec[n++] = (char)conv; spec[n] = 0;
				len = snprintf(tmp, sizeof(tmp), spec, va_arg(args, long long));
			} else {
				spec[n++] = (char)conv; spec[n] = 0;
				len = snprintf(tmp, sizeof(tmp), spec, va_arg(args, int));
			}
			break;
		case 'x':
		case 'X':
			/* %lx takes a pointer-sized value, as in libhl. */
			if (longs || size_t_arg) {
				spec[n++] = 'z'; spec[n++] = (char)conv; spec[n] = 0;
				len = snprintf(tmp, sizeof(tmp), spec, va_arg(args, size_t));
			} else {
				spec[n++] = (char)conv; spec[n] = 0;
				len = snprintf(tmp, sizeof(tmp), spec, va_arg(args, unsigned int));
			}
			break;
		case 'f':
		case 'g':
		case 'e':
			spec[n++] = (char)conv; spec[n] = 0;
			len = snprintf(tmp, sizeof(tmp), spec, va_arg(args, double));
			break;
		case 'c':
			if (out < end) *out++ = (uchar)va_arg(args, int);
			continue;
		case 's': {
			if (n != 1) hl_fatal("Unsupported printf format"); /* no width or precision on %s */
			const uchar *s = va_arg(args, const uchar *);
			if (s == NULL) s = USTR("null");
			while (*s && out < end) *out++ = *s++;
			continue;
		}
		case '%':
			*out++ = '%';
			continue;
		default:
			hl_fatal("Unsupported printf format");
		}
		if (len < 0) len = 0;
		if (len > (int)sizeof(tmp) - 1) len = (int)sizeof(tmp) - 1;
		out = put_ascii(out, end, tmp, len);
	}
	*out = 0;
	return (int)(out - start);
}

int usprintf(uchar *out, int out_size, const uchar *fmt, ...) {
	va_list args;
	va_start(args, fmt);
	int n = uvszprintf(out, out_size, fmt, args);
	va_end(args);
	return n;
}

vdynamic *hl_alloc_strbytes(const uchar *fmt, ...) {
	uchar small[256];
	uchar *buf = small;
	int cap = (int)(sizeof(small) / sizeof(uchar));
	int len;
	for (;;) {
		va_list args;
		va_start(args, fmt);
		len = uvszprintf(buf, cap, fmt, args);
		va_end(args);
		if (len < cap - 1) break; /* not truncated */
		if (buf != small) free(buf);
		cap *= 2;
		buf = (uchar *)malloc(sizeof(uchar) * (size_t)cap);
		if (buf == NULL) hl_fatal("out of memory");
	}
	vdynamic *d = hl_alloc_dynamic(&hlt_bytes);
	d->v.bytes = hl_copy_bytes((const vbyte *)buf, (len + 1) * (int)sizeof(uchar));
	if (buf != small) free(buf);
	return d;
}

void *hl_fatal_error(const char *msg, const char *file, int line) {
	hl_blocking(true);
	printf("%s(%d) : FATAL ERROR : %s\n", file, line, msg);
	fflush(stdout);
	hl_blocking(false);
	hl_debug_break();
	exit(1);
	return NULL;
}

void hl_fatal_fmt(const char *file, int line, const char *fmt, ...) {
	char buf[1024];
	va_list args;
	va_start(args, fmt);
	vsnprintf(buf, sizeof(buf), fmt, args);
	va_end(args);
	hl_fatal_error(buf, file, line);
}
