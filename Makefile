# xedge: one non-recursive Makefile.
#
#   make [POLICY=file.policy]   build/xedgec, then build/xedge for POLICY
#        [ROLE=guard]           the guard of POLICY's pair block to build
#   make check                  every test suite, ending "N passed, N failed"
#   make demo                   a guard between two local Prosody servers
#   make bench                  throughput, latency and memory figures
#   make fuzz                   every parser of untrusted input under libFuzzer
#   make install                PREFIX=/usr/local DESTDIR=
#   SANITIZER=address|undefined instruments every binary.

POLICY ?= examples/single-edge.policy
ROLE ?=
PREFIX ?= /usr/local
DESTDIR ?=
B := build
G := generated

CC ?= cc
# Reproducible builds: the checkout's path does not leak into the binary.
REPRO := -ffile-prefix-map=$(CURDIR)=.
WARN := -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wmissing-prototypes
OPT ?= -O2 -g
CFLAGS_ALL := -std=c11 -D_GNU_SOURCE $(OPT) $(WARN) $(REPRO) -MMD -MP $(CFLAGS)
LDLIBS_ALL := -lmicrohttpd -lgnutls -lssl -lcrypto -lresolv -pthread $(LDLIBS)
ifneq ($(SANITIZER),)
CFLAGS_ALL += -fsanitize=$(SANITIZER) -fno-omit-frame-pointer -fno-sanitize-recover=all
LDFLAGS += -fsanitize=$(SANITIZER)
endif

# Packages the build, the tests, the demo and the benchmark need, exactly.
DEBIAN_PACKAGES := gcc make flex bison ragel pkg-config libssl-dev openssl \
	libcmocka-dev libxml2-dev libmicrohttpd-dev libgnutls28-dev prosody \
	lua-unbound ejabberd python3 python3-slixmpp socat mandoc man-db \
	iproute2 tcpdump util-linux systemd prometheus chromium

# flex and ragel name the file they write in #line directives: their
# output, written to $@.tmp, names $@ once renamed. RAGEL makes $@ from
# the machine $<.
RENAME_TMP = sed -i 's|^\(\#line [0-9]* \)"$@\.tmp"$$|\1"$@"|' $@.tmp && mv $@.tmp $@
define RAGEL
@mkdir -p $(@D)
ragel -G2 -o $@.tmp $< && $(RENAME_TMP)
endef
# Goto code (-G2) is ragel's fastest, but the content patterns' machine
# (compiler/emit_text.c) has thousands of states for a long word list,
# and GCC -O2 takes a minute over goto code that size, its jump threading
# most of it: -O1 compiles 200 words in 2 s, and the machine runs as fast
# (a flat table, -F1, would compile as quickly and run five times slower).
$(B)/gen/text.rl.o: CFLAGS_TEXT := -O1

# Keep intermediate objects (unit test .o files): rebuilding them each run
# is wasted work. FORCE must be phony: .SECONDARY makes every other
# missing file without prerequisites count as up to date, which would
# leave the targets that depend on FORCE never remade.
.SECONDARY:
.PHONY: all deps check demo bench fuzz install clean FORCE
all: $(B)/xedgec $(B)/xedge

deps:
	@sh tests/deps.sh $(DEBIAN_PACKAGES)

