/* fl-log-entry-dialog.h — corrects or voids one work-log entry: its text
 * (and minutes, for labour and travel) with every earlier version shown
 * with who wrote it and when. */
#pragma once

#include <adwaita.h>

#include "fl-session.h"

G_BEGIN_DECLS

#define FL_TYPE_LOG_ENTRY_DIALOG (fl_log_entry_dialog_get_type ())
G_DECLARE_FINAL_TYPE (FlLogEntryDialog, fl_log_entry_dialog, FL, LOG_ENTRY_DIALOG, AdwMessageDialog)

/* NULL (the error said to the parent) when the entry cannot be read. */
FlLogEntryDialog *fl_log_entry_dialog_new (GtkWindow *parent, FlSession *session, const char *entry_id);

G_END_DECLS
