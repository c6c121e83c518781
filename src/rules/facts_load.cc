// FactStore::load: filled from the database (not yet written).
#include "rules/facts.h"

namespace mingjing::rules {

core::Result<FactStore> FactStore::load(db::Database&, const privacy::Vault*,
                                        const std::vector<std::string>&, LoadStats*) {
  return core::Error::internal("事实库尚不能从数据库加载");
}

}  // namespace mingjing::rules
