/* SPDX-License-Identifier: MIT */
/*
 * conform_tool.c - the parts of the conformance suite that do not need
 * nfu: the kernel side's sender and result maker, and the comparison.
 *
 *   conform_tool show SCEN
 *       Builds every frame of scenario directory SCEN and decodes it.
 *   conform_tool devices SCEN
 *       Prints "DEV HOST_MAC PEER_MAC" per device, in topology order.
 *   conform_tool send SCEN PAUSE_MS DEV=NETNS:IFNAME…
 *       Sends the frames in order, each from the peer interface IFNAME in
 *       the named network namespace (/var/run/netns/NETNS) of its device,
 *       PAUSE_MS milliseconds apart.  One process: the AF_PACKET sockets
 *       are opened in each namespace (setns there and back), so that the
 *       order of the frames is the order of the file.
 *   conform_tool result SCEN OUT ORIGIN COUNTERS [--save=SAVE] [--log=LOG]
 *                       [--conntrack=CT] DEV=PCAP…
 *       Writes the result (result.h) from the output of
 *       'iptables-legacy -t mangle -L -v -x -n' in COUNTERS and the
 *       captures made on each device's peer; with a rules file in SCEN,
 *       the counters of its tables from 'iptables-legacy-save -c' in SAVE
 *       (whose mangle chains start with the counting rules); with LOG,
 *       the LOG target's lines in it, one a line; with --conntrack, the
 *       connection tracking table in CT, as conntrack -L (any -o) lists
 *       it (normalised and sorted: conf_ct_normalise()).
 *       The packets file's 'host CMD' lines run before their frame, as
 *       `ip netns exec $NFU_CONFORM_HOST_NS CMD'.
 *   conform_tool at SCEN [PAUSE_MS]
 *       Prints "SECONDS<TAB>CMD" for each 'host CMD' line: the time of its
 *       frame after the first frame's (as cmd_pcap times them), for nfu
 *       replay --at.
 *   conform_tool compare SCEN A A_NAME B B_NAME [-v]
 *       Compares two results; exit 0 when equal, 1 when not, 2 on error.
 *   conform_tool pcap SCEN OUTDIR [PAUSE_MS]
 *       Writes the frames of each device to OUTDIR/DEV.pcap (nanosecond
 *       pcap, one file per device of the topology, empty when it has
 *       none), timed as they are sent: the first at 2026-01-01 00:00:00
 *       UTC, then PAUSE_MS (20) apart, plus the 'sleep' lines: the input
 *       of `nfu replay -t SCEN/topology -i DEV=OUTDIR/DEV.pcap …'.
 *   conform_tool tx-csum-off DEV…
 *       Turns transmit checksum offload off on each DEV of the current
 *       network namespace (ethtool -K DEV tx off), so that the checksums
 *       Linux leaves to the hardware (CHECKSUM_PARTIAL: the resets of the
 *       REJECT target, say) are complete on the wire, as a real NIC makes
 *       them, rather than left half-done by veth.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <linux/ethtool.h>
#include <linux/if_packet.h>
#include <linux/sockios.h>
#include <net/if.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "pcapfile.h"
#include "pktdesc.h"
#include "result.h"
#include "scenario.h"

static int usage(void)
{
	fprintf(stderr,
		"usage: conform_tool show SCEN\n"
		"       conform_tool pcap SCEN OUTDIR [PAUSE_MS]\n"
		"       conform_tool devices SCEN\n"
		"       conform_tool at SCEN [PAUSE_MS]\n"
		"       conform_tool send SCEN PAUSE_MS DEV=NETNS:IFNAME...\n"
		"       conform_tool result SCEN OUT ORIGIN COUNTERS [--save=SAVE]"
		" [--log=LOG]\n"
		"                           [--conntrack=CT] DEV=PCAP...\n"
		"       conform_tool compare SCEN A A_NAME B B_NAME [-v]\n"
		"       conform_tool tx-csum-off DEV...\n");
	return 2;
}

static int load(struct conf_scenario *sc, const char *dir)
{
	char err[1024];

	if (conf_scenario_load(sc, dir, err, sizeof(err))) {
		fprintf(stderr, "conform_tool: %s\n", err);
		return -1;
	}
	return 0;
}

static void print_mac(const uint8_t *m)
{
	printf("%02x:%02x:%02x:%02x:%02x:%02x", m[0], m[1], m[2], m[3], m[4],
	       m[5]);
}

static int cmd_show(const struct conf_scenario *sc)
{
	char desc[1024];
	unsigned int i;

	for (i = 0; i < sc->nframes; i++) {
		conf_describe(sc->frames[i].data, sc->frames[i].len, desc,
			      sizeof(desc));
		printf("%u (line %u) %s: %s\n", i + 1, sc->frames[i].line,
		       sc->frames[i].dev, desc);
	}
	return 0;
}

#define PCAP_EPOCH_NS (1767225600ull * 1000000000ull)

static int cmd_pcap(const struct conf_scenario *sc, const char *outdir,
		    unsigned long pause_ms)
{
	FILE *f[CONF_MAX_DEVS] = { 0 };
	char path[2048];
	uint64_t now = PCAP_EPOCH_NS;
	unsigned int i, d;
	int ret = 0;

	for (d = 0; d < sc->ndevs; d++) {
		snprintf(path, sizeof(path), "%s/%s.pcap", outdir,
			 sc->devs[d].name);
		f[d] = conf_pcap_create(path);
		if (!f[d]) {
			fprintf(stderr, "conform_tool: %s: %s\n", path,
				strerror(errno));
			ret = 2;
			goto out;
		}
	}
	for (i = 0; i < sc->nframes; i++) {
		const struct conf_frame *fr = &sc->frames[i];

		if (i > 0)
			now += pause_ms * 1000000u;
		now += (uint64_t)fr->sleep_ms * 1000000u;
		for (d = 0; d < sc->ndevs; d++)
			if (!strcmp(sc->devs[d].name, fr->dev))
				break;
		if (d == sc->ndevs) {
			fprintf(stderr, "conform_tool: line %u: no device `%s'\n",
				fr->line, fr->dev);
			ret = 2;
			goto out;
		}
		if (conf_pcap_write(f[d], now, fr->data, fr->len)) {
			fprintf(stderr, "conform_tool: %s.pcap: %s\n", fr->dev,
				strerror(errno));
			ret = 2;
			goto out;
		}
	}
out:
	for (d = 0; d < sc->ndevs; d++)
		if (f[d] && fclose(f[d]) && !ret) {
			fprintf(stderr, "conform_tool: %s: %s\n", outdir,
				strerror(errno));
			ret = 2;
		}
	return ret;
}

static int cmd_devices(const struct conf_scenario *sc)
{
	unsigned int i;

	for (i = 0; i < sc->ndevs; i++) {
		printf("%s ", sc->devs[i].name);
		print_mac(sc->devs[i].mac);
		putchar(' ');
		print_mac(sc->devs[i].peer_mac);
		putchar('\n');
	}
	return 0;
}

/* A packet socket bound to 'ifname' in namespace 'netns'; -1 on error. */
static int open_in_netns(int selfns, const char *netns, const char *ifname)
{
	struct sockaddr_ll sll;
	char path[512];
	int nsfd, s = -1, saved;

	snprintf(path, sizeof(path), "/var/run/netns/%s", netns);
	nsfd = open(path, O_RDONLY | O_CLOEXEC);
	if (nsfd < 0) {
		fprintf(stderr, "conform_tool: %s: %s\n", path, strerror(errno));
		return -1;
	}
	if (setns(nsfd, CLONE_NEWNET)) {
		fprintf(stderr, "conform_tool: setns %s: %s\n", netns,
			strerror(errno));
		close(nsfd);
		return -1;
	}
	close(nsfd);
	/* Protocol 0: this socket only sends, it receives nothing. */
	s = socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC, 0);
	if (s < 0) {
		fprintf(stderr, "conform_tool: socket: %s\n", strerror(errno));
		goto back;
	}
	memset(&sll, 0, sizeof(sll));
	sll.sll_family = AF_PACKET;
	sll.sll_ifindex = (int)if_nametoindex(ifname);
	if (!sll.sll_ifindex ||
	    bind(s, (struct sockaddr *)&sll, sizeof(sll))) {
		fprintf(stderr, "conform_tool: %s in %s: %s\n", ifname, netns,
			strerror(errno));
		close(s);
		s = -1;
	}
