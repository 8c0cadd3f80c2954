/* SPDX-License-Identifier: MIT */
/*
 * nfu/error.h - the error object of nfu's parsers.
 *
 * A parser that fails fills a struct nfu_error: where (file name or
 * "<string>"), line and column (1-based, 0 when not known), and a message
 * that quotes the bad token, such as
 *   topo.txt:3:18: unknown device `f9'
 * nfu_error_format() prints it in that form.
 */
#ifndef NFU_ERROR_H
#define NFU_ERROR_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

struct nfu_error {
	char where[256];
	unsigned int line;
	unsigned int column;
	char msg[512];
};

/* Fills 'err' (which may be NULL) and returns -EINVAL, so that a parser
 * can 'return nfu_error_set(err, …)'. */
int nfu_error_set(struct nfu_error *err, const char *where, unsigned int line,
		  unsigned int column, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));

/* "where:line:column: msg" (parts that are unknown left out) into 'buf'. */
void nfu_error_format(const struct nfu_error *err, char *buf, size_t len);

#ifdef __cplusplus
}
#endif
#endif
