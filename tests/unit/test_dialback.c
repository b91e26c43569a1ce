/*
 * Unit tests for runtime/dialback.c: XEP-0185 keys, checked against vectors
 * computed independently (Python's hmac and hashlib), at and past every
 * field's maximal length; and the parsing of db:* elements.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "dialback.h"
#include "guard.h"
#include "jid.h"

static int
setup(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(guard.dialback_secret); i++)
		guard.dialback_secret[i] = (unsigned char)i;
	return 0;
}

static void
test_vector(void **state)
{
	char key[DIALBACK_KEY_LEN + 1];

	(void)state;
	dialback_key(guard.dialback_secret, "b.example", "a.example", "D60000229F", key);
	assert_string_equal(key, "d9a48754d7604411cbe34e1b1cca4d6b2cc6b33e"
	    "d1ed169e125568ca43c0a2a3");
}

/* Swapping the two servers must give another key, or a key issued for one
 * direction would verify the other. */
static void
test_direction_matters(void **state)
{
	char key[DIALBACK_KEY_LEN + 1];

	(void)state;
	dialback_key(guard.dialback_secret, "a.example", "b.example", "D60000229F", key);
	assert_string_equal(key, "5d467f502425f571779a01051fb9c6d3a01fd9b7"
	    "735dcce42ac07e3c81fda2b4");
}

static void
test_secret_matters(void **state)
{
	char before[DIALBACK_KEY_LEN + 1], after[DIALBACK_KEY_LEN + 1];

	(void)state;
	dialback_key(guard.dialback_secret, "b.example", "a.example", "id", before);
	guard.dialback_secret[0] ^= 1;
	dialback_key(guard.dialback_secret, "b.example", "a.example", "id", after);
	guard.dialback_secret[0] ^= 1;
	assert_string_not_equal(before, after);
	assert_int_equal(strlen(after), DIALBACK_KEY_LEN);
}

/* Keys for two 1023-byte domains and ids of 62 and 4096 bytes under the
 * test secret, from Python's hmac and hashlib. */
#define KEY_MAX_62 "ca86c315bcb7c31930e046e7c68cc39b17e192a0c714bf1a680933a2d294a2b0"
#define KEY_MAX_4096 "a174057b96e80dab34c467d5026f30b07e0342e56f053807f3097b46a203d3fb"

/* A domain of N bytes: labels of 63 letters joined by dots. */
static void
long_domain(char *out, size_t n, char letter)
{
	size_t i;

	for (i = 0; i < n; i++)
		out[i] = (i % 64 == 63) ? '.' : letter;
	out[n] = '\0';
}

/*
 * The remote crash: two domains of the maximal 1023 bytes and an id of 62
 * bytes or more overflowed a fixed buffer and aborted the guard. Every
 * length is taken now, the key is still HMAC-SHA256 over the three fields
 * (vector from Python), and it differs from a key over a shorter id.
 */
static void
test_maximal_fields(void **state)
{
	char recv[JID_DOMAIN_MAX + 1], orig[JID_DOMAIN_MAX + 1];
	char id[4097], key[DIALBACK_KEY_LEN + 1], other[DIALBACK_KEY_LEN + 1];
	size_t n;

	(void)state;
	long_domain(recv, JID_DOMAIN_MAX, 'r');
	long_domain(orig, JID_DOMAIN_MAX, 'o');
	for (n = 0; n < sizeof(id) - 1; n++)
		id[n] = 'i';
	id[62] = '\0';
	dialback_key(guard.dialback_secret, recv, orig, id, key);
	assert_string_equal(key, KEY_MAX_62);
	id[62] = 'i';
	id[sizeof(id) - 1] = '\0';
	dialback_key(guard.dialback_secret, recv, orig, id, other);
	assert_string_equal(other, KEY_MAX_4096);
	assert_true(dialback_key_valid(guard.dialback_secret, recv, orig, id,
	    other));
	assert_false(dialback_key_valid(guard.dialback_secret, recv, orig, id,
	    key));
}

