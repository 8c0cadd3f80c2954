/* SPDX-License-Identifier: MIT */
/*
 * The state file: the ruleset a command acts on while no daemon exists.
 * Loaded with its counters, checked as the kernel would check it, written
 * back atomically.  See cli.h.
 */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "nfu/net.h"

static int read_all(FILE *f, char **out, size_t *len)
{
	size_t cap = 4096, n = 0;
	char *buf = malloc(cap);

	if (!buf)
		return -ENOMEM;
	for (;;) {
		size_t got;

		if (n == cap) {
			char *nb = realloc(buf, cap * 2);

			if (!nb) {
				free(buf);
				return -ENOMEM;
			}
			buf = nb;
			cap *= 2;
		}
		got = fread(buf + n, 1, cap - n, f);
		n += got;
		if (got == 0)
			break;
	}
	if (ferror(f)) {
		free(buf);
		return -EIO;
	}
	*out = buf;
	*len = n;
	return 0;
}

/* Locks the directory of 'path': the file itself is replaced by rename,
 * so a lock on it would be on the old inode. */
static int lock_dir(const char *path)
{
	char *copy = strdup(path);
	int fd;

	if (!copy)
		return -ENOMEM;
	fd = open(dirname(copy), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	free(copy);
	if (fd < 0)
		return -errno;
	if (flock(fd, LOCK_EX) < 0) {
		int e = errno;

		close(fd);
		return -e;
	}
	return fd;
}

/* The tables in the order the file names them: iptables-save prints the
 * newest first, so the first one gets the highest rank and the next save
 * prints them in the same order. */
static void rank_tables(struct nfu_xt_ruleset *rs, const char *text,
			size_t len)
{
	struct nfu_xt_table *seen[NFU_XT_NTABLES];
	unsigned int n = 0;
	const char *p = text, *end = text + len;

	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *eol = nl ? nl : end;

		if (*p == '*') {
			char name[32];
			size_t k = 0;
			const char *q = p + 1;
			struct nfu_xt_table *t;
			bool dup = false;

			while (q < eol && *q != ' ' && *q != '\t' &&
			       *q != '\r' && k + 1 < sizeof(name))
				name[k++] = *q++;
			name[k] = 0;
			t = nfu_xt_ruleset_table(rs, name);
			for (unsigned int i = 0; i < n; i++)
				dup |= seen[i] == t;
			if (t && !dup && n < NFU_XT_NTABLES)
				seen[n++] = t;
		}
		p = eol + 1;
	}
	for (unsigned int i = 0; i < NFU_XT_NTABLES; i++)
		rs->tables[i].used = 0;
	for (unsigned int i = 0; i < n; i++)
		seen[i]->used = n - i;
}

int cli_state_load(struct cli_state *st, const char *path, const char *prog)
{
	struct nfu_error err;
	char *text = NULL;
	size_t len = 0;
	FILE *f;
	int rc;

	memset(st, 0, sizeof(*st));
	st->lockfd = -1;
	nfu_sb_init(&st->orig);
	if (!path || !*path)
		path = getenv("NFU_STATE");
	if (!path || !*path) {
		fprintf(stderr,
			"%s: no ruleset to act on: nfu daemon does not exist yet, "
			"so name a ruleset file with --state FILE (or NFU_STATE=FILE)\n",
			prog);
		return 1;
	}
	st->path = path;
	st->lockfd = lock_dir(path);
	if (st->lockfd < 0) {
		fprintf(stderr, "%s: cannot lock the directory of %s: %s\n",
			prog, path, strerror(-st->lockfd));
		return 1;
	}
	f = fopen(path, "re");
	if (f) {
		st->existed = true;
		rc = read_all(f, &text, &len);
		fclose(f);
		if (rc) {
			fprintf(stderr, "%s: cannot read %s: %s\n", prog, path,
				strerror(-rc));
			return 1;
		}
	} else if (errno != ENOENT) {
		fprintf(stderr, "%s: cannot open %s: %s\n", prog, path,
			strerror(errno));
		return 1;
	}
	st->rs = nfu_xt_ruleset_new();
	if (!st->rs) {
		free(text);
		fprintf(stderr, "%s: out of memory\n", prog);
		return 1;
	}
	rc = nfu_xt_restore(st->rs, text ? text : "", len,
			    NFU_XT_RESTORE_COUNTERS, NULL, &err);
	if (rc) {
		free(text);
		fprintf(stderr, "%s: the state file %s does not load:\n%s", prog,
			path, err.msg);
		return 1;
	}
	rank_tables(st->rs, text ? text : "", len);
	free(text);
	nfu_xt_save(st->rs, NULL, true, &st->orig);
	if (st->orig.oom) {
		fprintf(stderr, "%s: out of memory\n", prog);
		return 1;
	}
	return 0;
}