back:
	saved = errno;
	if (setns(selfns, CLONE_NEWNET)) {
		fprintf(stderr, "conform_tool: setns back: %s\n",
			strerror(errno));
		exit(2);
	}
	errno = saved;
	return s;
}

/* The 'host' lines before a frame, in the host's namespace. */
static int run_host_cmds(const char *cmds)
{
	const char *ns = getenv("NFU_CONFORM_HOST_NS");

	if (!ns || !*ns) {
		fprintf(stderr, "conform_tool: `host' lines need"
			" NFU_CONFORM_HOST_NS\n");
		return -1;
	}
	while (*cmds) {
		size_t n = strcspn(cmds, "\n");
		char line[1200];
		int rc;

		snprintf(line, sizeof(line), "ip netns exec '%s' %.*s", ns,
			 (int)n, cmds);
		rc = system(line);
		if (rc != 0) {
			fprintf(stderr, "conform_tool: `%s' failed\n", line);
			return -1;
		}
		cmds += n + (cmds[n] == '\n');
	}
	return 0;
}

/* 'host' lines with the time of their frame after the first frame's. */
static int cmd_at(const struct conf_scenario *sc, unsigned long pause_ms)
{
	uint64_t t = 0;

	for (unsigned int i = 0; i < sc->nframes; i++) {
		const struct conf_frame *fr = &sc->frames[i];
		const char *c = fr->host_cmds;

		if (i > 0)
			t += pause_ms * 1000000u;
		t += (uint64_t)fr->sleep_ms * 1000000u;
		while (c && *c) {
			size_t n = strcspn(c, "\n");

			printf("%" PRIu64 ".%09" PRIu64 "\t%.*s\n",
			       t / 1000000000u, t % 1000000000u, (int)n, c);
			c += n + (c[n] == '\n');
		}
	}
	return 0;
}

