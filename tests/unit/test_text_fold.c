/*
 * Unit tests for runtime/text_fold.c: case folding per script, the
 * invisible characters dropped, invalid UTF-8 turned into separators,
 * the bound on the output, and which characters are parts of words.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "text_fold.h"

/* Folds TEXT (a C string) with room for all of it; expects WANT. */
static void
expect_fold(const char *text, const char *want)
{
	char out[256];
	size_t n = text_fold(text, strlen(text), out, sizeof(out));

	assert_true(n <= strlen(text));
	out[n] = '\0';
	assert_string_equal(out, want);
}

static void
test_ascii(void **state)
{
	(void)state;
	expect_fold("", "");
	expect_fold("Hello WORLD 123!", "hello world 123!");
	expect_fold("@AZ[`az{\x7f\t\n", "@az[`az{\x7f\t\n");
}

static void
test_latin(void **state)
{
	(void)state;
	expect_fold("ÀÉÎÕÖØÜÝÞ", "àéîõöøüýþ");
	expect_fold("ß×÷ÿµ", "ß×÷ÿμ");
	expect_fold("ĀĂĄĲĹĽŁŊŒŸŹŽ", "āăąĳĺľłŋœÿźž");
	expect_fold("ſİıĸŉ", "siıĸŉ");
	expect_fold("ẞ", "ß");
	expect_fold("Ⱥ", "Ⱥ");	/* its lower case is longer: kept */
}

static void
test_greek_cyrillic(void **state)
{
	(void)state;
	expect_fold("ΑΒΓΔΩ ΆΈΉΊΌΎΏ", "αβγδω άέήίόύώ");
	expect_fold("ΟΔΟΣ οδος", "οδοσ οδοσ");
	expect_fold("ϐϑϕϖϰϱϵ", "βθφπκρε");
	expect_fold("ЁЂЏАЯ ѠҊӀӁӐԮ", "ёђџая ѡҋӏӂӑԯ");
	expect_fold("ПРИВЕТ Мир", "привет мир");
}

static void
test_compatibility(void **state)
{
	(void)state;
	expect_fold("ＳＥＣＲＥＴ！１２ｋｇ～", "secret!12kg~");
	expect_fold("\u212a\u212b\u2126", "kåω");
	expect_fold("日本語 😀 ⅫⓐＡ", "日本語 😀 Ⅻⓐa");
}

static void
test_dropped(void **state)
{
	(void)state;
	expect_fold("se\u00adc\u200br\u200de\u2060t\ufeff", "secret");
	expect_fold("a\u202eb\u200fc", "abc");
	assert_int_equal(text_fold_char(0x00ad), TEXT_FOLD_DROP);
	assert_int_equal(text_fold_char(0x200a), 0x200a);
}

static void
test_invalid(void **state)
{
	(void)state;
	expect_fold("a\xff" "b", "a b");
	expect_fold("\x80\xbf", "  ");
	expect_fold("a\xc3", "a ");
	expect_fold("\xc3(", " (");
	expect_fold("\xc0\xaf\xc1\xbf", "    ");
	expect_fold("\xe0\x80\xaf", "   ");
	expect_fold("\xed\xa0\x80", "   ");
	expect_fold("\xf4\x90\x80\x80", "    ");
	expect_fold("\xf5\x80\x80\x80", "    ");
	expect_fold("\xe2\x80", "  ");
	expect_fold("\xe2\x80x\xc3\x84", "  xä");
}

/* The output is bounded by CAP and never splits a character. */
static void
test_cap(void **state)
{
	char out[8];

	(void)state;
	memset(out, 'x', sizeof(out));
	assert_int_equal(text_fold("AB", 2, out, 1), 1);
	assert_int_equal(out[0], 'a');
	assert_int_equal(out[1], 'x');
	assert_int_equal(text_fold("aÄ", 3, out, 2), 1);
	assert_int_equal(out[1], 'x');
	assert_int_equal(text_fold("aÄ", 3, out, 3), 3);
	assert_memory_equal(out, "aä", 3);
	assert_int_equal(text_fold("Ab", 2, out, 0), 0);
	assert_int_equal(text_fold("\xff\xff", 2, out, 1), 1);
}

/*
 * Over every code point: decoding undoes encoding; the fold never
 * lengthens a character and is idempotent; text_fold() agrees with
 * text_fold_char().
 */
static void
test_every_char(void **state)
{
	unsigned char in[4], want[4];
	char out[4];
	uint32_t c, d, f;
	size_t n, m;

	(void)state;
	for (c = 0; c <= 0x10ffff; c++) {
		if (c >= 0xd800 && c <= 0xdfff)
			continue;
		n = text_utf8_encode(c, in);
		assert_int_equal(text_utf8_decode(in, n, &d), n);
		assert_int_equal(d, c);
		f = text_fold_char(c);
		m = text_fold((const char *)in, n, out, sizeof(out));
		if (f == TEXT_FOLD_DROP) {
			assert_int_equal(m, 0);
			continue;
		}
		assert_int_equal(text_fold_char(f), f);
		assert_int_equal(text_utf8_encode(f, want), m);
		assert_true(m <= n);
		assert_memory_equal(out, want, m);
	}
}

static void
test_words(void **state)
{
	static const uint32_t word[] = { 'a', 'Z', '0', '9', 0xe9, 0xdf,
	    0x3b1, 0x436, 0x65e5, 0x1f600, 0xff41 };
	static const uint32_t sep[] = { ' ', '\n', '_', '-', '.', '\'', 0,
	    0x7f, 0x85, 0xa0, 0xab, 0xbf, 0xd7, 0xf7, 0x2014, 0x2026, 0x3000,
	    0x3002, 0x300c, 0xff01, 0xfffd };
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(word) / sizeof(word[0]); i++)
		assert_true(text_is_word(word[i]));
	for (i = 0; i < sizeof(sep) / sizeof(sep[0]); i++)
		assert_false(text_is_word(sep[i]));
	for (i = 1; i < TEXT_NSEPARATORS; i++)
		assert_true(text_separators[i - 1].hi < text_separators[i].lo);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ascii),
		cmocka_unit_test(test_latin),
		cmocka_unit_test(test_greek_cyrillic),
		cmocka_unit_test(test_compatibility),
		cmocka_unit_test(test_dropped),
		cmocka_unit_test(test_invalid),
		cmocka_unit_test(test_cap),
		cmocka_unit_test(test_every_char),
		cmocka_unit_test(test_words),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
