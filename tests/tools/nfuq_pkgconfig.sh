#!/bin/sh
# libnfu-queue installed: `cmake --install` of its component into a
# temporary prefix, then programs built as users build them, with
# `pkg-config --cflags --libs libnfu-queue`: one on the shared library
# (it must need libnfu-queue.so.0 and run), one on the static one (it must
# not), and the example handler from outside the tree.
#
# usage: nfuq_pkgconfig.sh CMAKE BUILD_DIR CC SOURCE_DIR [CFLAGS]
set -eu
cmake=$1 build=$2 cc=$3 src=$4 cflags=${5:-}

command -v pkg-config >/dev/null 2>&1 || { echo "SKIP: no pkg-config"; exit 77; }
tmp=$(mktemp -d /tmp/nfuq_pkgconfig.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

"$cmake" --install "$build" --prefix "$tmp/prefix" --component libnfu-queue \
	>"$tmp/install.log" || { cat "$tmp/install.log"; fail "cmake --install"; }
pc=$(find "$tmp/prefix" -name libnfu-queue.pc)
[ -n "$pc" ] || fail "no libnfu-queue.pc installed"
PKG_CONFIG_PATH=$(dirname "$pc")
export PKG_CONFIG_PATH
libdir=$(pkg-config --variable=libdir libnfu-queue)
for f in libnfu-queue.a libnfu-queue.so libnfu-queue.so.0; do
	[ -e "$libdir/$f" ] || fail "$libdir/$f not installed"
done
inc=$(pkg-config --variable=includedir libnfu-queue)
for f in libnfu_queue.h nfq_compat.h; do
	[ -f "$inc/libnfu_queue/$f" ] || fail "$inc/libnfu_queue/$f not installed"
done

cat >"$tmp/t.c" <<'EOC'
#include <errno.h>
#include <stdio.h>
#include <libnfu_queue/libnfu_queue.h>
#include <libnfu_queue/nfq_compat.h>

int main(void)
{
	struct nfq_handle *h = nfuq_open_path("/nonexistent/queue.sock");

	if (h || errno != ENOENT) {
		fprintf(stderr, "nfuq_open_path: %p, errno %d\n", (void *)h, errno);
		return 1;
	}
	return 0;
}
EOC
# shellcheck disable=SC2046,SC2086
$cc $cflags -Wall -Werror -o "$tmp/t_shared" "$tmp/t.c" \
	$(pkg-config --cflags --libs libnfu-queue) || fail "shared build"
readelf -d "$tmp/t_shared" | grep -q 'NEEDED.*libnfu-queue\.so\.0' ||
	fail "t_shared does not need libnfu-queue.so.0"
LD_LIBRARY_PATH=$libdir "$tmp/t_shared" || fail "t_shared"

# shellcheck disable=SC2046,SC2086
$cc $cflags -Wall -Werror -o "$tmp/t_static" "$tmp/t.c" \
	$(pkg-config --cflags libnfu-queue) \
	-L"$libdir" -Wl,-Bstatic -lnfu-queue -Wl,-Bdynamic || fail "static build"
if readelf -d "$tmp/t_static" | grep -q 'NEEDED.*libnfu-queue'; then
	fail "t_static needs the shared library"
fi
"$tmp/t_static" || fail "t_static"

# The example, as its README builds it.
# shellcheck disable=SC2046,SC2086
$cc $cflags -Wall -Werror -o "$tmp/handler" "$src/examples/queue/handler.c" \
	$(pkg-config --cflags --libs libnfu-queue) || fail "handler build"
rc=0
LD_LIBRARY_PATH=$libdir "$tmp/handler" >/dev/null 2>&1 || rc=$?
[ "$rc" = 2 ] || fail "handler without arguments: exit $rc, not 2 (usage)"
rc=0
NFU_QUEUE_SOCKET=/nonexistent/queue.sock LD_LIBRARY_PATH=$libdir \
	"$tmp/handler" x 2>"$tmp/err" || rc=$?
[ "$rc" = 1 ] && grep -q 'nfq_open' "$tmp/err" ||
	fail "handler without a server: exit $rc"
echo "ok: libnfu-queue installs and builds with pkg-config"
