# comboscope: plain Makefile. `make` builds ./comboscope; `make check` runs every test;
# `make run` opens a copy of the in-progress real sample study. Both install missing packages first
# (scripts/ensure-deps).

PROG     = comboscope
VERSION  = 0.1.0
PREFIX  ?= /usr/local
DESTDIR ?=
BINDIR   = $(PREFIX)/bin
MANDIR   = $(PREFIX)/share/man
DATADIR  = $(PREFIX)/share/comboscope

CC         ?= cc
PKG_CONFIG ?= pkg-config
CFLAGS     ?= -O2 -g
WARNFLAGS   = -std=c11 -Wall -Wextra -Wshadow -Wpointer-arith -Wstrict-prototypes \
              -Wmissing-prototypes -Wformat=2 -Wno-format-nonliteral
ifeq ($(WERROR),1)
WARNFLAGS  += -Werror
endif

BUILD ?= build
ifeq ($(SANITIZE),1)
BUILD      = build-san
SANFLAGS   = -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined
# GCC's maybe-uninitialized analysis gives false positives under the sanitizers at -O3 (the
# hidden-layer buffers of predict_net.c, filled by a loop it cannot follow); the plain build
# keeps the warning.
SANFLAGS  += -Wno-maybe-uninitialized
endif

# Libraries: ncursesw and libcjson through pkg-config; libcsv has no .pc file on Debian.
CURSES_CFLAGS = $(shell $(PKG_CONFIG) --cflags ncursesw 2>/dev/null)
CURSES_LIBS   = $(shell $(PKG_CONFIG) --libs ncursesw 2>/dev/null || echo -lncursesw)
CJSON_CFLAGS  = $(shell $(PKG_CONFIG) --cflags libcjson 2>/dev/null)
CJSON_LIBS    = $(shell $(PKG_CONFIG) --libs libcjson 2>/dev/null || echo -lcjson)
CMOCKA_CFLAGS = $(shell $(PKG_CONFIG) --cflags cmocka 2>/dev/null)
CMOCKA_LIBS   = $(shell $(PKG_CONFIG) --libs cmocka 2>/dev/null || echo -lcmocka)
CSV_LIBS      = -lcsv
# Linear algebra: LAPACKE on OpenBLAS (src/core/linalg.c).
LINALG_CFLAGS = $(shell $(PKG_CONFIG) --cflags lapacke openblas 2>/dev/null)
LINALG_LIBS   = $(shell $(PKG_CONFIG) --libs lapacke openblas 2>/dev/null || echo -llapacke -lopenblas)

ALL_CPPFLAGS = -Iinclude -D_POSIX_C_SOURCE=200809L -DCOMBOSCOPE_VERSION='"$(VERSION)"' \
               -DCOMBOSCOPE_DATADIR='"$(DATADIR)"' $(CJSON_CFLAGS) $(LINALG_CFLAGS) $(CPPFLAGS)
ALL_CFLAGS   = $(WARNFLAGS) $(SANFLAGS) $(CFLAGS) -pthread -MMD -MP
ALL_LDFLAGS  = $(SANFLAGS) $(LDFLAGS) -pthread
LIBS         = $(CURSES_LIBS) $(CJSON_LIBS) $(CSV_LIBS) $(LINALG_LIBS) -lm

