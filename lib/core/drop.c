/* SPDX-License-Identifier: MIT */
#include "nfu/drop.h"

static const char *const drop_names[NFU_DROP_MAX] = {
#define NFU_DROP_NAME(name, str) [NFU_DROP_##name] = str,
	NFU_DROP_REASONS(NFU_DROP_NAME)
#undef NFU_DROP_NAME
};

const char *nfu_drop_reason_name(enum nfu_drop_reason reason)
{
	if ((unsigned int)reason >= NFU_DROP_MAX)
		return "unknown";
	return drop_names[reason];
}
