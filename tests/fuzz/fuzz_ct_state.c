/* SPDX-License-Identifier: MIT */
/*
 * fuzz_ct_state.c - the conntrack table file reader on arbitrary bytes.
 *
 * format.c is included so that the readers are built with the fuzzer's
 * instrumentation.  The input is a whole table file, as nfu replay
 * --conntrack-state writes it and nfu conntrack reads it
 * (nfu_ct_table_parse()); each of its lines is also given alone to both
 * line readers (a connection, nfu_ct_entry_parse(); an expectation,
 * nfu_ct_exp_entry_parse()).  Besides the sanitizers' findings:
 *   - a refused file or line says why (a message), and a refused file
 *     names a line of it;
 *   - what is read, printed (with -o extended,id for a connection) and
 *     read again is the same entry, and prints the same line again (a
 *     fixed point);
 *   - the table's lines are the file's lines, each entry's index in
 *     range, the counts right.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "conntrack/format.c"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void conn_round_trip(const struct nfu_ct_entry *e)
{
	struct nfu_ct_entry again;
	char line[1024], line2[1024], err[256];
	unsigned int flags = NFU_CT_FMT_EXTENDED | NFU_CT_FMT_ID;
	size_t n;

	n = nfu_ct_entry_format(e, flags, line, sizeof(line));
	if (n >= sizeof(line))
		abort(); /* fields are bounded: a line always fits */
	if (nfu_ct_entry_parse(line, &again, err, sizeof(err)))
		abort(); /* what nfu prints, nfu reads */
	if (memcmp(e, &again, sizeof(again)))
		abort();
	nfu_ct_entry_format(&again, flags, line2, sizeof(line2));
	if (strcmp(line, line2))
		abort();
}

static void exp_round_trip(const struct nfu_ct_exp_entry *e)
{
	struct nfu_ct_exp_entry again;
	char line[1024], line2[1024], err[256];
	size_t n;

	n = nfu_ct_exp_entry_format(e, line, sizeof(line));
	if (n >= sizeof(line))
		abort();
	if (nfu_ct_exp_entry_parse(line, &again, err, sizeof(err)))
		abort();
	if (memcmp(e, &again, sizeof(again)))
		abort();
	nfu_ct_exp_entry_format(&again, line2, sizeof(line2));
	if (strcmp(line, line2))
		abort();
}

/* One line alone, to both line readers. */
static void one_line(const char *line)
{
	struct nfu_ct_entry e;
	struct nfu_ct_exp_entry x;
	char err[256];

	if (nfu_ct_entry_parse(line, &e, err, sizeof(err)) == 0)
		conn_round_trip(&e);
	else if (!err[0])
		abort(); /* a refusal says why */
	if (nfu_ct_exp_entry_parse(line, &x, err, sizeof(err)) == 0)
		exp_round_trip(&x);
	else if (!err[0])
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct nfu_ct_table t;
	size_t errline, nl = 1, nconn = 0, nexp = 0;
	char err[256];
	int rc;

	for (size_t i = 0; i < size; i++)
		nl += data[i] == '\n';
	rc = nfu_ct_table_parse(&t, (const char *)data, size, err, sizeof(err),
				&errline);
	if (rc) {
		if (rc != -EINVAL && rc != -ENOMEM)
			abort();
		if (!err[0] || (rc == -EINVAL && (errline < 1 || errline > nl)))
			abort(); /* says what and where */
		if (t.text || t.line || t.conn || t.exp)
			abort(); /* nothing left to free */
	} else {
		if (t.nlines != nl)
			abort();
		for (size_t i = 0; i < t.nlines; i++) {
			const struct nfu_ct_table_line *l = &t.line[i];

			switch (l->kind) {
			case NFU_CT_LINE_CONN:
				if (l->idx != nconn++ || l->idx >= t.nconn)
					abort();
				conn_round_trip(&t.conn[l->idx]);
				break;
			case NFU_CT_LINE_EXPECT:
				if (l->idx != nexp++ || l->idx >= t.nexp)
					abort();
				exp_round_trip(&t.exp[l->idx]);
				break;
			case NFU_CT_LINE_OTHER:
				break;
			default:
				abort();
			}
		}
		if (nconn != t.nconn || nexp != t.nexp)
			abort();
		nfu_ct_table_free(&t);
	}
	/* every line alone (a NUL ends a line here: the readers take C
	 * strings) */
	for (size_t i = 0; i < size;) {
		size_t j = i;
		char *line;

		while (j < size && data[j] != '\n')
			j++;
		line = malloc(j - i + 1);
		if (!line)
			return 0;
		memcpy(line, data + i, j - i);
		line[j - i] = 0;
		one_line(line);
		free(line);
		i = j + 1;
	}
	return 0;
}