static int cmd_send(const struct conf_scenario *sc, unsigned long pause_ms,
		    char **maps, int nmaps)
{
	int socks[CONF_MAX_DEVS];
	struct timespec ts;
	unsigned int i;
	int selfns, k, ret = 2;

	for (i = 0; i < CONF_MAX_DEVS; i++)
		socks[i] = -1;
	selfns = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
	if (selfns < 0) {
		perror("conform_tool: /proc/self/ns/net");
		return 2;
	}
	for (k = 0; k < nmaps; k++) {
		char dev[64], netns[256], ifname[64];
		int d;

		if (sscanf(maps[k], "%63[^=]=%255[^:]:%63s", dev, netns,
			   ifname) != 3) {
			fprintf(stderr, "conform_tool: expected DEV=NETNS:IFNAME,"
				" not `%s'\n", maps[k]);
			goto out;
		}
		d = conf_scenario_dev(sc, dev);
		if (d < 0) {
			fprintf(stderr, "conform_tool: no device `%s'\n", dev);
			goto out;
		}
		socks[d] = open_in_netns(selfns, netns, ifname);
		if (socks[d] < 0)
			goto out;
	}
	ts.tv_sec = (time_t)(pause_ms / 1000);
	ts.tv_nsec = (long)(pause_ms % 1000) * 1000000L;
	for (i = 0; i < sc->nframes; i++) {
		const struct conf_frame *f = &sc->frames[i];
		int d = conf_scenario_dev(sc, f->dev);

		if (i > 0)
			nanosleep(&ts, NULL);
		if (f->sleep_ms) {
			struct timespec extra = {
				(time_t)(f->sleep_ms / 1000),
				(long)(f->sleep_ms % 1000) * 1000000L,
			};

			nanosleep(&extra, NULL);
		}
		if (f->host_cmds && run_host_cmds(f->host_cmds))
			goto out;
		if (d < 0 || socks[d] < 0) {
			fprintf(stderr, "conform_tool: no socket for `%s'\n",
				f->dev);
			goto out;
		}
		if (send(socks[d], f->data, f->len, 0) != (ssize_t)f->len) {
			fprintf(stderr, "conform_tool: send (line %u): %s\n",
				f->line, strerror(errno));
			goto out;
		}
	}
	ret = 0;
out:
	for (i = 0; i < CONF_MAX_DEVS; i++)
		if (socks[i] >= 0)
			close(socks[i]);
	close(selfns);
	return ret;
}

