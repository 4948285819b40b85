/*
 * action.c - names of the sinkhole actions.
 *
 * Copyright (c) 2026, the unbound-sinkhole authors. BSD-3-Clause.
 */

/**
 * \file
 * Conversion between enum sh_action and the words used for it in feed
 * and configuration files.
 */
#include "internal.h"
#include <string.h>

/** The actions a file may name, with their words. */
static const struct action_word {
	/** the word as written in YAML */
	const char* name;
	/** the action */
	enum sh_action action;
} action_words[] = {
	{ "sinkhole", SH_ACTION_SINKHOLE },
	{ "nxdomain", SH_ACTION_NXDOMAIN },
	{ "nodata", SH_ACTION_NODATA },
	{ "refuse", SH_ACTION_REFUSE }
};

const char*
sh_action_name(enum sh_action action)
{
	switch(action) {
	case SH_ACTION_INHERIT: return "inherit";
	case SH_ACTION_SINKHOLE: return "sinkhole";
	case SH_ACTION_NXDOMAIN: return "nxdomain";
	case SH_ACTION_NODATA: return "nodata";
	case SH_ACTION_REFUSE: return "refuse";
	case SH_ACTION_ALLOW: return "allow";
	}
	return "unknown";
}

int
sh_action_parse(const char* text, enum sh_action* out)
{
	size_t i;

	if(!text)
		return 0;
	for(i = 0; i < sizeof(action_words)/sizeof(action_words[0]); i++) {
		if(strcmp(text, action_words[i].name) == 0) {
			*out = action_words[i].action;
			return 1;
		}
	}
	return 0;
}
