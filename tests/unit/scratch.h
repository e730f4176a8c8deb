/* scratch: the scratch directory of the unit tests that work on files, one per test binary.
 * scratch_make("queue") makes /tmp/cs-queue-XXXXXX; at(NAME) names a file in it (four names
 * live at a time); put and append write one; open_study opens its study.json, failing the test
 * with the error; scratch_remove deletes the directory and everything in it. Header-only, for
 * the tests: include it once, after cmocka.h. */
#ifndef COMBOSCOPE_TEST_SCRATCH_H
#define COMBOSCOPE_TEST_SCRATCH_H

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "comboscope/study_json.h"

static char dir[64];

static inline void scratch_make(const char *tag)
{
    snprintf(dir, sizeof dir, "/tmp/cs-%s-XXXXXX", tag);
    assert_non_null(mkdtemp(dir));
}

static inline char *at(const char *name)
{
    static char buf[4][256];
    static int k;
    k = (k + 1) % 4;
    snprintf(buf[k], sizeof buf[k], "%s/%s", dir, name);
    return buf[k];
}

static inline void scratch_write(const char *name, const char *text, const char *mode)
{
    FILE *f = fopen(at(name), mode);
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
}

static inline void put(const char *name, const char *text)
{
    scratch_write(name, text, "w");
}

static inline void append(const char *name, const char *text)
{
    scratch_write(name, text, "a");
}

static inline study *open_study(void)
{
    cs_error err;
    study *s = study_open(at("study.json"), NULL, &err);
    if (!s)
        fail_msg("%s", err.msg);
    return s;
}

static inline void scratch_remove_tree(const char *d)
{
    DIR *dd = opendir(d);
    if (!dd)
        return;
    struct dirent *e;
    while ((e = readdir(dd))) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
            continue;
        size_t n = strlen(d) + strlen(e->d_name) + 2;
        char *p = malloc(n);
        assert_non_null(p);
        snprintf(p, n, "%s/%s", d, e->d_name);
        struct stat st;
        if (lstat(p, &st) == 0 && S_ISDIR(st.st_mode))
            scratch_remove_tree(p);
        else
            unlink(p);
        free(p);
    }
    closedir(dd);
    rmdir(d);
}

static inline void scratch_remove(void)
{
    scratch_remove_tree(dir);
}

#endif
