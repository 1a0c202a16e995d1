/* fieldline.h — the public headers a client of the replica layer uses most
 * (with those of the layers below it). */
#pragma once

#include "fl-approvals.h"
#include "fl-backup.h"
#include "fl-changelog.h"
#include "fl-ci.h"
#include "fl-db.h"
#include "fl-ids.h"
#include "fl-inspection.h"
#include "fl-kpi.h"
#include "fl-query.h"
#include "fl-record-store.h"
#include "fl-record.h"
#include "fl-ref-sequence.h"
#include "fl-replica-schema.h"
#include "fl-schema.h"
#include "fl-sla.h"
#include "fl-stock.h"
#include "fl-stock-queries.h"
#include "fl-time.h"
#include "fl-work-order.h"
#include "fl-workflow.h"
