/*
 * module/diag.c - core diagnostics into Unbound's log.
 *
 * Copyright (c) 2026, the unbound-sinkhole authors. BSD-3-Clause.
 */

/**
 * \file
 * The one diagnostic callback of the glue, sh_mod_diag, used by init
 * (sinkhole_mod.c) and by the reload thread (reload.c).  It lives in a
 * file of its own so that neither of those two files needs the other
 * for it.
 */

#include "config.h"
#include "util/log.h"
#include "module.h"

void
sh_mod_diag(void* arg, const struct sh_diag_msg* msg)
{
	char buf[1024];
	(void)arg;
	/* what a reader of another format took: sinkholectl lint shows it */
	if(msg->mapping && verbosity < VERB_ALGO)
		return;
	sh_diag_format(msg, buf, sizeof(buf));
	if(msg->severity == SH_SEV_ERROR)
		log_err("sinkhole: %s", buf);
	else if(msg->severity == SH_SEV_WARNING)
		log_warn("sinkhole: %s", buf);
	else	verbose(VERB_OPS, "sinkhole: %s", buf);
}
