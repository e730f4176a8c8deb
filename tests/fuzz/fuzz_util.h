/* Shared by the libFuzzer harnesses (tests/fuzz/fuzz_*.c): the parsers take paths, so each input
 * is written to a file in a private scratch directory made once per process. */
#ifndef COMBOSCOPE_FUZZ_UTIL_H
#define COMBOSCOPE_FUZZ_UTIL_H
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "comboscope/error.h"
#include "comboscope/study.h"
#include "comboscope/study_json.h"

static char fuzz_dir_[64];

/* The scratch directory (created on first use; abort if it cannot be). */
static inline const char *fuzz_dir(void)
{
    if (!fuzz_dir_[0]) {
        const char *base = getenv("TMPDIR");
        snprintf(fuzz_dir_, sizeof fuzz_dir_, "%s/csfuzz-XXXXXX", base && *base ? base : "/tmp");
        if (!mkdtemp(fuzz_dir_))
            abort();
    }
    return fuzz_dir_;
}

/* Writes data to NAME in the scratch directory; returns the path (static buffer per slot). */
static inline const char *fuzz_write(const char *name, const uint8_t *data, size_t size)
{
    static char paths[4][512];
    static int next;
    char *p = paths[next++ % 4];
    snprintf(p, sizeof paths[0], "%s/%s", fuzz_dir(), name);
    FILE *f = fopen(p, "wb");
    if (!f || (size && fwrite(data, 1, size, f) != size) || fclose(f) != 0)
        abort();
    return p;
}

/* The study every journal / queue / combination input is read against: the sample study's
 * twelve datasets and two targets (no tables). */
#define FUZZ_STUDY_HEAD \
    "{\"comboscope\":1,\"name\":\"fuzz\",\"metric\":\"f1\",\"goal\":\"max\",\"datasets\":[" \
    "{\"name\":\"NER_bc2gm\",\"task\":\"NER\"},{\"name\":\"NER_bc4chemd\",\"task\":\"NER\"}," \
    "{\"name\":\"NER_bc5cdr\",\"task\":\"NER\"},{\"name\":\"RE_BioRED\",\"task\":\"RE\"}," \
    "{\"name\":\"RE_DDI\",\"task\":\"RE\"},{\"name\":\"RE_git\",\"task\":\"RE\"}," \
    "{\"name\":\"EE_genia2011\",\"task\":\"EE\"},{\"name\":\"EE_genia2013\",\"task\":\"EE\"}," \
    "{\"name\":\"EE_phee\",\"task\":\"EE\"},{\"name\":\"TC_ade\",\"task\":\"TC\"}," \
    "{\"name\":\"TC_healthadvice\",\"task\":\"TC\"},{\"name\":\"TC_pubmed20krct\",\"task\":\"TC\"}]," \
    "\"targets\":[\"RE_BioRED\",\"EE_genia2013\"],"
static const char fuzz_study_json_[] =
    FUZZ_STUDY_HEAD "\"tables\":[],\"journal\":\"journal.jsonl\",\"queue\":\"queue.csv\"}\n";

static inline study *fuzz_study(void)
{
    static study *s;
    if (!s) {
        cs_error err;
        const char *p = fuzz_write("study.json", (const uint8_t *)fuzz_study_json_,
                                   sizeof fuzz_study_json_ - 1);
        s = study_json_load(p, &err);
        if (!s) {
            fprintf(stderr, "fuzz_study: %s\n", err.msg);
            abort();
        }
    }
    return s;
}

#endif
