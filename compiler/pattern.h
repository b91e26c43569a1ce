/*
 * Content patterns: the words and patterns a policy names for message
 * bodies and subjects, checked one by one, then compiled together into one
 * ragel machine that finds every list in one pass over the text.
 *
 * Both kinds match case-insensitively (text and patterns are folded by
 * text_fold_char() of runtime/text_fold.h) and as whole words: a match
 * must have a non-word character or the start of the text before it, and
 * a non-word character or the end after it (text_is_word() tells which).
 * In both kinds a space, or a run of spaces, stands for one or more
 * non-word characters: "top secret" matches "TOP   Secret", "top\nsecret"
 * and "top - secret".
 *
 * PATTERN_WORDS: a word or phrase, every other character literal.
 * PATTERN_REGEX: a small regular language over characters (not bytes):
 *   c        a character other than . ? * + [ ] ( ) | \ and space: itself
 *   .        any one character, separators included
 *   [...]    one character of the class: characters, ranges a-z, \d and
 *            escaped characters; [^...] one character not in it. A '-'
 *            first or last is literal; ']' must be escaped; ranges of
 *            upper case letters take their lower case too
 *   \d \w \W a digit 0-9; a word character; a non-word character
 *   \c       c itself, for c any ASCII character other than a letter or
 *            digit ("\ " is exactly one space)
 *   e? e* e+ e optional, repeated, repeated at least once (one per atom)
 *   e1|e2    either; ( ) groups, nested at most PATTERN_MAX_DEPTH deep
 * No anchors (every match is whole words anyway), no back-references, no
 * counted repetition.
 */
#ifndef XEDGEC_PATTERN_H
#define XEDGEC_PATTERN_H

#include <stddef.h>

#include "out.h"

struct model;

enum pattern_kind { PATTERN_WORDS = 0, PATTERN_REGEX };

/* The deepest nesting of parentheses a pattern may have. */
#define PATTERN_MAX_DEPTH 32

/* The most lists one machine reports (the bits of gen_text_match()). */
#define PATTERN_MAX_LISTS 64

/*
 * Checks one word or pattern TEXT (a C string) of kind KIND. Returns 0,
 * or -1 with *WHY set to a static message and *COL to the byte offset in
 * TEXT of the problem:
 *   at the character: "invalid UTF-8", "control character", "invisible
 *     character" (one the fold removes from text), "unmatched ')'",
 *     "unmatched ']'", "nothing to repeat", "quantifier after a
 *     quantifier", "unknown escape", "escape at the end" (at the '\')
 *   at the opening '(' or '[': "missing ')'", "nested too deeply",
 *     "missing ']'", "empty class"; at the start of the range: "range
 *     out of order"
 *   where the alternative should start: "empty alternative"
 *   at the start or end: "space at the start or end of a word"
 *   at 0: "empty word", "empty pattern", "pattern can match the empty
 *     string"
 */
int pattern_check(enum pattern_kind kind, const char *text, const char **why,
    size_t *col);

/*
 * One list: the words or patterns of one statement, all of KIND, checked
 * by pattern_check(). FILE and LINE name the statement for the #line
 * directive of its action (FILE NULL: none).
 */
struct pattern_list {
	enum pattern_kind kind;
	const char *const *items;
	size_t nitems;
	const char *file;
	int line;
};

/*
 * Writes into O (opened by out_open(); its base name is the file's name
 * in #line directives) a complete ragel file, headed as emit_header()
 * heads generated files for M, that defines gen_text_match() of
 * runtime/text_fold.h for the NLISTS lists LISTS (at most
 * PATTERN_MAX_LISTS; none gives a function that returns 0): bit I set
 * when list I matches. One machine for all lists, run once over the text:
 * any* . sep . (l0 . sep | l1 . sep | ...), the text taken as if a
 * separator stood before and after it. Owns nothing it is given.
 */
void emit_text(struct out *o, const struct model *m,
    const struct pattern_list *lists, size_t nlists);

#endif
