/* SPDX-License-Identifier: MIT */
/* A growing string buffer for save and listing text; an allocation failure
 * is remembered ('oom') rather than reported at every call. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <errno.h>
#include <string.h>

#include "xtables/xt-private.h"

void nfu_sb_init(struct nfu_strbuf *sb)
{
	memset(sb, 0, sizeof(*sb));
}

void nfu_sb_free(struct nfu_strbuf *sb)
{
	free(sb->s);
	memset(sb, 0, sizeof(*sb));
}

static bool grow(struct nfu_strbuf *sb, size_t need)
{
	size_t cap;
	char *n;

	if (sb->oom)
		return false;
	if (sb->len + need + 1 <= sb->cap)
		return true;
	cap = sb->cap ? sb->cap : 256;
	while (cap < sb->len + need + 1)
		cap *= 2;
	n = realloc(sb->s, cap);
	if (!n) {
		sb->oom = true;
		return false;
	}
	sb->s = n;
	sb->cap = cap;
	return true;
}

void nfu_sb_puts(struct nfu_strbuf *sb, const char *s)
{
	size_t n = strlen(s);

	if (!grow(sb, n))
		return;
	memcpy(sb->s + sb->len, s, n + 1);
	sb->len += n;
}

void nfu_sb_printf(struct nfu_strbuf *sb, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0 || !grow(sb, (size_t)n))
		return;
	va_start(ap, fmt);
	vsnprintf(sb->s + sb->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	sb->len += (size_t)n;
}

int nfu_xt_error(struct nfu_xt_parse_ctx *ctx, const char *fmt, ...)
{
	va_list ap;

	if (ctx->err) {
		va_start(ap, fmt);
		vsnprintf(ctx->err->msg, sizeof(ctx->err->msg), fmt, ap);
		va_end(ap);
	}
	return -EINVAL;
}
