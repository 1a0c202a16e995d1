/* fieldline.h — the public headers of libfieldline, the core every binary links. */
#pragma once

#include "fl-changelog.h"
#include "fl-db.h"
#include "fl-ids.h"
#include "fl-record.h"
#include "fl-replica-schema.h"
#include "fl-schema.h"
#include "fl-stock.h"
#include "fl-time.h"
#include "fl-backup.h"
#include "fl-inspection.h"
#include "fl-sla.h"
#include "fl-work-order.h"
#include "fl-workflow.h"