bool cli_state_changed(const struct cli_state *st)
{
	struct nfu_strbuf sb;
	bool changed;

	if (!st->existed)
		return true;
	nfu_sb_init(&sb);
	nfu_xt_save(st->rs, NULL, true, &sb);
	changed = sb.oom || sb.len != st->orig.len ||
		  memcmp(sb.s, st->orig.s, sb.len);
	nfu_sb_free(&sb);
	return changed;
}

static int try_commit(const struct nfu_xt_ruleset *rs, struct nfu_error *err)
{
	struct nfu_xt_ruleset *copy = nfu_xt_ruleset_clone(rs);
	struct nfu_net *net = nfu_net_new();
	int rc = -ENOMEM;

	if (copy && net) {
		rc = nfu_xt_commit(net, copy, err);
		if (!rc)
			copy = NULL;   /* the stack owns it now */
	}
	nfu_xt_ruleset_free(copy);
	if (net)
		nfu_net_free(net);
	return rc;
}

/* Does table 'i' alone fail?  The other tables are emptied as
 * iptables-restore empties a table it is given. */
static bool table_fails(const struct nfu_xt_ruleset *rs, unsigned int i)
{
	struct nfu_xt_ruleset *copy = nfu_xt_ruleset_clone(rs);
	struct nfu_strbuf sb;
	struct nfu_error err;
	bool fails = false;

	if (!copy)
		return false;
	nfu_sb_init(&sb);
	for (unsigned int k = 0; k < NFU_XT_NTABLES; k++)
		if (k != i)
			nfu_sb_printf(&sb, "*%s\nCOMMIT\n",
				      copy->tables[k].def->name);
	if (!sb.oom && !nfu_xt_restore(copy, sb.s, sb.len, 0, NULL, &err))
		fails = try_commit(copy, &err) < 0;
	nfu_sb_free(&sb);
	nfu_xt_ruleset_free(copy);
	return fails;
}

int cli_state_check(const struct cli_state *st,
		    const struct nfu_xt_restore_info *info, unsigned int *line,
		    struct nfu_error *err)
{
	int rc = try_commit(st->rs, err);

	if (!rc || !info || !line)
		return rc;
	/* iptables-restore commits table by table, so the table that fails
	 * first is the one whose COMMIT comes first in the input. */
	*line = 0;
	for (unsigned int i = 0; i < NFU_XT_NTABLES; i++) {
		unsigned int l = info->commit_line[i];

		if (l && (!*line || l < *line) && table_fails(st->rs, i))
			*line = l;
	}
	return rc;
}

int cli_state_write(struct cli_state *st, const char *prog)
{
	struct nfu_strbuf sb;
	struct stat old;
	char *tmp = NULL;
	mode_t mode = 0666;
	int fd = -1, rc = 1;
	size_t off = 0;

	nfu_sb_init(&sb);
	cli_save_text(st->rs, NULL, true, &sb);
	if (sb.oom || asprintf(&tmp, "%s.tmp.%ld", st->path, (long)getpid()) < 0) {
		tmp = NULL;
		fprintf(stderr, "%s: out of memory\n", prog);
		goto out;
	}
	if (stat(st->path, &old) == 0)
		mode = old.st_mode & 07777;
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
	if (fd < 0) {
		fprintf(stderr, "%s: cannot create %s: %s\n", prog, tmp,
			strerror(errno));
		goto out;
	}
	if (st->existed && fchmod(fd, mode) < 0)
		goto fail;
	while (off < sb.len) {
		ssize_t n = write(fd, sb.s + off, sb.len - off);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			goto fail;
		}
		off += (size_t)n;
	}
	if (fsync(fd) < 0)
		goto fail;
	if (close(fd) < 0) {
		fd = -1;
		goto fail;
	}
	fd = -1;
	if (rename(tmp, st->path) < 0)
		goto fail;
	rc = 0;
	goto out;
fail:
	fprintf(stderr, "%s: cannot write %s: %s\n", prog, tmp, strerror(errno));
	if (fd >= 0)
		close(fd);
	unlink(tmp);
out:
	free(tmp);
	nfu_sb_free(&sb);
	return rc;
}

void cli_state_free(struct cli_state *st)
{
	nfu_xt_ruleset_free(st->rs);
	st->rs = NULL;
	nfu_sb_free(&st->orig);
	if (st->lockfd >= 0)
		close(st->lockfd);
	st->lockfd = -1;
}