static void
test_valid_needs_exact_key(void **state)
{
	char key[DIALBACK_KEY_LEN + 1];

	(void)state;
	dialback_key(guard.dialback_secret, "b.example", "a.example", "x", key);
	assert_true(dialback_key_valid(guard.dialback_secret, "b.example",
	    "a.example", "x", key));
	key[DIALBACK_KEY_LEN - 1] ^= 1;
	assert_false(dialback_key_valid(guard.dialback_secret, "b.example",
	    "a.example", "x", key));
	key[DIALBACK_KEY_LEN - 1] = '\0';
	assert_false(dialback_key_valid(guard.dialback_secret, "b.example",
	    "a.example", "x", key));
	assert_false(dialback_key_valid(guard.dialback_secret, "b.example",
	    "a.example", "x", ""));
}

/* Makes a db:NAME element with attributes FROM, TO, ID, TYPE (each may be
 * NULL) and text KEY (may be NULL) in A. */
static struct stanza_node *
db_element(struct arena *a, const char *name, const char *from,
    const char *to, const char *id, const char *type, const char *key)
{
	struct stanza_node *e = stanza_element(a, STANZA_NS_DIALBACK, name);

	assert_non_null(e);
	if (from != NULL)
		assert_int_equal(stanza_set_attr(a, e, "", "from", from), 0);
	if (to != NULL)
		assert_int_equal(stanza_set_attr(a, e, "", "to", to), 0);
	if (id != NULL)
		assert_int_equal(stanza_set_attr(a, e, "", "id", id), 0);
	if (type != NULL)
		assert_int_equal(stanza_set_attr(a, e, "", "type", type), 0);
	if (key != NULL)
		assert_int_equal(stanza_append_text(a, e, key, strlen(key)), 0);
	return e;
}

static void
test_parse(void **state)
{
	char dom[JID_DOMAIN_MAX + 3], id[DIALBACK_ID_MAX + 2];
	char key[DIALBACK_KEY_MAX + 2];
	struct arena a = { 0 };
	struct dialback_msg m;

	(void)state;
	assert_int_equal(dialback_parse(db_element(&a, "result", "A.Example.",
	    "b.example", NULL, NULL, "abc123"), &m), DIALBACK_OK);
	assert_int_equal(m.kind, DIALBACK_RESULT);
	assert_string_equal(m.from, "a.example");
	assert_string_equal(m.key, "abc123");
	assert_null(m.type);
	assert_int_equal(dialback_parse(db_element(&a, "result", "a.example",
	    "b.example", NULL, "valid", NULL), &m), DIALBACK_OK);
	assert_string_equal(m.type, "valid");
	assert_int_equal(dialback_parse(db_element(&a, "other", "a.example",
	    "b.example", NULL, NULL, "k"), &m), DIALBACK_UNKNOWN);
	assert_int_equal(dialback_parse(db_element(&a, "result", NULL,
	    "b.example", NULL, NULL, "k"), &m), DIALBACK_BAD_ADDRESS);
	assert_int_equal(dialback_parse(db_element(&a, "result", "a.example",
	    "b..example", NULL, NULL, "k"), &m), DIALBACK_BAD_ADDRESS);
	assert_int_equal(dialback_parse(db_element(&a, "result", "a.example",
	    "b.example", NULL, NULL, "k<"), &m), DIALBACK_BAD_KEY);
	assert_int_equal(dialback_parse(db_element(&a, "result", "a.example",
	    "b.example", NULL, NULL, NULL), &m), DIALBACK_BAD_KEY);
	/* Domains at the bound pass, one byte more does not. */
	long_domain(dom, JID_DOMAIN_MAX, 'd');
	assert_int_equal(dialback_parse(db_element(&a, "verify", dom, dom,
	    "id", NULL, "k"), &m), DIALBACK_OK);
	/* (1024 bytes would end in a dot, which a domain may carry.) */
	long_domain(dom, JID_DOMAIN_MAX + 2, 'd');
	assert_int_equal(dialback_parse(db_element(&a, "verify", dom,
	    "b.example", "id", NULL, "k"), &m), DIALBACK_BAD_ADDRESS);
	/* So do ids and keys. */
	memset(id, 'i', sizeof(id));
	id[DIALBACK_ID_MAX] = '\0';
	assert_int_equal(dialback_parse(db_element(&a, "verify", "a.example",
	    "b.example", id, NULL, "k"), &m), DIALBACK_OK);
	id[DIALBACK_ID_MAX] = 'i';
	id[DIALBACK_ID_MAX + 1] = '\0';
	assert_int_equal(dialback_parse(db_element(&a, "verify", "a.example",
	    "b.example", id, NULL, "k"), &m), DIALBACK_BAD_ID);
	assert_int_equal(dialback_parse(db_element(&a, "verify", "a.example",
	    "b.example", NULL, NULL, "k"), &m), DIALBACK_BAD_ID);
	memset(key, 'k', sizeof(key));
	key[DIALBACK_KEY_MAX] = '\0';
	assert_int_equal(dialback_parse(db_element(&a, "result", "a.example",
	    "b.example", NULL, NULL, key), &m), DIALBACK_OK);
	key[DIALBACK_KEY_MAX] = 'k';
	key[DIALBACK_KEY_MAX + 1] = '\0';
	assert_int_equal(dialback_parse(db_element(&a, "result", "a.example",
	    "b.example", NULL, NULL, key), &m), DIALBACK_BAD_KEY);
	arena_free(&a);
}

