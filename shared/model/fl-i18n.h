/* fl-i18n.h — one catalogue for the core and the programs that link it.
 *
 * The core writes and renders texts (errors, work-log notes, generated
 * titles) in the domain GETTEXT_PACKAGE, the same as the app, the CLI and
 * the server: each program calls fl_i18n_init() first, so a person using
 * zh_CN gets Chinese from the core as well as from the program. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Sets the locale from the environment and binds the catalogue: the one
 * built beside a program run from the build tree (tools/dev.sh run, the
 * tests), else the installed one. */
void fl_i18n_init (void);

/* Where fl_i18n_init() found the catalogue. */
const char *fl_i18n_locale_dir (void);

G_END_DECLS