# ---- compiler -------------------------------------------------------------
COMPILER_SRC := $(wildcard compiler/*.c)
# The compiler folds content patterns with the guard's own text_fold.c.
COMPILER_OBJ := $(COMPILER_SRC:%.c=$(B)/%.o) $(B)/compiler/lexer.o $(B)/compiler/parser.o \
	$(B)/compiler/text_fold.o
$(B)/compiler/text_fold.o: runtime/text_fold.c
	@mkdir -p $(@D)
	$(CC) $(CFLAGS_ALL) -Iruntime -c -o $@ $<

# One run of bison writes both files (a grouped target: under -j, two runs
# would write the same files at once), into a directory of its own under
# their final names, then renamed; -M makes the #line directives and the
# include guard name the files where they end up.
BISON_TMP := $(B)/compiler/.bison
$(B)/compiler/parser.c $(B)/compiler/parser.h &: compiler/parser.y
	@rm -rf $(BISON_TMP) && mkdir -p $(BISON_TMP)
	bison -Wall -Werror -M $(BISON_TMP)/=$(@D)/ \
	    --defines=$(BISON_TMP)/parser.h -o $(BISON_TMP)/parser.c $<
	mv $(BISON_TMP)/parser.h $(BISON_TMP)/parser.c $(@D)/ && rmdir $(BISON_TMP)

$(B)/compiler/lexer.c: compiler/lexer.l $(B)/compiler/parser.h
	@mkdir -p $(@D)
	flex -o $@.tmp $< && $(RENAME_TMP)

# Generated parsers are not ours to warn about beyond what they can meet.
$(B)/compiler/lexer.o $(B)/compiler/parser.o: CFLAGS_GEN := -Wno-unused-function -Wno-missing-prototypes -Wno-sign-compare
$(B)/compiler/%.o: $(B)/compiler/%.c
	$(CC) $(CFLAGS_ALL) $(CFLAGS_GEN) -Icompiler -I$(B)/compiler -c -o $@ $<
$(COMPILER_SRC:%.c=$(B)/%.o): $(B)/compiler/parser.h
$(B)/compiler/%.o: compiler/%.c
	@mkdir -p $(@D)
	$(CC) $(CFLAGS_ALL) $(CFLAGS_LIB) -Icompiler -I$(B)/compiler -Iruntime -c -o $@ $<

# The compiler reads SPIF files with libxml2 (compiler/spif*.c).
$(B)/compiler/spif.o $(B)/compiler/spif_equiv.o $(B)/compiler/spif_rules.o: \
	CFLAGS_LIB = $(XML2_CFLAGS)
$(B)/xedgec: $(COMPILER_OBJ)
	$(CC) $(LDFLAGS) -o $@ $^ -lcrypto $(XML2_LIBS)

# ---- generated policy -----------------------------------------------------
# The policy's path and role are recorded so that a different POLICY or
# ROLE regenerates.
$(G)/.policy: FORCE
	@mkdir -p $(G)
	@echo '$(POLICY) $(ROLE)' | cmp -s - $@ || echo '$(POLICY) $(ROLE)' > $@
FORCE:

# xedgec lists the files it writes, by kind, in $(G)/manifest.mk (see
# xedgec(1)). Including the manifest has make bring it up to date first
# and then read it again, so the rules below name the files of this
# xedgec: a language feature that adds a .c or .rl file needs no edit
# here. Goals that build no generated code do without it: clean compiles
# nothing, xedgec needs no policy, the fuzz targets build theirs in a tree
# of their own, and check, demo, bench and fuzz install the packages
# before their nested make builds anything.
# The manifest's kinds, empty until it is read.
GEN_H :=
GEN_C :=
GEN_RL :=
GEN_DEP :=
NO_POLICY_GOALS := clean deps check demo bench fuzz $(B)/xedgec $(B)/fuzz/fuzz_%
ifneq ($(filter-out $(NO_POLICY_GOALS),$(or $(MAKECMDGOALS),all)),)
include $(G)/manifest.mk
endif

# One run of xedgec writes every file (a grouped target, as for bison),
# each under a temporary name, renamed when all are complete.
$(G)/manifest.mk $(addprefix $(G)/,$(GEN_H) $(GEN_C) $(GEN_RL) $(GEN_DEP)) &: \
    $(B)/xedgec $(POLICY) $(G)/.policy
	$(B)/xedgec -o $(G) $(if $(ROLE),--role '$(ROLE)') $(POLICY)

# The policy's included files, as xedgec found them: editing one rebuilds.
include $(addprefix $(G)/,$(GEN_DEP))
GEN_OBJ := $(GEN_C:%.c=$(B)/gen/%.o) $(GEN_RL:%.rl=$(B)/gen/%.rl.o)
$(B)/gen/%.rl.c: $(G)/%.rl
	$(RAGEL)
$(B)/gen/%.o: $(G)/%.c | $(G)/manifest.mk
	@mkdir -p $(@D)
	$(CC) $(CFLAGS_ALL) -Iruntime -I$(G) -c -o $@ $<
$(B)/gen/%.rl.o: $(B)/gen/%.rl.c | $(G)/manifest.mk
	$(CC) $(CFLAGS_ALL) $(CFLAGS_TEXT) -Iruntime -I$(G) -c -o $@ $<

# ---- runtime --------------------------------------------------------------
RUNTIME_C := $(wildcard runtime/*.c)
RUNTIME_RL := $(wildcard runtime/*.rl)
RUNTIME_OBJ := $(RUNTIME_C:%.c=$(B)/%.o) $(RUNTIME_RL:%.rl=$(B)/%.rl.o)
# The status page (web/) is part of the guard's library.
WEB_OBJ := $(patsubst %.c,$(B)/%.o,$(wildcard web/*.c))
RUNTIME_LIB_OBJ := $(filter-out $(B)/runtime/main.o,$(RUNTIME_OBJ)) $(WEB_OBJ)

# Unit tests and a few runtime files include the generated headers.
$(B)/runtime/%.o: runtime/%.c | $(G)/manifest.mk
	@mkdir -p $(@D)
	$(CC) $(CFLAGS_ALL) $(CFLAGS_MAIN) -Iruntime -I$(G) -c -o $@ $<
$(B)/web/%.o: web/%.c | $(G)/manifest.mk
	@mkdir -p $(@D)
	$(CC) $(CFLAGS_ALL) -Iruntime -Iweb -I$(G) -c -o $@ $<
$(B)/runtime/main.o: CFLAGS_MAIN := -Iweb
$(B)/runtime/%.rl.c: runtime/%.rl
	$(RAGEL)
$(B)/runtime/%.rl.o: $(B)/runtime/%.rl.c
	$(CC) $(CFLAGS_ALL) -Iruntime -I$(G) -c -o $@ $<

$(B)/libxedge.a: $(RUNTIME_LIB_OBJ)
	@rm -f $@
	ar rcs $@ $^

# The policy's own tests run on the guard just linked, through its own
# pipeline (xedge --test): a policy whose tests fail yields no guard, not
# even the one an earlier build left.
$(B)/xedge: $(B)/runtime/main.o $(B)/libxedge.a $(GEN_OBJ)
	$(CC) $(LDFLAGS) -o $@.tmp $(B)/runtime/main.o $(GEN_OBJ) $(B)/libxedge.a $(LDLIBS_ALL)
	@$@.tmp --test || { rm -f $@ $@.tmp; exit 1; }
	mv $@.tmp $@

# ---- tests ----------------------------------------------------------------
UNIT_SRC := $(wildcard tests/unit/test_*.c)
UNIT_BIN := $(UNIT_SRC:tests/unit/%.c=$(B)/tests/%)
# Expanded when used, not when read: on a new machine `make check` installs
# pkg-config and libxml2 (deps) before the tests are compiled.
XML2_CFLAGS = $(shell pkg-config --cflags libxml-2.0 2>/dev/null)
XML2_LIBS = $(shell pkg-config --libs libxml-2.0 2>/dev/null)

$(B)/tests/%.o: tests/unit/%.c | $(G)/manifest.mk
	@mkdir -p $(@D)
	$(CC) $(CFLAGS_ALL) $(XML2_CFLAGS) -Iruntime -Iweb -I$(G) -Itests/unit -c -o $@ $<
$(B)/tests/test_%: $(B)/tests/test_%.o $(B)/libxedge.a $(GEN_OBJ)
	$(CC) $(LDFLAGS) $(WRAP) -o $@ $< $(GEN_OBJ) $(B)/libxedge.a -lcmocka $(XML2_LIBS) $(LDLIBS_ALL)
# Seams: the s2s handlers' tests write and dial through functions of their own.
$(B)/tests/test_s2s: WRAP := -Wl,--wrap=conn_write -Wl,--wrap=conn_connect_fd \
	-Wl,--wrap=resolve_start -Wl,--wrap=resolve_cancel

# The integration suite's guard, built for its own policy in a tree of its
# own by a nested make (where this target's name does not arise: there,
# build/it/xedge is $(B)/xedge).
$(B)/it/xedge: FORCE
	@$(MAKE) --no-print-directory B=$(B)/it G=$(B)/it/generated POLICY=tests/integration/trunk.policy $@

# The packages come first, even under -j: nothing is built before them.
check: deps
	@$(MAKE) --no-print-directory all $(UNIT_BIN) $(B)/it/xedge
	@sh tests/run-all.sh $(UNIT_BIN)

demo: deps
	@$(MAKE) --no-print-directory all
	@/usr/bin/python3 examples/demo.py

bench: deps
	@$(MAKE) --no-print-directory all $(B)/bench/xml_bench
	@CC='$(CC)' BENCH_LDLIBS='$(LDLIBS_ALL)' sh tests/bench/run.sh

# ---- benchmark ------------------------------------------------------------
$(B)/bench/xml_bench: tests/bench/xml_bench.c $(B)/libxedge.a
	@mkdir -p $(@D)
	$(CC) $(CFLAGS_ALL) -Iruntime -o $@ $< $(B)/libxedge.a $(LDFLAGS)

# ---- fuzzing --------------------------------------------------------------
# One libFuzzer target per parser that meets untrusted input, each
# tests/fuzz/fuzz_NAME.c with its seeds and dictionary in tests/fuzz/NAME/
# (tests/fuzz/README.md); tests/fuzz/run.sh runs them one after the other.
# libFuzzer needs clang and its runtime, installed on demand like the rest.
FUZZ_PACKAGES := clang libclang-rt-dev
FUZZ_CC ?= clang
FUZZ_TIME ?= 60
FUZZ_TARGETS := xml site xedgec s2s label gcxp
F := $(B)/fuzz
FUZZ_CFLAGS := -std=c11 -D_GNU_SOURCE -g -O1 $(WARN) \
	-fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all

$(F)/fuzz_xml: tests/fuzz/fuzz_xml.c tests/fuzz/fuzz.h \
	tests/unit/test_xml_dump.h $(B)/runtime/xml.rl.c \
	$(wildcard runtime/xml_*.c) runtime/stanza.c runtime/arena.c
	@mkdir -p $(@D)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -Iruntime -Itests/unit -o $@ \
		$(filter %.c,$^)

# The other targets link the compiler's and the guard's objects as this
# Makefile builds them, in a tree of their own (as for the integration
# guard), with clang, the sanitizers and libFuzzer's coverage, for the
# policy of tests/fuzz/fuzz.policy.
FT := $(F)/tree
$(FT)/xedge: FORCE
	@$(MAKE) --no-print-directory B=$(FT) G=$(FT)/generated \
	    POLICY=tests/fuzz/fuzz.policy CC=$(FUZZ_CC) OPT='-O1 -g' \
	    SANITIZER=address,undefined CFLAGS=-fsanitize=fuzzer-no-link $@
# Globs for the shell, once the tree is built: make's own $(wildcard)
# would answer from what it saw of the directory before the nested make
# that fills it.
FUZZ_GEN_OBJ = $(FT)/gen/*.o

$(F)/fuzz_site: tests/fuzz/fuzz_site.c tests/fuzz/fuzz.h $(FT)/xedge
	$(FUZZ_CC) $(FUZZ_CFLAGS) -Iruntime -I$(FT)/generated -o $@ $< \
		$(FUZZ_GEN_OBJ) $(FT)/libxedge.a $(LDLIBS_ALL)

# The compiler without its main, and with includes kept in a sandbox.
$(F)/fuzz_xedgec: tests/fuzz/fuzz_xedgec.c tests/fuzz/fuzz.h $(FT)/xedge
	$(FUZZ_CC) $(FUZZ_CFLAGS) -Icompiler -o $@ $< \
		$$(ls $(FT)/compiler/*.o | grep -v '/main\.o$$') \
		-Wl,--wrap=src_load -lcrypto $(XML2_LIBS)

# The guard's runtime with its network, clock and randomness seams wrapped
# (tests/fuzz/fuzz_s2s.c says why each).
FUZZ_S2S_WRAP := conn_connect_fd resolve_start epoll_wait clock_gettime \
	RAND_bytes
$(F)/fuzz_s2s: tests/fuzz/fuzz_s2s.c tests/fuzz/fuzz.h \
	tests/unit/tls_fixture.h $(FT)/xedge
	$(FUZZ_CC) $(FUZZ_CFLAGS) -Iruntime -I$(FT)/generated -Itests/unit \
		-o $@ $< $(FUZZ_GEN_OBJ) $(FT)/libxedge.a \
		$(FUZZ_S2S_WRAP:%=-Wl,--wrap=%) $(LDLIBS_ALL)

$(F)/fuzz_label: tests/fuzz/fuzz_label.c tests/fuzz/fuzz.h \
	runtime/label_ess.c runtime/label_ess_cat.c runtime/label_ess_write.c \
	runtime/label_ess.h runtime/label_ess_int.h
	@mkdir -p $(@D)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -Iruntime -o $@ $(filter %.c,$^) -lcrypto

# The GCXP frame codec alone, with what it calls of the guard: UTF-8
# decoding, the stanza error conditions' names, and the log's fatal
# assertion that guards them.
$(F)/fuzz_gcxp: tests/fuzz/fuzz_gcxp.c tests/fuzz/fuzz.h \
	tests/unit/gcxp_fixture.h runtime/gcxp_frame.c runtime/gcxp_frame.h \
	runtime/text_fold.c runtime/stanza_error.c runtime/log.c
	@mkdir -p $(@D)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -Iruntime -Itests/unit -o $@ \
		$(filter %.c,$^)

fuzz:
	@sh tests/deps.sh $(FUZZ_PACKAGES)
	@$(MAKE) --no-print-directory $(FUZZ_TARGETS:%=$(F)/fuzz_%)
	@sh tests/fuzz/run.sh $(F) $(FUZZ_TIME) $(FUZZ_TARGETS)

# The systemd unit names the binary under PREFIX. /var/empty, the guard's
# default chroot, lies outside PREFIX, as OpenSSH's does; Debian has none.
SYSTEMD_UNIT_DIR := $(PREFIX)/lib/systemd/system
install: all
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/man/man1 \
	    $(DESTDIR)$(PREFIX)/share/man/man5 $(DESTDIR)$(PREFIX)/share/man/man7 \
	    $(DESTDIR)$(PREFIX)/share/man/man8 \
	    $(DESTDIR)$(SYSTEMD_UNIT_DIR)
	install -d -m 755 $(DESTDIR)/var/empty
	install -m 755 $(B)/xedge $(B)/xedgec $(DESTDIR)$(PREFIX)/bin/
	install -m 644 policy-lang/xedgec.1 $(DESTDIR)$(PREFIX)/share/man/man1/
	install -m 644 policy-lang/xedge.policy.5 $(DESTDIR)$(PREFIX)/share/man/man5/
	install -m 644 policy-lang/xedge-gcxp.7 $(DESTDIR)$(PREFIX)/share/man/man7/
	install -m 644 policy-lang/xedge.8 $(DESTDIR)$(PREFIX)/share/man/man8/
	sed 's|/usr/local/bin/xedge|$(PREFIX)/bin/xedge|' examples/xedge.service \
	    > $(DESTDIR)$(SYSTEMD_UNIT_DIR)/xedge.service.tmp
	chmod 644 $(DESTDIR)$(SYSTEMD_UNIT_DIR)/xedge.service.tmp
	mv $(DESTDIR)$(SYSTEMD_UNIT_DIR)/xedge.service.tmp \
	    $(DESTDIR)$(SYSTEMD_UNIT_DIR)/xedge.service

clean:
	rm -rf $(B) $(G)

-include $(shell find $(B) -name '*.d' 2>/dev/null)
