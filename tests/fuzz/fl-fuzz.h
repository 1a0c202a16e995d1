/* Helpers shared by the fuzz targets (libFuzzer, docs/fuzzing.md).
 *
 * A target feeds its input to the code that reads it in production and
 * aborts when that code breaks a promise it makes to its callers: a refused
 * input must come with an error of the module's domain whose message can go
 * into a JSON answer, and what is accepted must survive the trip over the
 * wire unchanged.  ASan and UBSan report the rest. */
#pragma once

#include <json-glib/json-glib.h>
#include <stdint.h>
#include <string.h>

#include "fl-protocol.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

/* A refusal as callers rely on it: an error of `domain` whose message is
 * valid UTF-8 (it is sent back in a JSON error body or shown to the user). */
static inline void
fl_fuzz_check_refusal (const GError *error, GQuark domain)
{
  g_assert_nonnull (error);
  g_assert_cmpstr (g_quark_to_string (error->domain), ==, g_quark_to_string (domain));
  g_assert_true (g_utf8_validate (error->message, -1, NULL));
}

/* The compact wire text of a JSON object. */
static inline char *
fl_fuzz_object_text (JsonObject *object)
{
  g_autoptr(JsonNode) node = json_node_init_object (json_node_alloc (), object);
  return fl_protocol_to_string (node, NULL);
}

/* Splits "first line\nrest": a target's input names what the rest is
 * (a table, an import kind).  FALSE when there is no newline. */
static inline gboolean
fl_fuzz_split_line (const uint8_t *data, size_t size, char **first,
                    const char **rest, gsize *rest_size)
{
  const uint8_t *newline = memchr (data, '\n', size);
  if (newline == NULL)
    return FALSE;
  *first = g_strndup ((const char *) data, newline - data);
  *rest = (const char *) newline + 1;
  *rest_size = size - (newline - data) - 1;
  return TRUE;
}