/* iptables-save prints these two lines around each table; the text of
 * nfu_xt_save() has each table from "*name" to "COMMIT". */
void cli_save_text(const struct nfu_xt_ruleset *rs, const char *only_table,
		   bool counters, struct nfu_strbuf *sb)
{
	struct nfu_strbuf raw;
	const char *p, *end;
	char date[64];
	time_t now = time(NULL);
	struct tm tm;

	if (!localtime_r(&now, &tm) ||
	    !strftime(date, sizeof(date), "%a %b %e %H:%M:%S %Y", &tm))
		snprintf(date, sizeof(date), "%lld", (long long)now);
	nfu_sb_init(&raw);
	nfu_xt_save(rs, only_table, counters, &raw);
	if (raw.oom) {
		sb->oom = true;
		nfu_sb_free(&raw);
		return;
	}
	p = raw.s ? raw.s : "";
	end = p + raw.len;
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t n = nl ? (size_t)(nl - p) + 1 : (size_t)(end - p);

		if (*p == '*')
			nfu_sb_printf(sb, "# Generated by nfu iptables-save v%s on %s\n",
				      NFU_VERSION, date);
		nfu_sb_printf(sb, "%.*s", (int)n, p);
		if (n >= 6 && !strncmp(p, "COMMIT", 6) && (n == 6 || p[6] == '\n'))
			nfu_sb_printf(sb, "# Completed on %s\n", date);
		p += n;
	}
	nfu_sb_free(&raw);
}

static int find_long(struct cli_getopt *g, const char *word, size_t len,
		     const struct cli_opt *opts)
{
	int found = -1;
	bool ambiguous = false;

	for (int i = 0; opts[i].name; i++) {
		if (strncmp(opts[i].name, word, len))
			continue;
		if (strlen(opts[i].name) == len)
			return i;
		if (found >= 0)
			ambiguous = true;
		found = i;
	}
	if (ambiguous) {
		fprintf(stderr, "%s: option '--%.*s' is ambiguous\n", g->prog,
			(int)len, word);
		return CLI_ERROR;
	}
	if (found < 0)
		fprintf(stderr, "%s: unrecognized option '--%.*s'\n", g->prog,
			(int)len, word);
	return found < 0 ? CLI_ERROR : found;
}

int cli_getopt(struct cli_getopt *g, int argc, char **argv,
	       const struct cli_opt *opts)
{
	g->arg = NULL;
	if (g->cluster && *g->cluster) {
		char c = *g->cluster++;

		for (int i = 0; opts[i].name; i++) {
			if (opts[i].short_name != c)
				continue;
			if (opts[i].has_arg == CLI_NOARG)
				return i;
			if (*g->cluster) {
				g->arg = g->cluster;
				g->cluster = NULL;
				return i;
			}
			g->cluster = NULL;
			if (opts[i].has_arg == CLI_OPTARG)
				return i;
			if (g->i >= argc) {
				fprintf(stderr,
					"%s: option requires an argument -- '%c'\n",
					g->prog, c);
				return CLI_ERROR;
			}
			g->arg = argv[g->i++];
			return i;
		}
		fprintf(stderr, "%s: invalid option -- '%c'\n", g->prog, c);
		return CLI_ERROR;
	}
	g->cluster = NULL;
	if (g->i >= argc)
		return CLI_END;
	{
		const char *w = argv[g->i++];

		if (!strcmp(w, "--")) {
			if (g->i >= argc)
				return CLI_END;
			g->arg = argv[g->i++];
			return CLI_WORD;
		}
		if (w[0] != '-' || !w[1]) {
			g->arg = w;
			return CLI_WORD;
		}
		if (w[1] != '-') {
			g->cluster = w + 1;
			return cli_getopt(g, argc, argv, opts);
		}
		w += 2;
		const char *eq = strchr(w, '=');
		size_t len = eq ? (size_t)(eq - w) : strlen(w);
		int i = find_long(g, w, len, opts);

		if (i < 0)
			return i;
		if (opts[i].has_arg == CLI_NOARG && eq) {
			fprintf(stderr,
				"%s: option '--%s' doesn't allow an argument\n",
				g->prog, opts[i].name);
			return CLI_ERROR;
		}
		if (eq)
			g->arg = eq + 1;
		else if (opts[i].has_arg == CLI_ARG) {
			if (g->i >= argc) {
				fprintf(stderr,
					"%s: option '--%s' requires an argument\n",
					g->prog, opts[i].name);
				return CLI_ERROR;
			}
			g->arg = argv[g->i++];
		}
		return i;
	}
}