CORE_SRC = $(sort $(wildcard src/core/*.c))
CLI_SRC  = $(sort $(wildcard src/cli/*.c))
UI_SRC   = $(sort $(wildcard src/ui/*.c))
TEST_SRC = $(sort $(wildcard tests/unit/test_*.c))

CORE_OBJ = $(CORE_SRC:%.c=$(BUILD)/%.o)
CLI_OBJ  = $(CLI_SRC:%.c=$(BUILD)/%.o)
UI_OBJ   = $(UI_SRC:%.c=$(BUILD)/%.o)
TEST_BIN = $(TEST_SRC:tests/unit/%.c=$(BUILD)/tests/%)
CORE_LIB = $(BUILD)/libcomboscope.a
BIN      = $(if $(filter 1,$(SANITIZE)),$(BUILD)/$(PROG),$(PROG))
# The fashion8 sample's training program (sample-results/fashion8/README.md): always in build/,
# where the sample studies' launch command (../../build/fashion-train) finds it.
TRAIN    = build/fashion-train

.PHONY: all deps run check test unit-tests cli-tests lint-man check-layering bench \
        install uninstall clean update-golden fuzz fuzz-build fuzz-regress

all: $(BIN) $(TRAIN)

$(TRAIN): sample-results/fashion8/fashion-train.c
	@mkdir -p $(@D)
	$(CC) $(WARNFLAGS) $(CFLAGS) $(CPPFLAGS) -o $@ $< $(LDFLAGS) -lz -lm

$(BIN): $(CLI_OBJ) $(UI_OBJ) $(CORE_LIB)
	$(CC) $(ALL_LDFLAGS) -o $@ $(CLI_OBJ) $(UI_OBJ) $(CORE_LIB) $(LIBS)

$(CORE_LIB): $(CORE_OBJ)
	@rm -f $@
	$(AR) rcs $@ $^

$(BUILD)/src/ui/%.o: src/ui/%.c
	@mkdir -p $(@D)
	$(CC) $(ALL_CPPFLAGS) $(CURSES_CFLAGS) $(ALL_CFLAGS) -c -o $@ $<

$(BUILD)/%.o: %.c
	@mkdir -p $(@D)
	$(CC) $(ALL_CPPFLAGS) $(ALL_CFLAGS) $(VECFLAGS) -c -o $@ $<

# The predictors' loops vectorised, tanh included (glibc's libmvec, see src/core/predict_impl.h):
# -O3 for the vectoriser, -fno-math-errno so that tanh may be called on vectors; no -ffast-math.
$(BUILD)/src/core/predict%.o: VECFLAGS = -O3 -fno-math-errno

$(BUILD)/tests/%: tests/unit/%.c $(CORE_LIB)
	@mkdir -p $(@D)
	$(CC) $(ALL_CPPFLAGS) $(CMOCKA_CFLAGS) $(ALL_CFLAGS) -o $@ $< $(CORE_LIB) \
	      $(ALL_LDFLAGS) $(CMOCKA_LIBS) $(CJSON_LIBS) $(CSV_LIBS) $(LINALG_LIBS) -lm

# The data directory is compiled into cli_util.o: rebuild it when PREFIX changes.
$(BUILD)/datadir.stamp: FORCE
	@mkdir -p $(@D)
	@echo '$(DATADIR)' | cmp -s - $@ || echo '$(DATADIR)' >$@
$(BUILD)/src/cli/cli_util.o: $(BUILD)/datadir.stamp
.PHONY: FORCE
FORCE:

deps:
	@scripts/ensure-deps

# The two promised commands: each makes sure the packages are there first.
# It opens a private copy of the in-progress sample study (made once, kept between runs, so
# that quitting and reopening finds the decisions). The default, fashion8-study, is real: a
# committed round runs the training program through the study's local engine and its results
# come back within seconds (the copy names the program by its absolute path). With
# `make run SAMPLE=biomed12-study` it opens the synthetic one, whose committed runs wait in the
# queue as on a real cluster. `make run ORACLE=1` has the sample's complete table answer every
# committed run at once instead.
SAMPLE    ?= fashion8-study
RUN_STUDY  = build/run/$(SAMPLE)
RUN_TABLE  = sample-results/$(patsubst %-study,%,$(SAMPLE))/runs.csv
run: deps
	@$(MAKE) --no-print-directory all
	@[ -d $(RUN_STUDY) ] || { mkdir -p $(dir $(RUN_STUDY)) && cp -R sample-results/$(SAMPLE) $(RUN_STUDY) && \
	  sed -i 's#"\.\./\.\./build/fashion-train #"$(CURDIR)/build/fashion-train #' $(RUN_STUDY)/study.json; }
	./$(PROG) $(if $(filter 1,$(ORACLE)),--oracle $(RUN_TABLE)) $(RUN_STUDY)/study.json

check: deps
	@$(MAKE) --no-print-directory WERROR=1 test
	@$(MAKE) --no-print-directory WERROR=1 SANITIZE=1 test
	@$(MAKE) --no-print-directory fuzz-regress
	@echo "make check: all tests passed (plain and SANITIZE=1 builds)"

test: all $(TEST_BIN) check-layering lint-man
	@scripts/run-unit-tests $(TEST_BIN)
	@tests/cli/run.sh $(abspath $(BIN))
	@tests/golden/run.sh $(abspath $(BIN))

check-layering:
	@! grep -rlE '#[[:space:]]*include[[:space:]]*[<"](n?curses|ncursesw/)' src/core src/cli include \
	  || { echo "layering: curses included outside src/ui" >&2; exit 1; }

lint-man:
	@out=$$(groff -man -ww -z man/comboscope.1 2>&1); \
	 if [ -n "$$out" ]; then echo "$$out" >&2; echo "lint-man: man/comboscope.1 has warnings" >&2; exit 1; fi

# Rewrites the golden screens (tests/golden/*.screen) from the current program, for review.
update-golden: all
	@tests/golden/run.sh $(abspath $(BIN)) --update

# make fuzz: the libFuzzer harnesses of tests/fuzz/ (see its README), each run FUZZ_SECONDS on
# its seed corpus. Needs clang; `make check` runs only the short fuzz-regress below.
FUZZ_SECONDS ?= 30
FUZZ_CC      ?= clang
FUZZ_SAN      = -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined
FUZZ_BIN      = $(patsubst tests/fuzz/%.c,build-fuzz/tests/%,$(wildcard tests/fuzz/fuzz_*.c))
fuzz-build:
	@$(MAKE) --no-print-directory BUILD=build-fuzz CC=$(FUZZ_CC) CFLAGS='-O1 -g' \
	  SANFLAGS='$(FUZZ_SAN) -fsanitize=fuzzer-no-link' $(FUZZ_BIN)
build-fuzz/tests/fuzz_%: tests/fuzz/fuzz_%.c tests/fuzz/fuzz_util.h $(CORE_LIB)
	@mkdir -p $(@D)
	$(CC) $(ALL_CPPFLAGS) $(ALL_CFLAGS) -fsanitize=fuzzer -o $@ $< $(CORE_LIB) \
	      $(ALL_LDFLAGS) -fsanitize=fuzzer $(CJSON_LIBS) $(CSV_LIBS) $(LINALG_LIBS) -lm
fuzz: fuzz-build
	@tests/fuzz/run.sh $(FUZZ_SECONDS) $(FUZZ_BIN)

# The short fuzz regression `make check` runs: every harness over its corpus and
# tests/fuzz/crashers, then FUZZ_REGRESS_SECONDS (1) of mutation each. Skipped without clang.
fuzz-regress:
	@if command -v $(FUZZ_CC) >/dev/null 2>&1; then \
	   $(MAKE) --no-print-directory fuzz-build >/dev/null && tests/fuzz/regress.sh $(FUZZ_BIN); \
	 else \
	   echo "fuzz-regress: skipped: $(FUZZ_CC) is not installed (the libFuzzer harnesses need it)"; \
	 fi

bench: deps
	@$(MAKE) --no-print-directory all
	@scripts/bench

install: all
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR)/man1 $(DESTDIR)$(DATADIR)/themes
	install -m 755 $(PROG) $(DESTDIR)$(BINDIR)/$(PROG)
	install -m 644 man/comboscope.1 $(DESTDIR)$(MANDIR)/man1/comboscope.1
	for f in themes/*; do [ -f "$$f" ] && install -m 644 "$$f" $(DESTDIR)$(DATADIR)/themes/ || true; done
	install -d $(DESTDIR)$(DATADIR)/sample-results/biomed12
	install -m 644 sample-results/biomed12/study.json sample-results/biomed12/runs.csv \
	        sample-results/biomed12/README.md $(DESTDIR)$(DATADIR)/sample-results/biomed12/
	install -d $(DESTDIR)$(DATADIR)/sample-results/fashion8
	install -m 644 sample-results/fashion8/study.json sample-results/fashion8/runs.csv \
	        sample-results/fashion8/README.md sample-results/fashion8/fashion-train.c \
	        sample-results/fashion8/data.sha256 $(DESTDIR)$(DATADIR)/sample-results/fashion8/
	install -m 755 $(TRAIN) $(DESTDIR)$(DATADIR)/fashion-train
	install -d $(DESTDIR)$(DATADIR)/sample-results/fashion8-study
	install -m 644 sample-results/fashion8-study/*.jsonl \
	        sample-results/fashion8-study/*.csv sample-results/fashion8-study/README.md \
	        $(DESTDIR)$(DATADIR)/sample-results/fashion8-study/
	sed 's#"\.\./\.\./build/fashion-train #"$(DATADIR)/fashion-train #' sample-results/fashion8-study/study.json \
	    >$(DESTDIR)$(DATADIR)/sample-results/fashion8-study/study.json
	chmod 644 $(DESTDIR)$(DATADIR)/sample-results/fashion8-study/study.json
	install -d $(DESTDIR)$(DATADIR)/sample-results/biomed12-study
	install -m 644 sample-results/biomed12-study/*.json sample-results/biomed12-study/*.jsonl \
	        sample-results/biomed12-study/*.csv sample-results/biomed12-study/README.md \
	        $(DESTDIR)$(DATADIR)/sample-results/biomed12-study/

uninstall:
	rm -f $(DESTDIR)$(BINDIR)/$(PROG) $(DESTDIR)$(MANDIR)/man1/comboscope.1
	rm -rf $(DESTDIR)$(DATADIR)

clean:
	rm -rf build build-san build-fuzz $(PROG)

-include $(CORE_OBJ:.o=.d) $(CLI_OBJ:.o=.d) $(UI_OBJ:.o=.d) $(TEST_BIN:=.d)
