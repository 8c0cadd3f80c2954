/* SPDX-License-Identifier: MIT */
/*
 * nfu: netfilter in user space, the command.  The first argument names
 * the subcommand; each one lives in its own file (iptables.c,
 * iptables_save.c, iptables_restore.c, replay.c, conntrack.c) and gets
 * argv from its own name on, as if it had been run under that name.
 */
#include <stdio.h>
#include <string.h>

#include "cli.h"

static const struct {
	const char *name;
	int (*main)(int argc, char **argv);
	const char *what;
} subcommands[] = {
	{ "iptables", cli_iptables,
	  "change or list a ruleset as iptables 1.8 (legacy) does" },
	{ "iptables-save", cli_iptables_save,
	  "print a ruleset as iptables-legacy-save does" },
	{ "iptables-restore", cli_iptables_restore,
	  "load iptables-save text as iptables-legacy-restore does" },
	{ "replay", cli_replay,
	  "run a ruleset over captured traffic: what Linux would do" },
	{ "conntrack", cli_conntrack,
	  "list, count, flush or delete a saved conntrack table as conntrack does" },
	{ "queue", cli_queue,
	  "list the queues of a queue server (nfu queue -L)" },
};

static void usage(FILE *f)
{
	fprintf(f, "Usage: nfu SUBCOMMAND [ARGUMENTS]\n"
		   "       nfu --help | --version\n\nSubcommands:\n");
	for (size_t i = 0; i < sizeof(subcommands) / sizeof(subcommands[0]); i++)
		fprintf(f, "  %-18s %s\n", subcommands[i].name,
			subcommands[i].what);
	fprintf(f, "\nUntil nfu daemon exists, the iptables subcommands act on a "
		   "ruleset file:\n--state FILE, or the environment variable "
		   "NFU_STATE; conntrack on a table file: --conntrack-state\nFILE "
		   "(nfu replay writes one), or NFU_CONNTRACK_STATE; queue on a "
		   "queue server's\nsocket: --socket PATH, or NFU_QUEUE_SOCKET. "
		   "See nfu-iptables(8), nfu-replay(8),\nnfu-conntrack(8), "
		   "nfu-queue(8).\n");
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		usage(stderr);
		return 2;
	}
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
		usage(stdout);
		return 0;
	}
	if (!strcmp(argv[1], "--version") || !strcmp(argv[1], "-V")) {
		printf("nfu %s (iptables %s legacy compatible)\n", NFU_VERSION,
		       NFU_XT_IPTABLES_VERSION);
		return 0;
	}
	for (size_t i = 0; i < sizeof(subcommands) / sizeof(subcommands[0]); i++)
		if (!strcmp(argv[1], subcommands[i].name))
			return subcommands[i].main(argc - 1, argv + 1);
	fprintf(stderr, "nfu: unknown subcommand `%s'; try `nfu --help'\n",
		argv[1]);
	return 2;
}