/* The packet count of each built-in chain's first rule. */
static int read_counters(const char *path, struct conf_result *r)
{
	char line[1024];
	int h = -1, i;
	FILE *f = fopen(path, "r");

	if (!f) {
		fprintf(stderr, "conform_tool: %s: %s\n", path, strerror(errno));
		return -1;
	}
	while (fgets(line, sizeof(line), f)) {
		char name[64];
		unsigned long long pkts;

		if (sscanf(line, "Chain %63s", name) == 1) {
			h = -1;
			for (i = 0; i < CONF_NHOOKS; i++)
				if (strcmp(name, conf_hook_names[i]) == 0)
					h = i;
			continue;
		}
		if (h >= 0 && !r->has_hooks[h] &&
		    sscanf(line, " %llu", &pkts) == 1) {
			r->hooks[h] = pkts;
			r->has_hooks[h] = true;
		}
	}
	fclose(f);
	for (i = 0; i < CONF_NHOOKS; i++)
		if (!r->has_hooks[i]) {
			fprintf(stderr, "conform_tool: %s: no rule counter in"
				" chain %s\n", path, conf_hook_names[i]);
			return -1;
		}
	return 0;
}

struct add_ctx {
	struct conf_result *r;
	const char *dev;
};

static int add_frame(void *priv, const unsigned char *frame, size_t len)
{
	struct add_ctx *c = priv;

	return conf_result_add(c->r, c->dev, frame, len);
}

static int cmd_result(const struct conf_scenario *sc, const char *out,
		      const char *origin, const char *counters, char **maps,
		      int nmaps)
{
	struct conf_result r;
	const char *save_path = NULL;
	char *rules = NULL, *save = NULL;
	unsigned int i;
	int k, ret = 2, e;

	conf_result_init(&r);
	if (read_counters(counters, &r))
		goto out;
	rules = conf_scenario_file(sc, "rules", NULL);
	if (!rules && errno != ENOENT) {
		fprintf(stderr, "conform_tool: %s/rules: %s\n", sc->dir,
			strerror(errno));
		goto out;
	}
	for (k = 0; rules && k < nmaps; k++)
		if (strncmp(maps[k], "--save=", 7) == 0)
			save_path = maps[k] + 7;
	if (rules && !save_path) {
		fprintf(stderr, "conform_tool: a rules file and no --save\n");
		goto out;
	}
	if (rules) {
		save = conf_read_file(save_path, NULL);
		if (!save) {
			fprintf(stderr, "conform_tool: %s: %s\n", save_path,
				strerror(errno));
			goto out;
		}
		e = conf_result_add_rules(&r, save, rules, true);
		if (e) {
			fprintf(stderr, "conform_tool: %s: %s\n", save_path,
				e == -ENOENT ? "a table of the rules file is"
					       " missing" : strerror(-e));
			goto out;
		}
	}
	for (k = 0; k < nmaps; k++) {
		char line[4096];
		FILE *f;

		if (strncmp(maps[k], "--log=", 6) != 0)
			continue;
		f = fopen(maps[k] + 6, "r");
		if (!f) {
			fprintf(stderr, "conform_tool: %s: %s\n", maps[k] + 6,
				strerror(errno));
			goto out;
		}
		e = 0;
		while (!e && fgets(line, sizeof(line), f))
			e = conf_result_add_log(&r, line);
		fclose(f);
		if (e) {
			fprintf(stderr, "conform_tool: %s\n", strerror(-e));
			goto out;
		}
	}
	for (k = 0; k < nmaps; k++) {
		char line[4096];
		FILE *f;

		if (strncmp(maps[k], "--conntrack=", 12) != 0)
			continue;
		f = fopen(maps[k] + 12, "r");
		if (!f) {
			fprintf(stderr, "conform_tool: %s: %s\n", maps[k] + 12,
				strerror(errno));
			goto out;
		}
		e = 0;
		while (!e && fgets(line, sizeof(line), f))
			e = conf_result_add_ct(&r, line);
		fclose(f);
		if (e) {
			fprintf(stderr, "conform_tool: %s\n", strerror(-e));
			goto out;
		}
		conf_result_sort_ct(&r);
	}
	/* In the order of the topology's devices, whatever the arguments. */
	for (i = 0; i < sc->ndevs; i++)
		for (k = 0; k < nmaps; k++) {
			size_t n = strlen(sc->devs[i].name);
			struct add_ctx c = { &r, sc->devs[i].name };

			if (strncmp(maps[k], sc->devs[i].name, n) != 0 ||
			    maps[k][n] != '=')
				continue;
			e = conf_pcap_read(maps[k] + n + 1, add_frame, &c);
			if (e) {
				fprintf(stderr, "conform_tool: %s: %s\n",
					maps[k] + n + 1, strerror(-e));
				goto out;
			}
		}
	e = conf_result_write(&r, sc, origin, out);
	if (e) {
		fprintf(stderr, "conform_tool: %s: %s\n", out, strerror(-e));
		goto out;
	}
	ret = 0;
out:
	free(rules);
	free(save);
	conf_result_free(&r);
	return ret;
}

