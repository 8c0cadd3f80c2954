/* SPDX-License-Identifier: MIT */
/* Number and port parsing shared by the extensions, with libxtables'
 * exact acceptance rules (see ext-private.h). */
#include <errno.h>
#include <inttypes.h>
#include <netdb.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "ext/ext-private.h"

bool nfu_ext_strtoul(const char *s, char **end, uintmax_t *value,
		     uintmax_t min, uintmax_t max, int base)
{
	uintmax_t v;
	char *my_end;

	errno = 0;
	v = strtoumax(s, &my_end, base);
	if (my_end == s)
		return false;
	if (end)
		*end = my_end;
	if (errno != ERANGE && min <= v && (max == 0 || v <= max)) {
		if (value)
			*value = v;
		if (!end)
			return *my_end == '\0';
		return true;
	}
	return false;
}

int nfu_ext_parse_port(const char *s, const char *proto)
{
	struct servent se, *res = NULL;
	char buf[1024];
	uintmax_t v;

	if (nfu_ext_strtoul(s, NULL, &v, 0, UINT16_MAX, 0))
		return (int)v;
	if (getservbyname_r(s, proto, &se, buf, sizeof(buf), &res) == 0 && res)
		return ntohs((uint16_t)res->s_port);
	return -1;
}

/* What getaddrinfo(NULL, s, NULL, …) makes of a service written as 1 to
 * 9 decimal digits, without asking it: glibc reads such a service with
 * strtoul(s, &end, 10) into an int and stores htons() of it, so the port
 * is the number modulo 65536 ("65536" is 0, "70000" is 4464).  Nine
 * digits stay below INT_MAX (a larger number is a negative int, which
 * glibc takes for a name); blanks, signs and the rest go to
 * getaddrinfo().  -1: not such a string.  Numeric ports are most of what
 * rulesets hold, and each getaddrinfo() costs tens of microseconds
 * (AI_ADDRCONFIG asks the kernel over netlink, the RFC 3484 sort
 * connects sockets): 60% of a restore of tum-net went there.  Checked
 * against glibc 2.36 for 0 to 199999, with a leading 0 too, and random
 * strings of 1 to 9 digits. */
static int numeric_service(const char *s)
{
	uint32_t v = 0;
	unsigned int n = 0;

	for (; s[n] >= '0' && s[n] <= '9'; n++) {
		if (n == 9)
			return -1;
		v = v * 10 + (uint32_t)(s[n] - '0');
	}
	if (n == 0 || s[n] != '\0')
		return -1;
	return (int)(v & 0xffff);
}

int nfu_ext_getportbyname(const char *s)
{
	struct addrinfo *res = NULL, *p;
	int ret = numeric_service(s);

	if (ret >= 0)
		return ret;
	if (getaddrinfo(NULL, s, NULL, &res) != 0)
		return -1;
	for (p = res; p; p = p->ai_next) {
		if (p->ai_family == AF_INET6) {
			ret = ((struct sockaddr_in6 *)(void *)p->ai_addr)->sin6_port;
			break;
		}
		if (p->ai_family == AF_INET) {
			ret = ((struct sockaddr_in *)(void *)p->ai_addr)->sin_port;
			break;
		}
	}
	freeaddrinfo(res);
	return ret < 0 ? ret : ntohs((uint16_t)ret);
}

const char *nfu_ext_port_to_service(uint16_t port, const char *proto,
				    char *buf, size_t len)
{
	struct servent se, *res = NULL;
	char tmp[1024];

	if (getservbyport_r(htons(port), proto, &se, tmp, sizeof(tmp), &res) ||
	    !res || strlen(res->s_name) >= len)
		return NULL;
	memcpy(buf, res->s_name, strlen(res->s_name) + 1);
	return buf;
}

const char *nfu_ext_proto_name(uint16_t proto)
{
	switch (proto) {
	case 6: return "tcp";
	case 17: return "udp";
	case 136: return "udplite";
	case 132: return "sctp";
	case 33: return "dccp";
	case 1: return "icmp";
	default: return NULL;
	}
}
