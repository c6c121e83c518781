// /api/v1/regions: the region tree, limited to the active role's subtree.
#include <nlohmann/json.hpp>

#include "http/app.h"

namespace mingjing::http {
namespace {

core::Error forbidden_region() { return core::Error::forbidden("无权访问该区域的数据"); }

nlohmann::json node_json(regions::RegionService& regions, const regions::Region& r, int depth) {
  auto kids = regions.children(r.code);
  nlohmann::json node = {{"code", r.code},
                         {"name", r.name},
                         {"level", std::string(core::to_string(r.level))},
                         {"parent_code", r.parent_code.empty() ? nlohmann::json() : nlohmann::json(r.parent_code)},
                         {"has_children", !kids.empty()}};
  if (depth > 0) {
    nlohmann::json children = nlohmann::json::array();
    for (const auto& k : kids) children.push_back(node_json(regions, k, depth - 1));
    node["children"] = children;
  }
  return node;
}

// Looks the region up and checks the caller may see it.
core::Result<regions::Region> visible(Services& s, const auth::Principal& who,
                                      const std::string& code) {
  if (!who.can(auth::perm::kRegionRead)) return forbidden_region();
  auto region = s.regions.get(code);
  if (!region.ok()) return core::Error::not_found("区域不存在");
  if (!s.regions.within(code, who.active.region_code)) return forbidden_region();
  return region;
}

}  // namespace

void add_region_routes(Router& r, Services& s) {
  r.add({"GET", "/api/v1/regions/tree", Access::kSession, [&s](Context& c) {
           std::string root = c.req.query_or("root", c.principal->active.region_code);
           int depth = query_int(c.req, "depth", 1, 0, 3);
           auto region = visible(s, *c.principal, root);
           if (!region.ok()) return Response::error(region.error());
           return Response::json(200, {{"nodes", {node_json(s.regions, *region, depth)}}});
         }});
  r.add({"GET", "/api/v1/regions/:code", Access::kSession, [&s](Context& c) {
           auto region = visible(s, *c.principal, c.req.params["code"]);
           if (!region.ok()) return Response::error(region.error());
           nlohmann::json path = nlohmann::json::array();
           for (const auto& p : s.regions.path(region->code)) {
             path.push_back({{"code", p.code},
                             {"name", p.name},
                             {"level", std::string(core::to_string(p.level))}});
           }
           nlohmann::json children = nlohmann::json::array();
           for (const auto& k : s.regions.children(region->code)) {
             children.push_back({{"code", k.code},
                                 {"name", k.name},
                                 {"level", std::string(core::to_string(k.level))}});
           }
           auto counts = s.regions.counts(region->code);
           return Response::json(
               200, {{"code", region->code},
                     {"name", region->name},
                     {"level", std::string(core::to_string(region->level))},
                     {"parent_code",
                      region->parent_code.empty() ? nlohmann::json() : nlohmann::json(region->parent_code)},
                     {"path", path},
                     {"children", children},
                     {"counts", {{"town", counts.towns}, {"village", counts.villages}}}});
         }});
}

}  // namespace mingjing::http