/* sha256sum of the 32 bytes "0123456789abcdef0123456789abcdef". */
#define SECRET_32_SHA256 "3eb1bd439947eb762998e566ccc2e099c791118b2f40579cc4f7da2b5061b7f9"

/* Writes N bytes of TEXT (repeated) to a new temporary file; returns its
 * path in PATH (at least 32 bytes). */
static void
secret_file(char *path, const char *text, size_t n)
{
	FILE *f;
	size_t i;
	int fd;

	strcpy(path, "/tmp/xedge-secret.XXXXXX");
	fd = mkstemp(path);
	assert_true(fd != -1);
	f = fdopen(fd, "w");
	assert_non_null(f);
	for (i = 0; i < n; i++)
		fputc(text[i % strlen(text)], f);
	assert_int_equal(fclose(f), 0);
}

/*
 * The site's shared secret: the SHA-256 of the file (vector from
 * sha256sum), so that two guards reading one file issue and check the
 * same keys; a file too short or too long, or missing, is refused.
 */
static void
test_secret_file(void **state)
{
	unsigned char a[DIALBACK_SECRET_LEN], b[DIALBACK_SECRET_LEN];
	char path[32], hex[2 * DIALBACK_SECRET_LEN + 1];
	char k1[DIALBACK_KEY_LEN + 1], k2[DIALBACK_KEY_LEN + 1];
	const char *why = NULL;
	size_t i;

	(void)state;
	secret_file(path, "0123456789abcdef", 32);
	assert_int_equal(dialback_secret_read(path, a, &why), 0);
	assert_int_equal(dialback_secret_read(path, b, &why), 0);
	unlink(path);
	for (i = 0; i < sizeof(a); i++)
		snprintf(hex + 2 * i, 3, "%02x", a[i]);
	assert_string_equal(hex, SECRET_32_SHA256);
	dialback_key(a, "b.example", "a.example", "id", k1);
	dialback_key(b, "b.example", "a.example", "id", k2);
	assert_string_equal(k1, k2);
	secret_file(path, "x", DIALBACK_SECRET_FILE_MIN - 1);
	assert_int_equal(dialback_secret_read(path, a, &why), -1);
	assert_non_null(why);
	unlink(path);
	secret_file(path, "x", DIALBACK_SECRET_FILE_MAX + 1);
	assert_int_equal(dialback_secret_read(path, a, &why), -1);
	unlink(path);
	assert_int_equal(dialback_secret_read(path, a, &why), -1);
	assert_string_equal(why, "No such file or directory");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_vector),
		cmocka_unit_test(test_direction_matters),
		cmocka_unit_test(test_secret_matters),
		cmocka_unit_test(test_maximal_fields),
		cmocka_unit_test(test_valid_needs_exact_key),
		cmocka_unit_test(test_parse),
		cmocka_unit_test(test_secret_file),
	};

	return cmocka_run_group_tests_name("dialback", tests, setup, NULL);
}
