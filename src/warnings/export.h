// Exporting warnings as ../shared/spec/data-formats.md specifies for
// `mingjing warnings export`: one warning per line in JSON Lines,
//   {"id","rule","rule_version","severity","status","region_code",
//    "subjects":[{"dataset","id"}],"explanation","evidence":{..},
//    "thresholds":{..},"created_at","deadline"}
// then our own keys (category, routed_to, escalation_level, verdict,
// verdict_reason, closed_at, reopened_count, threshold_sources). CSV and
// xlsx have one column per key, with subjects, evidence, thresholds,
// routed_to and threshold_sources as JSON text.
//
// Subjects are stored by record_key; the export gives the spec's id: the
// source `id` of event datasets, a person's ID number (opened with the
// vault), a company's credit code, and for registries keyed by several
// columns their key values joined by "|" (ID numbers opened).
//
// Thread-safety: functions; each call uses its own connection.
#pragma once

#include <optional>
#include <ostream>
#include <string>
#include <string_view>

#include "core/result.h"
#include "db/database.h"
#include "privacy/privacy.h"
#include "warnings/warnings.h"

namespace mingjing::warnings {

enum class ExportFormat { jsonl, csv, xlsx };
// "jsonl", "csv", "xlsx"; nullopt for anything else.
std::optional<ExportFormat> parse_export_format(std::string_view text);

struct ExportSummary {
  long long warnings = 0;
  // Subjects whose record is no longer stored and whose id could not be
  // rebuilt from the key alone: exported with "id": null.
  long long subjects_missing = 0;
};

// Writes every warning `who` may read, in id order, to `out`.
// `vault` may be null while no subject needs a personal value opened;
// otherwise unavailable ("导出人员身份证号需要个人信息密钥…"). Errors of the
// read scope (forbidden) as in WarningStore::list; internal for a database
// failure.
core::Result<ExportSummary> export_warnings(db::Database& db, const privacy::Vault* vault,
                                            const Actor& who, ExportFormat format,
                                            std::ostream& out);

}  // namespace mingjing::warnings
