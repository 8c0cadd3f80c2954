/* SPDX-License-Identifier: MIT */
/*
 * scenario.c - loading a scenario directory (see scenario.h).
 */
#include "scenario.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pktdesc.h"

#define MAX_LINE 8192

static int fail(char *err, size_t errlen, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int fail(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	if (err && errlen) {
		va_start(ap, fmt);
		vsnprintf(err, errlen, fmt, ap);
		va_end(ap);
	}
	return -EINVAL;
}

/* iproute2 accepts any prefix of a keyword ("a" for "address"). */
static bool abbrev(const char *word, const char *keyword)
{
	size_t n = strlen(word);

	return n > 0 && strncmp(word, keyword, n) == 0;
}

int conf_scenario_dev(const struct conf_scenario *sc, const char *name)
{
	unsigned int i;

	for (i = 0; i < sc->ndevs; i++)
		if (strcmp(sc->devs[i].name, name) == 0)
			return (int)i;
	return -1;
}

bool conf_scenario_is_local(const struct conf_scenario *sc, uint32_t addr)
{
	unsigned int i;

	for (i = 0; i < sc->naddrs; i++)
		if (sc->addrs[i] == addr)
			return true;
	return false;
}

static struct conf_dev *mention(struct conf_scenario *sc, const char *name)
{
	int i = conf_scenario_dev(sc, name);
	struct conf_dev *d;

	if (i >= 0)
		return &sc->devs[i];
	if (strcmp(name, "lo") == 0 || sc->ndevs == CONF_MAX_DEVS ||
	    strlen(name) >= CONF_IFNAMSIZ)
		return NULL;
	d = &sc->devs[sc->ndevs++];
	memset(d, 0, sizeof(*d));
	strcpy(d->name, name);
	d->peer_mac[0] = 0x02;
	d->peer_mac[4] = 0xff;
	d->peer_mac[5] = (uint8_t)sc->ndevs;
	return d;
}

static int topo_line(struct conf_scenario *sc, char **w, int n,
		     const char *where, unsigned int lineno, char *err,
		     size_t errlen)
{
	struct conf_dev *d;
	int i;

	if (n < 3 || strcmp(w[0], "ip") != 0)
		return 0;
	/* ip link set DEV … */
	if (abbrev(w[1], "link") && (abbrev(w[2], "set") || abbrev(w[2], "add"))
	    && n >= 4) {
		i = 3;
		if (strcmp(w[3], "dev") == 0 && n >= 5)
			i = 4;
		d = mention(sc, w[i]);
		for (i++; d && i + 1 < n; i++)
			if (strcmp(w[i], "address") == 0) {
				if (pktdesc_parse_mac(w[i + 1], d->mac))
					return fail(err, errlen, "%s:%u: bad MAC"
						    " `%s'", where, lineno,
						    w[i + 1]);
				d->has_mac = true;
			}
		return 0;
	}
	for (i = 2; i + 1 < n; i++)
		if (strcmp(w[i], "dev") == 0)
			mention(sc, w[i + 1]);
	/* ip addr add A/P … */
	if (abbrev(w[1], "address") && abbrev(w[2], "add") && n >= 4) {
		char buf[64];
		char *slash;
		struct in_addr a;

		snprintf(buf, sizeof(buf), "%s", w[3]);
		slash = strchr(buf, '/');
		if (slash)
			*slash = '\0';
		if (inet_pton(AF_INET, buf, &a) != 1)
			return fail(err, errlen, "%s:%u: bad address `%s'",
				    where, lineno, w[3]);
		if (sc->naddrs == CONF_MAX_ADDRS)
			return fail(err, errlen, "%s:%u: too many addresses",
				    where, lineno);
		sc->addrs[sc->naddrs++] = a.s_addr;
	}
	return 0;
}

static int split(char *line, char **w, int max)
{
	char *p, *save = NULL;
	int n = 0;

	p = strchr(line, '#');
	if (p)
		*p = '\0';
	for (p = strtok_r(line, " \t\r\n", &save); p && n < max;
	     p = strtok_r(NULL, " \t\r\n", &save))
		w[n++] = p;
	return n;
}

static int load_topology(struct conf_scenario *sc, char *err, size_t errlen)
{
	char path[1100], line[MAX_LINE];
	char *w[64];
	unsigned int lineno = 0, i;
	FILE *f;
	int r = 0;

	snprintf(path, sizeof(path), "%s/topology", sc->dir);
	f = fopen(path, "r");
	if (!f) {
		r = -errno;
		fail(err, errlen, "%s: %s", path, strerror(errno));
		return r;
	}
	while (!r && fgets(line, sizeof(line), f)) {
		int n;

		lineno++;
		n = split(line, w, 64);
		r = topo_line(sc, w, n, path, lineno, err, errlen);
	}
	fclose(f);
	if (r)
		return r;
	for (i = 0; i < sc->ndevs; i++)
		if (!sc->devs[i].has_mac)
			return fail(err, errlen, "%s: the MAC of `%s' is not set"
				    " (ip link set %s address …)", path,
				    sc->devs[i].name, sc->devs[i].name);
	if (sc->ndevs == 0)
		return fail(err, errlen, "%s: no device", path);
	return 0;
}

static int add_frame(struct conf_scenario *sc, const char *line,
		     unsigned int lineno, const char *path, char *err,
		     size_t errlen)
{
	struct pktdesc_env env;
	struct conf_frame *fr;
	char dev[CONF_IFNAMSIZ], msg[512];
	unsigned char *buf;
	size_t len;
	int d, r;

	if (pktdesc_device(line, dev, sizeof(dev), msg, sizeof(msg)))
		return fail(err, errlen, "%s:%u: %s", path, lineno, msg);
	d = conf_scenario_dev(sc, dev);
	if (d < 0)
		return fail(err, errlen, "%s:%u: `%s' is not a device of the"
			    " topology", path, lineno, dev);
	memcpy(env.host_mac, sc->devs[d].mac, 6);
	memcpy(env.peer_mac, sc->devs[d].peer_mac, 6);
	env.number = sc->nframes + 1;
	buf = malloc(PKTDESC_MAX_FRAME);
	if (!buf)
		return -ENOMEM;
	r = pktdesc_build(line, &env, buf, PKTDESC_MAX_FRAME, &len, msg,
			  sizeof(msg));
	if (r) {
		free(buf);
		return fail(err, errlen, "%s:%u: %s", path, lineno, msg);
	}
	fr = realloc(sc->frames, (sc->nframes + 1) * sizeof(*fr));
	if (!fr) {
		free(buf);
		return -ENOMEM;
	}
	sc->frames = fr;
	fr = &sc->frames[sc->nframes++];
	snprintf(fr->dev, sizeof(fr->dev), "%s", dev);
	fr->line = lineno;
	fr->sleep_ms = sc->pending_sleep_ms;
	sc->pending_sleep_ms = 0;
	fr->host_cmds = sc->pending_cmds;
	sc->pending_cmds = NULL;
	fr->data = buf;
	fr->len = len;
	return 0;
}

static int load_packets(struct conf_scenario *sc, char *err, size_t errlen)
{
	char path[1100], line[MAX_LINE], copy[MAX_LINE];
	char *w[8];
	unsigned int lineno = 0;
	FILE *f;
	int r = 0;

	snprintf(path, sizeof(path), "%s/packets", sc->dir);
	f = fopen(path, "r");
	if (!f) {
		r = -errno;
		fail(err, errlen, "%s: %s", path, strerror(errno));
		return r;
	}
	while (!r && fgets(line, sizeof(line), f)) {
		int n, d;

		lineno++;
		strcpy(copy, line);
		n = split(copy, w, 8);
		if (n == 0)
			continue;
		if (strcmp(w[0], "peer") == 0) {
			d = n == 3 ? conf_scenario_dev(sc, w[1]) : -1;
			if (d < 0 || pktdesc_parse_mac(w[2], sc->devs[d].peer_mac))
				r = fail(err, errlen, "%s:%u: expected `peer DEV"
					 " MAC'", path, lineno);
			continue;
		}
		if (strcmp(w[0], "host-source") == 0) {
			struct in_addr a;

			if (n != 2 || inet_pton(AF_INET, w[1], &a) != 1 ||
			    sc->naddrs == CONF_MAX_ADDRS)
				r = fail(err, errlen, "%s:%u: expected `host-source"
					 " ADDR'", path, lineno);
			else
				sc->addrs[sc->naddrs++] = a.s_addr;
			continue;
		}
		if (strcmp(w[0], "sleep") == 0) {
			char *end = NULL;
			unsigned long ms = n == 2 ? strtoul(w[1], &end, 10) : 0;

			if (n != 2 || *end || ms > 60000)
				r = fail(err, errlen, "%s:%u: expected `sleep MS'"
					 " (at most 60000)", path, lineno);
			else
				sc->pending_sleep_ms += (unsigned int)ms;
			continue;
		}
		if (strcmp(w[0], "host") == 0) {
			/* 'host CMD': an administrator's command (ip ...) on
			 * the host before the next frame */
			const char *cmd = strstr(line, "host") + 4;
			size_t old = sc->pending_cmds ? strlen(sc->pending_cmds) : 0;
			size_t clen;
			char *p;

			cmd += strspn(cmd, " \t");
			clen = strcspn(cmd, "\r\n");
			if (n < 3 || strcmp(w[1], "ip")) {
				r = fail(err, errlen, "%s:%u: expected `host ip ...'",
					 path, lineno);
				continue;
			}
			p = realloc(sc->pending_cmds, old + clen + 2);
			if (!p) {
				r = -ENOMEM;
				continue;
			}
			memcpy(p + old, cmd, clen);
			p[old + clen] = '\n';
			p[old + clen + 1] = '\0';
			sc->pending_cmds = p;
			continue;
		}
		r = add_frame(sc, line, lineno, path, err, errlen);
	}
	fclose(f);
	if (!r && sc->pending_cmds)
		r = fail(err, errlen, "%s: `host' lines after the last frame",
			 path);
	return r;
}

int conf_scenario_load(struct conf_scenario *sc, const char *dir, char *err,
		       size_t errlen)
{
	const char *base;
	size_t n;
	int r;

	memset(sc, 0, sizeof(*sc));
	if (strlen(dir) >= sizeof(sc->dir))
		return fail(err, errlen, "%s: path too long", dir);
	strcpy(sc->dir, dir);
	n = strlen(sc->dir);
	while (n > 1 && sc->dir[n - 1] == '/')
		sc->dir[--n] = '\0';
	base = strrchr(sc->dir, '/');
	snprintf(sc->name, sizeof(sc->name), "%s", base ? base + 1 : sc->dir);
	r = load_topology(sc, err, errlen);
	if (!r)
		r = load_packets(sc, err, errlen);
	if (r)
		conf_scenario_free(sc);
	return r;
}

void conf_scenario_free(struct conf_scenario *sc)
{
	unsigned int i;

	for (i = 0; i < sc->nframes; i++) {
		free(sc->frames[i].data);
		free(sc->frames[i].host_cmds);
	}
	free(sc->frames);
	free(sc->pending_cmds);
	sc->pending_cmds = NULL;
	sc->frames = NULL;
	sc->nframes = 0;
}

char *conf_scenario_file(const struct conf_scenario *sc, const char *name,
			 size_t *len)
{
	char path[1200];

	snprintf(path, sizeof(path), "%s/%s", sc->dir, name);
	return conf_read_file(path, len);
}

char *conf_read_file(const char *path, size_t *len)
{
	char *buf = NULL, *nb;
	size_t n = 0, cap = 0, got;
	FILE *f;
	int e;

	f = fopen(path, "r");
	if (!f)
		return NULL;
	for (;;) {
		if (cap - n < 4096) {
			nb = realloc(buf, cap + 65536);
			if (!nb) {
				free(buf);
				fclose(f);
				errno = ENOMEM;
				return NULL;
			}
			buf = nb;
			cap += 65536;
		}
		got = fread(buf + n, 1, cap - n - 1, f);
		n += got;
		if (got == 0)
			break;
	}
	e = ferror(f);
	fclose(f);
	if (e) {
		free(buf);
		errno = EIO;
		return NULL;
	}
	buf[n] = '\0';
	if (len)
		*len = n;
	return buf;
}
