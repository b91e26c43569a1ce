/*
 * What the fuzz targets share: libFuzzer's entry point, and a check that
 * aborts with a message naming the target, which libFuzzer reports as a
 * crash and saves the input of. Header-only: each target is one file.
 */
#ifndef XEDGE_FUZZ_H
#define XEDGE_FUZZ_H

#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include <sanitizer/common_interface_defs.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/*
 * Aborts unless OK, with "SUMMARY: TARGET: WHAT" written where the
 * sanitizers write their reports: libFuzzer keeps that descriptor when it
 * closes the target's stderr (-close_fd_mask), so the line reaches the
 * log that tests/fuzz/run.sh reads.
 */
static inline void
fuzz_check(int ok, const char *what)
{
	char line[256];

	if (ok)
		return;
	snprintf(line, sizeof(line), "SUMMARY: %s: %s",
	    program_invocation_short_name, what);
	__sanitizer_report_error_summary(line);
	abort();
}

#endif
