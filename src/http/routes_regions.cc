// /api/v1/regions: the region tree, limited to the active role's subtree.
#include <nlohmann/json.hpp>

#include "http/app.h"
#include "http/json_writer.h"

namespace mingjing::http {
namespace {

core::Error forbidden_region() {
  return core::Error::forbidden("无权访问该区域的数据");
}

nlohmann::json node_json(regions::RegionService& regions, const regions::Region& r, int depth) {
  auto kids = regions.children(r.code);
  nlohmann::json node = {
      {"code", r.code},
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
  // Written with JsonWriter: the detail is the most requested page of the
  // back office and a JSON tree per call cost more than the request itself.
  r.add({"GET", "/api/v1/regions/:code", Access::kSession, [&s](Context& c) {
           auto region = visible(s, *c.principal, c.req.params["code"]);
           if (!region.ok()) return Response::error(region.error());
           auto brief = [](JsonWriter& w, const regions::Region& x) {
             w.begin_object().field("code", x.code).field("name", x.name);
             w.field("level", core::to_string(x.level)).end_object();
           };
           JsonWriter w;
           w.begin_object().field("code", region->code).field("name", region->name);
           w.field("level", core::to_string(region->level));
           w.key("parent_code").value_or_null(region->parent_code);
           w.key("path").begin_array();
           for (const auto& p : s.regions.path(region->code)) brief(w, p);
           w.end_array().key("children").begin_array();
           for (const auto& k : s.regions.children(region->code)) brief(w, k);
           w.end_array();
           auto counts = s.regions.counts(region->code);
           w.key("counts")
               .begin_object()
               .field("town", counts.towns)
               .field("village", counts.villages);
           w.end_object().end_object();
           return Response::json_text(200, w.take());
         }});
}

}  // namespace mingjing::http
