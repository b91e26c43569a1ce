/*
 * libFuzzer target for the GCXP frame codec (runtime/gcxp_frame.c). An
 * input is what a peer sends on a link, after one byte that sets the
 * receiver's maximum frame length (that byte times 32, so that short
 * inputs reach the bound). The target reads frames from it as a receiver
 * does, one after the other, until one does not parse or the input ends.
 * Beyond the sanitizers, it aborts when:
 *  - a refusal comes without a reason, or a frame is read past the input;
 *  - a prefix of a frame that parses is not taken as the start of a frame
 *    (the receiver would refuse what is only cut short by a read);
 *  - a frame that parses is not written again, or written as something
 *    that reads back differently; or, but for a HELLO of another version
 *    (read only as far as its version), written in other bytes: the
 *    format has one encoding per frame.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "fuzz.h"
#include "gcxp_fixture.h"
#include "gcxp_frame.h"

/* Every proper prefix of the frame IN[0..n) waits for more. */
static void
fuzz_gcxp_prefixes(const uint8_t *in, size_t n, uint32_t max)
{
	struct gcxp_frame f;
	const char *why;
	size_t k, used;

	for (k = 0; k < n; k++)
		fuzz_check(gcxp_frame_parse(in, k, max, &f, &used, &why) == 0,
		    "a frame cut short is not waited for");
}

/* F, parsed from IN[0..n), written again reads back as F, in the same
 * bytes unless it is a HELLO of another version. */
static void
fuzz_gcxp_rewrite(const struct gcxp_frame *f, const uint8_t *in, size_t n,
    uint32_t max)
{
	static uint32_t rules[GCXP_PATH_MAX];
	static unsigned char out[65536];
	struct gcxp_frame back;
	const char *why = NULL;
	size_t i, len, used;

	if (f->type == GCXP_FRAME_STANZA)
		for (i = 0; i < f->stanza.nrules; i++)
			rules[i] = gcxp_stanza_rule(&f->stanza, i);
	len = gcxp_frame_write(out, sizeof(out), f, rules);
	fuzz_check(len > 0, "a frame read is not written");
	fuzz_check(gcxp_frame_parse(out, len, max, &back, &used, &why) == 1 &&
	    used == len, "a frame written does not read back");
	fuzz_check(gcxp_fixture_equal(f, NULL, &back, NULL),
	    "a frame written reads back as another");
	if (f->type == GCXP_FRAME_HELLO && f->hello.version != GCXP_VERSION)
		return;
	fuzz_check(len == n && memcmp(out, in, n) == 0,
	    "a frame written in other bytes than it was read from");
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct gcxp_frame f;
	const char *why;
	size_t used;
	uint32_t max;
	int rc;

	if (size < 1)
		return 0;
	max = (uint32_t)data[0] * 32;
	data++;
	size--;
	for (;;) {
		why = NULL;
		used = 0;
		rc = gcxp_frame_parse(data, size, max, &f, &used, &why);
		fuzz_check(rc != -1 || why != NULL, "a refusal without a reason");
		if (rc != 1)
			return 0;
		fuzz_check(used >= 5 && used <= size && used - 4 <= max,
		    "a frame read past its input or its bound");
		fuzz_gcxp_prefixes(data, used, max);
		fuzz_gcxp_rewrite(&f, data, used, max);
		data += used;
		size -= used;
	}
}
