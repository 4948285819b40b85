/*
 * test_oom.c - unit tests of the core's out-of-memory paths.
 *
 * Copyright (c) 2026, the unbound-sinkhole authors. BSD-3-Clause.
 */

/**
 * \file
 * The program is linked with -Wl,--wrap=malloc, so every malloc of the
 * core library goes through __wrap_malloc below, which fails the first
 * allocation of one chosen size once it is armed.  The sizes chosen are
 * those of a string the test's input alone has (a 3000-byte tag), so
 * the failure lands on the allocation under test and on no other.
 * Checked: a feed whose first tag cannot be copied is refused with
 * "out of memory" and nothing uninitialised is freed (yr_strv_add once
 * left the array's first slot unset; ASan then saw a wild free).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "sinkhole.h"
#include "ind_at.h"

/** The size whose next allocation fails, 0 for none. */
static size_t fail_size;
/** Allocations failed so far. */
static unsigned failed;

void* __real_malloc(size_t size);
void* __wrap_malloc(size_t size);

/**
 * malloc of the core library: fails once for the armed size.
 * @param size: bytes.
 * @return memory, or NULL for the armed size.
 */
void*
__wrap_malloc(size_t size)
{
	if(fail_size && size == fail_size) {
		fail_size = 0;
		failed++;
		return NULL;
	}
	return __real_malloc(size);
}

/** Diagnostics seen with "out of memory" in them. */
static unsigned oom_diags;

/**
 * sh_diag_fn that counts out-of-memory errors.
 * @param arg: unused.
 * @param m: the diagnostic.
 */
static void
count_oom(void* arg, const struct sh_diag_msg* m)
{
	(void)arg;
	if(m->severity == SH_SEV_ERROR && strstr(m->text, "out of memory"))
		oom_diags++;
}

/**
 * A feed with one indicator whose tags start with a string of tag_len
 * bytes.
 * @param tag_len: the first tag's length.
 * @param len: set to the text's length.
 * @return the malloced text (caller frees).
 */
static char*
feed_with_tag(size_t tag_len, size_t* len)
{
	const char* head = "feed: {id: oom}\nindicators:\n"
		"  - {domain: c2.example.com, tags: [";
	const char* tail = ", second]}\n";
	char* s = __real_malloc(strlen(head) + tag_len + strlen(tail) + 1);
	assert_non_null(s);
	strcpy(s, head);
	memset(s + strlen(head), 'x', tag_len);
	strcpy(s + strlen(head) + tag_len, tail);
	*len = strlen(s);
	return s;
}

/** The first tag's copy fails: refused cleanly, nothing wild freed. */
static void
test_strv_first_copy_fails(void** state)
{
	size_t len;
	char* text = feed_with_tag(3000, &len);
	struct sh_feed* f;
	(void)state;
	/* the control: with no failure the feed loads with both tags */
	f = sh_feed_parse("oom.yaml", text, len, NULL, 1700000000, count_oom,
		NULL);
	assert_non_null(f);
	assert_int_equal(f->num_ind, 1);
	assert_non_null(ind_at(f, 0)->tags);
	assert_int_equal(strlen(ind_at(f, 0)->tags[0]), 3000);
	assert_string_equal(ind_at(f, 0)->tags[1], "second");
	assert_null(ind_at(f, 0)->tags[2]);
	sh_feed_unref(f);
	/* the tag's copy (3000 bytes and the NUL) is the allocation that
	 * fails: the array was grown just before it */
	oom_diags = 0;
	failed = 0;
	fail_size = 3001;
	f = sh_feed_parse("oom.yaml", text, len, NULL, 1700000000, count_oom,
		NULL);
	assert_int_equal(failed, 1);
	assert_null(f);
	assert_int_equal(oom_diags, 1);
	free(text);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_strv_first_copy_fails),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
