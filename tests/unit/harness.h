/* SPDX-License-Identifier: MIT */
/*
 * harness.h - nfu's one unit-test harness.
 *
 * A test file defines 'static void test_x(void)' functions and a main()
 * that runs them with RUN(test_x) and ends with 'return harness_done();'.
 * CHECK* record a failure (with file, line and the values) and go on, so
 * one run shows every broken expectation; REQUIRE* stop the test function.
 * SKIP("why") ends the whole program with CTest's skip code 77.
 */
#ifndef NFU_TEST_HARNESS_H
#define NFU_TEST_HARNESS_H

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int harness_failures;
static int harness_checks;
static int harness_tests;
static int harness_failed_tests;
static const char *harness_current;

#define HARNESS_FAIL(...)                                                    \
	do {                                                                 \
		harness_failures++;                                          \
		fprintf(stderr, "%s:%d: %s: ", __FILE__, __LINE__,           \
			harness_current ? harness_current : "?");            \
		fprintf(stderr, __VA_ARGS__);                                \
		fputc('\n', stderr);                                         \
	} while (0)

#define CHECK(cond)                                                          \
	do {                                                                 \
		harness_checks++;                                            \
		if (!(cond))                                                 \
			HARNESS_FAIL("CHECK(%s) failed", #cond);             \
	} while (0)

#define CHECK_INT(a, b)                                                      \
	do {                                                                 \
		long long ha_ = (long long)(a), hb_ = (long long)(b);        \
		harness_checks++;                                            \
		if (ha_ != hb_)                                              \
			HARNESS_FAIL("%s == %s: %lld != %lld", #a, #b, ha_,  \
				     hb_);                                   \
	} while (0)

#define CHECK_STR(a, b)                                                      \
	do {                                                                 \
		const char *ha_ = (a), *hb_ = (b);                           \
		harness_checks++;                                            \
		if (!ha_ || !hb_ || strcmp(ha_, hb_) != 0)                   \
			HARNESS_FAIL("%s == %s: \"%s\" != \"%s\"", #a, #b,   \
				     ha_ ? ha_ : "(null)",                   \
				     hb_ ? hb_ : "(null)");                  \
	} while (0)

#define CHECK_MEM(a, b, n)                                                   \
	do {                                                                 \
		harness_checks++;                                            \
		if (memcmp((a), (b), (n)) != 0)                              \
			HARNESS_FAIL("memcmp(%s, %s, %s) != 0", #a, #b, #n); \
	} while (0)

/* Like CHECK, but a failure ends the current test function (the program
 * still runs the others). */
#define REQUIRE(cond)                                                        \
	do {                                                                 \
		harness_checks++;                                            \
		if (!(cond)) {                                               \
			HARNESS_FAIL("REQUIRE(%s) failed", #cond);           \
			return;                                              \
		}                                                            \
	} while (0)

#define SKIP(why)                                                            \
	do {                                                                 \
		printf("SKIP: %s\n", (why));                                 \
		exit(77);                                                    \
	} while (0)

#define RUN(fn)                                                              \
	do {                                                                 \
		int before_ = harness_failures;                              \
		harness_current = #fn;                                       \
		harness_tests++;                                             \
		fn();                                                        \
		if (harness_failures != before_)                             \
			harness_failed_tests++;                              \
		printf("%s %s\n",                                            \
		       harness_failures == before_ ? "ok  " : "FAIL", #fn);  \
		harness_current = NULL;                                      \
	} while (0)

static inline int harness_done(void)
{
	printf("%d passed, %d failed (%d checks)\n",
	       harness_tests - harness_failed_tests, harness_failed_tests,
	       harness_checks);
	return harness_failed_tests ? 1 : 0;
}

#endif
