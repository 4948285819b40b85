/*
 * lib/schema.h - the event log's schema, defined once.
 *
 * Copyright (c) 2026, the unbound-sinkhole authors. BSD-3-Clause.
 */

/**
 * \file
 * Every line of the event log follows the Elastic Common Schema (ECS).
 * The names the writers put in it and the readers look for are defined
 * here and only here: the ECS version, the event kinds, the datasets and
 * actions, and the observer object.  Writers: lib/event.c (client
 * events), lib/log.c (the writer's events_dropped metric), lib/status.c
 * (reload, reload_failed, indicator_expired, stats), listener/levent.c
 * (the sinkhole listener's contacts).  Reader:
 * report/report_parse.c.  Plain string macros, no include, so the report
 * uses it without the core header.
 */

#ifndef SH_SCHEMA_H
#define SH_SCHEMA_H

/** ECS version every line follows (ecs.version). */
#define SH_ECS_VERSION "8.11.0"

/** event.module of every line. */
#define SH_EV_MODULE "unbound_sinkhole"

/** event.kind of a sinkholed query: counted by the report. */
#define SH_EV_KIND_ALERT "alert"
/** event.kind of a guard note about a query answered normally, and of
 * the module's reload, reload_failed and indicator_expired lines (told
 * apart by event.dataset). */
#define SH_EV_KIND_EVENT "event"
/** event.kind of the periodic stats and of events_dropped. */
#define SH_EV_KIND_METRIC "metric"

/** event.dataset of client events: alerts and guard notes. */
#define SH_EV_DATASET_QUERY SH_EV_MODULE ".query"
/** event.dataset of reload, reload_failed and indicator_expired. */
#define SH_EV_DATASET_RELOAD SH_EV_MODULE ".reload"
/** event.dataset of the periodic stats line. */
#define SH_EV_DATASET_STATS SH_EV_MODULE ".stats"
/** event.dataset of the writer's events_dropped line. */
#define SH_EV_DATASET_LOG SH_EV_MODULE ".log"
/** event.dataset of the sinkhole listener's lines (listener/): its
 * contacts (kind alert) and its own started/stopped (kind event). */
#define SH_EV_DATASET_LISTENER SH_EV_MODULE ".listener"

/** event.action of a published set. */
#define SH_EV_ACTION_RELOAD "reload"
/** event.action of a refused feed file or configuration. */
#define SH_EV_ACTION_RELOAD_FAILED "reload_failed"
/** event.action of an indicator the loader left out as expired. */
#define SH_EV_ACTION_EXPIRED "indicator_expired"
/** event.action of the periodic counters. */
#define SH_EV_ACTION_STATS "stats"
/** event.action of the writer's count of lines it could not write. */
#define SH_EV_ACTION_DROPPED "events_dropped"

/** The observer members after observer.name, as JSON text. */
#define SH_EV_OBSERVER_REST "\"type\":\"dns\",\"product\":" \
	"\"unbound-sinkhole\",\"vendor\":\"unbound-sinkhole\""

#endif /* SH_SCHEMA_H */
