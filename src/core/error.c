#include "comboscope/error.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "comboscope/text.h"

bool error_set(cs_error *e, const char *file, long line, long col, const char *fmt, ...)
{
    if (!e)
        return false;
    char where[256] = "";
    if (file) {
        char safe[200];
        text_sanitize(file, safe, sizeof safe);
        if (line > 0 && col > 0)
            snprintf(where, sizeof where, "%s:%ld:%ld: ", safe, line, col);
        else if (line > 0)
            snprintf(where, sizeof where, "%s:%ld: ", safe, line);
        else
            snprintf(where, sizeof where, "%s: ", safe);
    }
    char text[ERROR_MSG_MAX];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(text, sizeof text, fmt, ap);
    va_end(ap);
    snprintf(e->msg, sizeof e->msg, "%s%s", where, text);
    /* One line, always: a newline inside a message would break the contract. */
    for (char *p = e->msg; *p; p++)
        if (*p == '\n' || *p == '\r')
            *p = ' ';
    return false;
}
