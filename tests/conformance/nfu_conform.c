/* SPDX-License-Identifier: MIT */
/*
 * nfu_conform.c - the nfu side of a conformance scenario.
 *
 *   nfu_conform SCEN OUT [--pcap-dir DIR] [--pause-ms N]
 *
 * Builds the host of SCEN/topology in a fresh stack, registers one counting
 * function on each of the five IPv4 hooks at the mangle table's priority
 * (where the kernel side's empty iptables rules count), and feeds the
 * frames of SCEN/packets with nfu_rx(), the stack's clock advancing by the
 * kernel side's pause before each.  The frames that leave each interface
 * are collected from ops.xmit (and written to DIR/DEV.pcap when asked);
 * the result (result.h) goes to OUT.  What nfu dropped, and why, is
 * printed to stdout: it helps reading a difference.
 *
 * With SCEN/rules (iptables-save text): restored with nfu_xt_restore() and
 * put in force with nfu_xt_commit() before the first frame; at the end the
 * counters of its tables (nfu_xt_save with counters) go in the result.
 * The LOG target's lines (ops.log) go in the result too, and the
 * connection tracking table when a rule turned conntrack on.
 * The counting functions then sit just before the mangle table (priority
 * NFU_IP_PRI_MANGLE - 1), as the kernel side's counting rules come first
 * in each mangle chain.
 *
 * Besides the nfu public API (nfu/nfu.h), only xtables/lang.h and, for
 * the conntrack table, conntrack/ct-private.h.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nfu/nfu.h"
#include "conntrack/ct-private.h"
#include "xtables/lang.h"
#include "pcapfile.h"
#include "result.h"
#include "scenario.h"

struct conform {
	struct conf_scenario sc;
	struct conf_result res;
	uint64_t counts[NFU_INET_NUMHOOKS];
	FILE *pcaps[CONF_MAX_DEVS];
	struct nfu_net *net;
	unsigned int frame;     /* number of the frame being fed, from 1 */
	int err;
};

static unsigned int count_hook(void *priv, struct nfu_pkt *pkt,
			       const struct nfu_hook_state *state)
{
	uint64_t *counts = priv;

	(void)pkt;
	counts[state->hook]++;
	return NFU_ACCEPT;
}

static void on_xmit(void *priv, struct nfu_dev *dev, const unsigned char *frame,
		    size_t len, const struct nfu_pkt *pkt)
{
	struct conform *c = priv;
	int d = conf_scenario_dev(&c->sc, dev->name);
	char desc[1024];

	(void)pkt;
	if (d < 0) {
		/* lo, say: the kernel side captures only on the peers. */
		conf_describe(frame, len, desc, sizeof(desc));
		printf("nfu: frame %u: sent by %s (not compared): %s\n",
		       c->frame, dev->name, desc);
		return;
	}
	if (conf_result_add(&c->res, dev->name, frame, len))
		c->err = -ENOMEM;
	if (c->pcaps[d] &&
	    conf_pcap_write(c->pcaps[d], nfu_net_now(c->net), frame, len))
		c->err = -EIO;
}

static void on_log(void *priv, int level, const char *line)
{
	struct conform *c = priv;

	(void)level;
	if (conf_result_add_log(&c->res, line))
		c->err = -ENOMEM;
}

static void on_dropped(void *priv, const struct nfu_pkt *pkt,
		       enum nfu_drop_reason reason)
{
	struct conform *c = priv;

	printf("nfu: frame %u: a packet was dropped: %s%s\n", c->frame,
	       nfu_drop_reason_name(reason),
	       pkt && pkt->local_out ? " (made by the host)" : "");
}

static int usage(void)
{
	fprintf(stderr, "usage: nfu_conform SCEN OUT [--pcap-dir DIR]"
		" [--pause-ms N]\n");
	return 2;
}

