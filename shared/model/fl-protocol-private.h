/* fl-protocol-private.h — the codec helpers the files of fl-protocol share
 * (fl-protocol.c: the common readers, the writer, errors and sign-in;
 * fl-protocol-push.c: mutations and push; fl-protocol-pull.c: pull and the
 * snapshot stream).  Every reader names the failing member's path. */
#pragma once

#include "fl-protocol.h"

G_BEGIN_DECLS

/* A node that takes over `o`. */
JsonNode   *fl_protocol_object_node (JsonObject *o);
/* "prefix.name", or "name" without a prefix. */
char       *fl_protocol_member_path (const char *prefix, const char *name);
/* Sets `error` to "path: what" and `bad_field` (if not set yet) to `path`;
 * returns FALSE. */
gboolean    fl_protocol_fail (char **bad_field, GError **error, FlProtocolError code, const char *path,
                              const char *format, ...) G_GNUC_PRINTF (5, 6);
JsonObject *fl_protocol_require_object (JsonNode *node, const char *path, char **bad_field,
                                        GError **error);
/* Refuses members other than `known` (NULL-terminated). */
gboolean    fl_protocol_only_known_members (JsonObject *object, const char *prefix,
                                            const char * const *known, char **bad_field,
                                            GError **error);
/* A string member; one a client sends is at most `max_length` bytes
 * (fl_protocol_member_text), one the server answers is not bounded here. */
gboolean    fl_protocol_member_string (JsonObject *object, const char *prefix, const char *name,
                                       gboolean required, const char **out, char **bad_field,
                                       GError **error);
gboolean    fl_protocol_member_text (JsonObject *object, const char *prefix, const char *name,
                                     gboolean required, gsize max_length, const char **out,
                                     char **bad_field, GError **error);
gboolean    fl_protocol_member_int64 (JsonObject *object, const char *prefix, const char *name,
                                      gint64 min, gint64 *out, char **bad_field, GError **error);
gboolean    fl_protocol_member_time (JsonObject *object, const char *prefix, const char *name,
                                     gint64 *out, char **bad_field, GError **error);
gboolean    fl_protocol_member_bool (JsonObject *object, const char *prefix, const char *name,
                                     gboolean *out, char **bad_field, GError **error);
void        fl_protocol_set_time (JsonObject *object, const char *name, gint64 usec);
void        fl_protocol_set_optional_string (JsonObject *object, const char *name, const char *value);
/* Appends `node` as compact JSON (see fl_protocol_to_string). */
void        fl_protocol_write_node (GString *out, JsonNode *node);

G_END_DECLS