static int cmd_compare(const struct conf_scenario *sc, const char *a,
		       const char *aname, const char *b, const char *bname,
		       bool verbose)
{
	struct conf_result ra, rb;
	char err[1024];
	unsigned int diffs;

	if (conf_result_read(&ra, a, err, sizeof(err))) {
		fprintf(stderr, "conform_tool: %s\n", err);
		return 2;
	}
	if (conf_result_read(&rb, b, err, sizeof(err))) {
		fprintf(stderr, "conform_tool: %s\n", err);
		conf_result_free(&ra);
		return 2;
	}
	diffs = conf_result_compare(&ra, aname, &rb, bname, sc, verbose,
				    stdout);
	conf_result_free(&ra);
	conf_result_free(&rb);
	return diffs ? 1 : 0;
}

static int cmd_tx_csum_off(char **devs, int n)
{
	int fd = socket(AF_INET, SOCK_DGRAM, 0), i, ret = 0;

	if (fd < 0) {
		perror("conform_tool: socket");
		return 2;
	}
	for (i = 0; i < n; i++) {
		struct ethtool_value ev = { .cmd = ETHTOOL_STXCSUM, .data = 0 };
		struct ifreq ifr;

		memset(&ifr, 0, sizeof(ifr));
		snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", devs[i]);
		ifr.ifr_data = (char *)&ev;
		if (ioctl(fd, SIOCETHTOOL, &ifr) < 0) {
			fprintf(stderr, "conform_tool: %s: ETHTOOL_STXCSUM: %s\n",
				devs[i], strerror(errno));
			ret = 2;
		}
	}
	close(fd);
	return ret;
}

int main(int argc, char **argv)
{
	struct conf_scenario sc;
	int ret;

	if (argc >= 3 && strcmp(argv[1], "tx-csum-off") == 0)
		return cmd_tx_csum_off(argv + 2, argc - 2);
	if (argc < 3)
		return usage();
	if (load(&sc, argv[2]))
		return 2;
	if (strcmp(argv[1], "show") == 0 && argc == 3) {
		ret = cmd_show(&sc);
	} else if (strcmp(argv[1], "devices") == 0 && argc == 3) {
		ret = cmd_devices(&sc);
	} else if (strcmp(argv[1], "send") == 0 && argc >= 4) {
		char *end;
		unsigned long ms = strtoul(argv[3], &end, 10);

		ret = *end || ms > 10000 ? usage()
					 : cmd_send(&sc, ms, argv + 4, argc - 4);
	} else if (strcmp(argv[1], "at") == 0 && (argc == 3 || argc == 4)) {
		char *end = "";
		unsigned long ms = argc == 4 ? strtoul(argv[3], &end, 10) : 20;

		ret = *end || ms > 10000 ? usage() : cmd_at(&sc, ms);
	} else if (strcmp(argv[1], "pcap") == 0 && (argc == 4 || argc == 5)) {
		char *end = "";
		unsigned long ms = argc == 5 ? strtoul(argv[4], &end, 10) : 20;

		ret = *end || ms > 10000 ? usage() : cmd_pcap(&sc, argv[3], ms);
	} else if (strcmp(argv[1], "result") == 0 && argc >= 6) {
		ret = cmd_result(&sc, argv[3], argv[4], argv[5], argv + 6,
				 argc - 6);
	} else if (strcmp(argv[1], "compare") == 0 &&
		   (argc == 7 || (argc == 8 && strcmp(argv[7], "-v") == 0))) {
		ret = cmd_compare(&sc, argv[3], argv[4], argv[5], argv[6],
				  argc == 8);
	} else {
		ret = usage();
	}
	conf_scenario_free(&sc);
	return ret;
}