int main(int argc, char **argv)
{
	static struct conform c;
	struct nfu_hook_ops hooks[NFU_INET_NUMHOOKS];
	struct nfu_net_ops ops;
	struct nfu_error nerr;
	const char *pcap_dir = NULL;
	char err[1024], path[1200];
	char *rules = NULL;
	size_t rules_len = 0;
	unsigned long pause_ms = 20;
	uint64_t now = 0;
	unsigned int i, h;
	int r, ret = 2;

	if (argc < 3)
		return usage();
	for (i = 3; i < (unsigned int)argc; i++) {
		if (strcmp(argv[i], "--pcap-dir") == 0 && i + 1 < (unsigned)argc)
			pcap_dir = argv[++i];
		else if (strcmp(argv[i], "--pause-ms") == 0 &&
			 i + 1 < (unsigned int)argc)
			pause_ms = strtoul(argv[++i], NULL, 10);
		else
			return usage();
	}
	if (conf_scenario_load(&c.sc, argv[1], err, sizeof(err))) {
		fprintf(stderr, "nfu_conform: %s\n", err);
		return 2;
	}
	conf_result_init(&c.res);
	c.net = nfu_net_new();
	if (!c.net) {
		fprintf(stderr, "nfu_conform: nfu_net_new failed\n");
		goto out;
	}
	snprintf(path, sizeof(path), "%s/topology", c.sc.dir);
	r = nfu_topology_load_file(c.net, path, &nerr);
	if (r) {
		nfu_error_format(&nerr, err, sizeof(err));
		fprintf(stderr, "nfu_conform: %s\n", err);
		goto out;
	}
	memset(&ops, 0, sizeof(ops));
	ops.xmit = on_xmit;
	ops.dropped = on_dropped;
	ops.log = on_log;
	ops.priv = &c;
	nfu_net_set_ops(c.net, &ops);
	for (h = 0; h < NFU_INET_NUMHOOKS; h++) {
		hooks[h].hook = count_hook;
		hooks[h].priv = c.counts;
		hooks[h].pf = NFU_PROTO_IPV4;
		hooks[h].hooknum = (uint8_t)h;
		hooks[h].priority = NFU_IP_PRI_MANGLE - 1;
		r = nfu_hook_register(c.net, &hooks[h]);
		if (r) {
			fprintf(stderr, "nfu_conform: nfu_hook_register: %s\n",
				strerror(-r));
			goto out;
		}
	}
	rules = conf_scenario_file(&c.sc, "rules", &rules_len);
	if (!rules && errno != ENOENT) {
		fprintf(stderr, "nfu_conform: %s/rules: %s\n", c.sc.dir,
			strerror(errno));
		goto out;
	}
	if (rules) {
		struct nfu_xt_ruleset *rs = nfu_xt_ruleset_new();

		if (!rs) {
			fprintf(stderr, "nfu_conform: out of memory\n");
			goto out;
		}
		r = nfu_xt_restore(rs, rules, rules_len, 0, NULL, &nerr);
		if (!r)
			r = nfu_xt_commit(c.net, rs, &nerr);
		if (r) {
			nfu_xt_ruleset_free(rs);
			nfu_error_format(&nerr, err, sizeof(err));
			fprintf(stderr, "nfu_conform: %s/rules: %s\n",
				c.sc.dir, err);
			goto out;
		}
	}
	for (i = 0; pcap_dir && i < c.sc.ndevs; i++) {
		snprintf(path, sizeof(path), "%s/%s.pcap", pcap_dir,
			 c.sc.devs[i].name);
		c.pcaps[i] = conf_pcap_create(path);
		if (!c.pcaps[i]) {
			fprintf(stderr, "nfu_conform: %s: %s\n", path,
				strerror(errno));
			goto out;
		}
	}

	for (i = 0; i < c.sc.nframes; i++) {
		const struct conf_frame *f = &c.sc.frames[i];
		struct nfu_dev *dev = nfu_dev_by_name(c.net, f->dev);

		if (!dev) {
			fprintf(stderr, "nfu_conform: no device `%s' in the"
				" stack\n", f->dev);
			goto out;
		}
		for (const char *cmd = f->host_cmds; cmd && *cmd;) {
			size_t n = strcspn(cmd, "\n");
			struct nfu_error terr;

			/* 'host ip ...': applied to the running stack */
			if (nfu_topology_exec(c.net, cmd, n, "packets", f->line,
					      &terr)) {
				fprintf(stderr, "nfu_conform: %s\n", terr.msg);
				goto out;
			}
			cmd += n + (cmd[n] == '\n');
		}
		if (i > 0)
			now += pause_ms * 1000000u;
		now += (uint64_t)f->sleep_ms * 1000000u;
		nfu_net_set_time(c.net, now);
		c.frame = i + 1;
		r = nfu_rx(c.net, dev->ifindex, f->data, f->len);
		if (r) {
			fprintf(stderr, "nfu_conform: nfu_rx (line %u): %s\n",
				f->line, strerror(-r));
			goto out;
		}
	}
	c.frame = 0;
	/* As the kernel side waits before it stops capturing. */
	nfu_net_set_time(c.net, now + 300 * 1000000u);
	if (c.err) {
		fprintf(stderr, "nfu_conform: %s\n", strerror(-c.err));
		goto out;
	}
	for (h = 0; h < NFU_INET_NUMHOOKS; h++) {
		c.res.hooks[h] = c.counts[h];
		c.res.has_hooks[h] = true;
	}
	if (rules) {
		struct nfu_strbuf sb;

		nfu_sb_init(&sb);
		nfu_xt_save(nfu_xt_current(c.net), NULL, true, &sb);
		r = sb.oom ? -ENOMEM
			   : conf_result_add_rules(&c.res, sb.s ? sb.s : "",
						   rules, false);
		nfu_sb_free(&sb);
		if (r) {
			fprintf(stderr, "nfu_conform: the rules' counters: %s\n",
				r == -ENOENT ? "a table of the rules file is"
					       " missing" : strerror(-r));
			goto out;
		}
	}
	if (c.net->ct && ((struct nfu_ct_net *)c.net->ct)->enabled) {
		/* the table as conntrack -L lists it */
		struct nfu_ct **v = NULL;
		size_t n = 0, k;
		char line[1024];

		r = nfu_ct_list(c.net->ct, &v, &n);
		for (k = 0; !r && k < n; k++) {
			nfu_ct_format_flags(v[k], NFU_CT_FMT_EXTENDED, line,
					    sizeof(line));
			r = conf_result_add_ct(&c.res, line);
		}
		free(v);
		if (r) {
			fprintf(stderr, "nfu_conform: %s\n", strerror(-r));
			goto out;
		}
		conf_result_sort_ct(&c.res);
	}
	r = conf_result_write(&c.res, &c.sc, "nfu (nfu_conform)", argv[2]);
	if (r) {
		fprintf(stderr, "nfu_conform: %s: %s\n", argv[2], strerror(-r));
		goto out;
	}
	ret = 0;
out:
	for (i = 0; i < CONF_MAX_DEVS; i++)
		if (c.pcaps[i])
			fclose(c.pcaps[i]);
	if (c.net)
		nfu_net_free(c.net);
	free(rules);
	conf_result_free(&c.res);
	conf_scenario_free(&c.sc);
	return ret;
}
