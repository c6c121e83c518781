// load_county: every generated table through the ordinary importer, one
// recorded run per dataset, as `mingjing import` would do with the files.
#include <sodium.h>

#include "demo/demo.h"
#include "imports/table_source.h"

namespace mingjing::demo {
namespace {

std::string sha256_hex(const std::string& data) {
  unsigned char digest[crypto_hash_sha256_BYTES];
  crypto_hash_sha256(digest, reinterpret_cast<const unsigned char*>(data.data()), data.size());
  char hex[crypto_hash_sha256_BYTES * 2 + 1];
  sodium_bin2hex(hex, sizeof hex, digest, sizeof digest);
  return hex;
}

}  // namespace

core::Result<std::vector<imports::ImportSummary>> load_county(db::Database& db,
                                                              const privacy::Vault& vault,
                                                              const County& county,
                                                              const LoadOptions& options) {
  std::vector<imports::ImportSummary> summaries;
  imports::Importer importer(db, vault);
  for (const Table& table : county.tables) {
    const imports::DatasetSpec* spec = imports::find_dataset(table.dataset);
    if (!spec) return core::Error::internal("演示数据集不存在：" + table.dataset);
    imports::ImportOptions o;
    o.file_name = "demo-" + table.dataset + ".csv";
    o.file_sha256 = sha256_hex(table.csv);
    o.username = options.username;
    auto source = imports::csv_source(table.csv);
    auto summary = importer.run(*spec, *source, o);
    if (!summary.ok()) return summary.error();
    summaries.push_back(std::move(summary.value()));
  }
  return summaries;
}

}  // namespace mingjing::demo
