/* initial-design: prints the combinations of an initial design (search_initial_design) for
 * some targets of a study, one per line as member names joined by '+', each once. Used by
 * scripts/make-sample-study to seed the in-progress sample study from the complete table.
 * usage: initial-design STUDY DESIGN TARGET... */
#include <stdio.h>
#include <stdlib.h>

#include "comboscope/search.h"
#include "comboscope/study_json.h"
#include "comboscope/text.h"

int main(int argc, char **argv)
{
    if (argc < 4) {
        fprintf(stderr, "usage: initial-design STUDY DESIGN TARGET...\n");
        return 2;
    }
    cs_error err;
    study *s = study_open(argv[1], NULL, &err);
    search_design d;
    if (!s || !search_design_parse(argv[2], &d)) {
        fprintf(stderr, "%s\n", s ? "bad design" : err.msg);
        return 1;
    }
    int task[COMBO_MAX_DATASETS];
    for (int i = 0; i < s->n_datasets; i++)
        task[i] = s->datasets[i].task;
    combo_t seen[4096];
    size_t n_seen = 0;
    for (int a = 3; a < argc; a++) {
        int t = study_find_dataset(s, argv[a]);
        if (t < 0) {
            fprintf(stderr, "%s: no dataset '%s'\n", argv[1], argv[a]);
            return 1;
        }
        size_t n;
        combo_t *c = search_initial_design(&d, s->n_datasets, t, task, 1, &n);
        for (size_t i = 0; i < n; i++) {
            bool dup = false;
            for (size_t k = 0; k < n_seen && !dup; k++)
                dup = seen[k] == c[i];
            if (dup || n_seen == sizeof seen / sizeof *seen)
                continue;
            seen[n_seen++] = c[i];
            char buf[2048];
            printf("%s\n", study_combo_format(s, c[i], buf, sizeof buf));
        }
        free(c);
    }
    study_free(s);
    return 0;
}
