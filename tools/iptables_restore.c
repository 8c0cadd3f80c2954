/* SPDX-License-Identifier: MIT */
/*
 * nfu iptables-restore [-n] [-t] [-c] [-T TABLE] [--state FILE] [FILE]:
 * iptables-save text into the ruleset, as iptables-legacy-restore reads
 * it.  Unlike the kernel's table-by-table commits, the whole input is
 * applied or nothing is.
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

static const char prog[] = "nfu iptables-restore";

enum { O_COUNTERS, O_VERBOSE, O_VERSION, O_TEST, O_HELP, O_NOFLUSH,
       O_MODPROBE, O_TABLE, O_WAIT, O_WAIT_INTERVAL, O_BINARY, O_STATE };
static const struct cli_opt opts[] = {
	[O_COUNTERS] = { "counters", 'c', CLI_NOARG },
	[O_VERBOSE] = { "verbose", 'v', CLI_NOARG },
	[O_VERSION] = { "version", 'V', CLI_NOARG },
	[O_TEST] = { "test", 't', CLI_NOARG },
	[O_HELP] = { "help", 'h', CLI_NOARG },
	[O_NOFLUSH] = { "noflush", 'n', CLI_NOARG },
	[O_MODPROBE] = { "modprobe", 'M', CLI_ARG },
	[O_TABLE] = { "table", 'T', CLI_ARG },
	[O_WAIT] = { "wait", 'w', CLI_OPTARG },
	[O_WAIT_INTERVAL] = { "wait-interval", 'W', CLI_OPTARG },
	[O_BINARY] = { "binary", 'b', CLI_NOARG },
	[O_STATE] = { "state", 0, CLI_ARG },
	{ NULL, 0, 0 },
};

static void usage(void)
{
	fprintf(stderr,
		"Usage: iptables-restore [-c] [-v] [-V] [-t] [-h] [-n] [-w secs] "
		"[-W usecs] [-T table] [-M command] [file]\n"
		"	   [ --counters ]\n"
		"	   [ --verbose ]\n"
		"	   [ --version]\n"
		"	   [ --test ]\n"
		"	   [ --help ]\n"
		"	   [ --noflush ]\n"
		"	   [ --wait=<seconds>\n"
		"	   [ --table=<TABLE> ]\n"
		"	   [ --modprobe=<command> ]\n"
		"	   [ --state=<FILE> ]   (nfu: the ruleset file)\n");
}

static bool numeric(const char *s)
{
	if (!*s)
		return false;
	for (; *s; s++)
		if (!isdigit((unsigned char)*s))
			return false;
	return true;
}

static int read_input(const char *path, char **text, size_t *len)
{
	FILE *f = path ? fopen(path, "re") : stdin;
	size_t cap = 65536, n = 0;
	char *buf;

	if (!f) {
		fprintf(stderr, "Can't open %s: %s\n", path, strerror(errno));
		return 1;
	}
	buf = malloc(cap);
	while (buf) {
		size_t got = fread(buf + n, 1, cap - n, f);

		n += got;
		if (!got)
			break;
		if (n == cap) {
			char *nb = realloc(buf, cap * 2);

			if (!nb) {
				free(buf);
				buf = NULL;
				break;
			}
			buf = nb;
			cap *= 2;
		}
	}
	if (buf && ferror(f)) {
		fprintf(stderr, "%s: cannot read %s: %s\n", prog,
			path ? path : "standard input", strerror(errno));
		free(buf);
		buf = NULL;
	} else if (!buf) {
		fprintf(stderr, "%s: out of memory\n", prog);
	}
	if (path)
		fclose(f);
	if (!buf)
		return 1;
	*text = buf;
	*len = n;
	return 0;
}

int cli_iptables_restore(int argc, char **argv)
{
	struct cli_getopt g = { .i = 1, .prog = "iptables-restore" };
	const char *table = NULL, *state = NULL, *input = NULL;
	unsigned int flags = 0, nwords = 0;
	bool wait = false, wait_interval = false;
	struct nfu_xt_restore_info info;
	struct nfu_error err;
	struct cli_state st;
	char *text = NULL;
	size_t len = 0;
	int o, rc;

	while ((o = cli_getopt(&g, argc, argv, opts)) != CLI_END) {
		switch (o) {
		case O_COUNTERS:
			flags |= NFU_XT_RESTORE_COUNTERS;
			break;
		case O_VERBOSE:
		case O_MODPROBE:
			break;
		case O_BINARY:
			fprintf(stderr, "-b/--binary option is not implemented\n");
			break;
		case O_VERSION:
			printf("iptables-restore v%s (legacy)\n",
			       NFU_XT_IPTABLES_VERSION);
			return 0;
		case O_TEST:
			flags |= NFU_XT_RESTORE_TEST;
			break;
		case O_HELP:
			usage();
			return 0;
		case O_NOFLUSH:
			flags |= NFU_XT_RESTORE_NOFLUSH;
			break;
		case O_TABLE:
			table = g.arg;
			break;
		case O_WAIT:
		case O_WAIT_INTERVAL:
			/* nothing to wait for: the state file is locked
			 * anyway; as iptables, a number may follow */
			if (!g.arg && g.i < argc && numeric(argv[g.i]))
				g.i++;
			if (o == O_WAIT)
				wait = true;
			else
				wait_interval = true;
			break;
		case O_STATE:
			state = g.arg;
			break;
		case CLI_WORD:
			input = g.arg;
			nwords++;
			break;
		default:
			fprintf(stderr, "Try `iptables-restore -h' for more "
					"information.\n");
			return 1;
		}
	}
	if (nwords > 1) {
		fprintf(stderr, "Unknown arguments found on commandline\n");
		return 1;
	}
	if (read_input(input, &text, &len))
		return 1;
	if (wait_interval && !wait) {
		free(text);
		fprintf(stderr, "Option --wait-interval requires option --wait\n");
		return 1;
	}
	rc = cli_state_load(&st, state, prog);
	if (rc)
		goto out;
	memset(&info, 0, sizeof(info));
	rc = nfu_xt_restore_info(st.rs, text, len, flags, table, &info, &err);
	if (rc) {
		fputs(err.msg, stderr);
		rc = nfu_xt_exit_status(rc);
		goto out;
	}
	if ((flags & NFU_XT_RESTORE_TEST) || !cli_state_changed(&st))
		goto out;
	{
		unsigned int line = 0;

		rc = cli_state_check(&st, &info, &line, &err);
		if (rc) {
			if (line)
				fprintf(stderr, "iptables-restore: line %u failed\n",
					line);
			fprintf(stderr, "%s: the kernel would refuse this "
					"ruleset: %s\n",
				prog, err.msg[0] ? err.msg : strerror(-rc));
			rc = 1;
			goto out;
		}
	}
	rc = cli_state_write(&st, prog);
out:
	cli_state_free(&st);
	free(text);
	return rc;
}
