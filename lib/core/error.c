/* SPDX-License-Identifier: MIT */
/*
 * core/error.c - the parsers' error object (nfu/error.h).
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "nfu/error.h"

int nfu_error_set(struct nfu_error *err, const char *where, unsigned int line,
		  unsigned int column, const char *fmt, ...)
{
	va_list ap;

	if (!err)
		return -EINVAL;
	/* snprintf, not strncpy: 'where' may be longer than the field, and
	 * the copy must stay terminated. */
	snprintf(err->where, sizeof(err->where), "%s", where ? where : "");
	err->line = line;
	err->column = line ? column : 0;
	va_start(ap, fmt);
	vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
	va_end(ap);
	return -EINVAL;
}

void nfu_error_format(const struct nfu_error *err, char *buf, size_t len)
{
	char pos[64] = "";

	if (!buf || !len)
		return;
	if (!err) {
		buf[0] = '\0';
		return;
	}
	/* A column without a line says nothing: it is left out with it. */
	if (err->line && err->column)
		snprintf(pos, sizeof(pos), "%u:%u:", err->line, err->column);
	else if (err->line)
		snprintf(pos, sizeof(pos), "%u:", err->line);

	if (err->where[0] && pos[0])
		snprintf(buf, len, "%s:%s %s", err->where, pos, err->msg);
	else if (err->where[0])
		snprintf(buf, len, "%s: %s", err->where, err->msg);
	else if (pos[0])
		snprintf(buf, len, "%s %s", pos, err->msg);
	else
		snprintf(buf, len, "%s", err->msg);
}
