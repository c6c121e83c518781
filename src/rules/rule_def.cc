#include "rules/rule_def.h"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <regex>
#include <set>
#include <sstream>

#include "core/date.h"
#include "core/money.h"
#include "core/text.h"

namespace mingjing::rules {
namespace {

// A located problem: thrown inside the parser, turned into one core::Error
// at the top (the parser is a tree walk; threading Results through every
// level would bury what it checks).
struct RuleError {
  SourceMark mark;
  std::string field;
  std::string message;
};

SourceMark mark_of(const YAML::Node& node, const std::string& file) {
  YAML::Mark m = node.Mark();
  return {file, m.line >= 0 ? m.line + 1 : 0, m.column >= 0 ? m.column + 1 : 0};
}

std::string located(const SourceMark& m, const std::string& field, const std::string& message) {
  std::string where = m.file;
  if (m.line > 0) where += ":" + std::to_string(m.line) + ":" + std::to_string(m.column);
  return where + "：" + (field.empty() ? "" : "字段 " + field + "：") + message;
}

const std::vector<std::string_view> kStatusNames = {"draft", "shadow", "active", "paused",
                                                    "retired"};
const std::vector<std::string_view> kShapeNames = {"record", "match", "missing", "window",
                                                   "deadline"};
const std::vector<std::string_view> kSeverityNames = {"red", "yellow"};
const std::vector<std::string_view> kRoutingNames = {"village", "department", "town_discipline",
                                                     "county_discipline"};
const std::vector<std::string_view> kParamTypeNames = {"integer", "days", "money", "ratio",
                                                       "decimal", "date", "text",  "text_list"};

std::string joined(const std::vector<std::string_view>& names) {
  std::string out;
  for (auto n : names) out += (out.empty() ? "" : ", ") + std::string(n);
  return out;
}

template <typename E>
std::optional<E> enum_of(const std::vector<std::string_view>& names, std::string_view text) {
  auto it = std::find(names.begin(), names.end(), text);
  if (it == names.end()) return std::nullopt;
  return static_cast<E>(it - names.begin());
}

// Walks one file, remembering the path of the field being read.
class Reader {
 public:
  explicit Reader(std::string file) : file_(std::move(file)) {}

  [[noreturn]] void fail(const YAML::Node& at, const std::string& field,
                         const std::string& message) const {
    throw RuleError{mark_of(at, file_), field, message};
  }

  SourceMark mark(const YAML::Node& n) const { return mark_of(n, file_); }

  // Fields of a map that this reader does not know are refused: a typo
  // ("severty") must not silently fall back to a default.
  void only_known(const YAML::Node& map, const std::string& where,
                  std::initializer_list<std::string_view> known) const {
    for (const auto& kv : map) {
      auto key = kv.first.as<std::string>();
      if (std::find(known.begin(), known.end(), key) == known.end()) {
        fail(kv.first, where.empty() ? key : where + "." + key, "未知的字段");
      }
    }
  }

  std::string text(const YAML::Node& map, const char* key, const std::string& field,
                   bool required) const {
    YAML::Node n = map[key];
    if (!n || n.IsNull()) {
      if (required) fail(map, field, "缺少必填字段");
      return "";
    }
    if (!n.IsScalar()) fail(n, field, "应为文本");
    std::string v = n.as<std::string>();
    if (required && core::trim(v).empty()) fail(n, field, "不能为空");
    return v;
  }

  int integer(const YAML::Node& map, const char* key, const std::string& field, int fallback,
              int min, int max) const {
    YAML::Node n = map[key];
    if (!n || n.IsNull()) return fallback;
    if (!n.IsScalar()) fail(n, field, "应为整数");
    const std::string v = n.as<std::string>();
    if (v.empty() || v.find_first_not_of("-0123456789") != std::string::npos || v.size() > 9) {
      fail(n, field, "应为整数：" + core::shorten_for_message(v));
    }
    int i = std::stoi(v);
    if (i < min || i > max) {
      fail(n, field, "应在" + std::to_string(min) + "到" + std::to_string(max) + "之间");
    }
    return i;
  }

  ExprText expr(const YAML::Node& map, const char* key, const std::string& field,
                bool required) const {
    YAML::Node n = map[key];
    if (!n || n.IsNull()) {
      if (required) fail(map, field, "缺少必填字段");
      return {};
    }
    return expr_of(n, field);
  }

  ExprText expr_of(const YAML::Node& n, const std::string& field) const {
    if (!n.IsScalar()) fail(n, field, "应为表达式文本");
    std::string v = n.as<std::string>();
    if (core::trim(v).empty()) fail(n, field, "表达式不能为空");
    return {v, mark(n)};
  }

  template <typename E>
  E choice(const YAML::Node& map, const char* key, const std::string& field,
           const std::vector<std::string_view>& names, std::optional<E> fallback) const {
    YAML::Node n = map[key];
    if (!n || n.IsNull()) {
      if (!fallback) fail(map, field, "缺少必填字段（可选：" + joined(names) + "）");
      return *fallback;
    }
    if (!n.IsScalar()) fail(n, field, "应为文本");
    auto v = enum_of<E>(names, n.as<std::string>());
    if (!v) {
      fail(n, field,
           "未知的取值“" + core::shorten_for_message(n.as<std::string>()) + "”（可选：" +
               joined(names) + "）");
    }
    return *v;
  }

  // "subsidies as s", or {dataset: subsidies, as: s}.
  DatasetRef dataset_ref(const YAML::Node& n, const std::string& field) const {
    DatasetRef ref;
    ref.mark = mark(n);
    if (n.IsScalar()) {
      static const std::regex form(R"(^\s*([a-z_]+)\s+as\s+([a-z][a-z0-9_]*)\s*$)");
      std::smatch m;
      std::string v = n.as<std::string>();
      if (!std::regex_match(v, m, form))
        fail(n, field, "应写作“数据集 as 别名”，如 subsidies as s");
      ref.dataset = m[1];
      ref.alias = m[2];
    } else if (n.IsMap()) {
      only_known(n, field, {"dataset", "as", "on", "where"});
      ref.dataset = text(n, "dataset", field + ".dataset", true);
      ref.alias = text(n, "as", field + ".as", true);
    } else {
      fail(n, field, "应写作“数据集 as 别名”");
    }
    if (ref.alias == "params" || ref.alias == "as_of") fail(n, field, "别名不能为 " + ref.alias);
    return ref;
  }

 private:
  std::string file_;
};

ParamDef read_param(const Reader& r, const std::string& name, const YAML::Node& n) {
  const std::string field = "params." + name;
  static const std::regex ident("^[a-z][a-z0-9_]*$");
  if (!std::regex_match(name, ident)) r.fail(n, field, "参数名只能由小写字母、数字和下划线组成");
  if (!n.IsMap()) r.fail(n, field, "应为包含 type 和 default 的映射");
  r.only_known(n, field, {"type", "default", "title", "min", "max"});
  ParamDef p;
  p.name = name;
  p.type = r.choice<ParamType>(n, "type", field + ".type", kParamTypeNames, std::nullopt);
  p.title = r.text(n, "title", field + ".title", true);
  YAML::Node d = n["default"];
  if (!d || d.IsNull()) r.fail(n, field + ".default", "缺少必填字段");
  std::string text;
  if (d.IsSequence() && p.type == ParamType::text_list) {
    for (const auto& item : d) text += (text.empty() ? "" : ",") + item.as<std::string>();
  } else if (d.IsScalar()) {
    text = d.as<std::string>();
  } else {
    r.fail(d, field + ".default", "取值格式不正确");
  }
  auto v = parse_param_value(p.type, text);
  if (!v.ok()) r.fail(d, field + ".default", v.error().message);
  p.value = *v;
  for (const char* bound : {"min", "max"}) {
    YAML::Node b = n[bound];
    if (!b) continue;
    try {
      double x = b.as<double>();
      (std::string_view(bound) == "min" ? p.min : p.max) = x;
    } catch (const YAML::Exception&) {
      r.fail(b, field + "." + bound, "应为数字");
    }
  }
  return p;
}

RuleTest read_test(const Reader& r, const YAML::Node& n, std::size_t index) {
  const std::string field = "tests[" + std::to_string(index) + "]";
  if (!n.IsMap()) r.fail(n, field, "应为映射");
  r.only_known(n, field, {"name", "as_of", "params", "data", "expect"});
  RuleTest t;
  t.mark = r.mark(n);
  t.name = r.text(n, "name", field + ".name", true);
  t.as_of = r.text(n, "as_of", field + ".as_of", false);
  if (!t.as_of.empty() && !core::Date::parse(t.as_of).ok()) {
    r.fail(n["as_of"], field + ".as_of", "日期格式不正确，应为YYYY-MM-DD");
  }
  if (YAML::Node p = n["params"]; p) {
    if (!p.IsMap()) r.fail(p, field + ".params", "应为映射");
    for (const auto& kv : p) t.params[kv.first.as<std::string>()] = kv.second.as<std::string>();
  }
  YAML::Node data = n["data"];
  if (data && !data.IsNull()) {
    if (!data.IsMap()) r.fail(data, field + ".data", "应为“数据集: 行列表”的映射");
    for (const auto& kv : data) {
      const std::string dataset = kv.first.as<std::string>();
      const std::string where = field + ".data." + dataset;
      if (!kv.second.IsSequence()) r.fail(kv.second, where, "应为行的列表");
      auto& rows = t.data[dataset];
      for (const auto& row : kv.second) {
        if (!row.IsMap()) r.fail(row, where, "每行应为“列: 值”的映射");
        std::map<std::string, std::string> cells;
        for (const auto& cell : row) {
          if (!cell.second.IsScalar() && !cell.second.IsNull()) {
            r.fail(cell.second, where + "." + cell.first.as<std::string>(), "单元格应为文本");
          }
          cells[cell.first.as<std::string>()] =
              cell.second.IsNull() ? "" : cell.second.as<std::string>();
        }
        rows.push_back(std::move(cells));
      }
    }
  }
  YAML::Node expect = n["expect"];
  if (!expect) r.fail(n, field + ".expect", "缺少必填字段（无命中时写 []）");
  if (!expect.IsSequence()) r.fail(expect, field + ".expect", "应为命中的列表，每个命中列出其记录");
  for (const auto& hit : expect) {
    std::vector<std::string> subjects;
    auto add = [&](const YAML::Node& s) {
      std::string v = s.as<std::string>();
      if (v.find(':') == std::string::npos || v.front() == ':' || v.back() == ':') {
        r.fail(s, field + ".expect", "记录应写作“数据集:编号”，如 subsidies:SB1");
      }
      subjects.push_back(v);
    };
    if (hit.IsScalar()) {
      add(hit);
    } else if (hit.IsSequence()) {
      for (const auto& s : hit) add(s);
    } else {
      r.fail(hit, field + ".expect", "每个命中应为记录列表");
    }
    t.expect.push_back(std::move(subjects));
  }
  return t;
}

void check_shape(const Reader& r, const YAML::Node& root, const RuleDef& rule) {
  auto needs = [&](bool present, const char* field) {
    if (!present)
      r.fail(root, field,
             std::string("形态 ") + std::string(to_string(rule.shape)) + " 需要此字段");
  };
  auto forbids = [&](bool present, const char* field) {
    if (present) {
      r.fail(root[field] ? root[field] : root, field,
             std::string("形态 ") + std::string(to_string(rule.shape)) + " 不使用此字段");
    }
  };
  const bool window = rule.window_days > 0 || rule.window_months > 0;
  switch (rule.shape) {
    case Shape::record:
      needs(!rule.where.empty(), "where");
      forbids(!rule.joins.empty(), "join");
      break;
    case Shape::match:
      needs(!rule.joins.empty(), "join");
      break;
    case Shape::missing:
      needs(rule.joins.size() == 1, "without");
      break;
    case Shape::window:
      needs(!rule.group.empty(), "group");
      needs(!rule.having.empty(), "having");
      if (window) needs(!rule.time.empty(), "time");
      break;
    case Shape::deadline:
      needs(!rule.due.empty(), "due");
      break;
  }
  if (rule.shape != Shape::window) {
    forbids(!rule.group.empty(), "group");
    forbids(!rule.having.empty(), "having");
    forbids(window, "window");
  }
  if (rule.shape != Shape::deadline) {
    forbids(!rule.due.empty(), "due");
    forbids(!rule.done.empty(), "done");
  }
}

RuleDef read_rule(const YAML::Node& root, const Reader& r, const std::string& file) {
  if (!root.IsMap()) r.fail(root, "", "规则文件应为 YAML 映射");
  r.only_known(root, "", {"id",       "version",     "status",    "title",   "category",
                          "severity", "basis",       "source",    "routing", "deadline_workdays",
                          "params",   "shape",       "from",      "where",   "join",
                          "without",  "group",       "time",      "window",  "having",
                          "due",      "warn_before", "red_after", "done",    "dedup",
                          "region",   "explain",     "evidence",  "tests",   "outlier",
                          "subjects"});
  RuleDef rule;
  rule.file = file;
  rule.id = r.text(root, "id", "id", true);
  static const std::regex id_form("^[PFASLDE][0-9]{2}$");
  if (!std::regex_match(rule.id, id_form)) {
    r.fail(root["id"], "id", "规则编号应为目录中的编号，如 S01、P21");
  }
  rule.version = r.integer(root, "version", "version", 1, 1, 100000);
  rule.status = r.choice<RuleStatus>(root, "status", "status", kStatusNames, std::nullopt);
  rule.title = r.text(root, "title", "title", true);
  rule.category = r.text(root, "category", "category", true);
  const Category* expected = category_of_rule(rule.id);
  if (!expected || expected->name != rule.category) {
    r.fail(root["category"], "category",
           "与规则编号不符：" + rule.id + " 属于 " + std::string(expected ? expected->name : "?"));
  }
  rule.severity = r.choice<Severity>(root, "severity", "severity", kSeverityNames, std::nullopt);
  rule.basis = r.text(root, "basis", "basis", true);
  rule.source = r.text(root, "source", "source", false);
  rule.routing = r.choice<Routing>(root, "routing", "routing", kRoutingNames, std::nullopt);
  rule.deadline_workdays = r.integer(root, "deadline_workdays", "deadline_workdays", 10, 1, 250);

  if (YAML::Node params = root["params"]; params && !params.IsNull()) {
    if (!params.IsMap()) r.fail(params, "params", "应为“参数名: 定义”的映射");
    for (const auto& kv : params) {
      rule.params.push_back(read_param(r, kv.first.as<std::string>(), kv.second));
    }
  }

  rule.shape = r.choice<Shape>(root, "shape", "shape", kShapeNames, std::nullopt);
  if (!root["from"]) r.fail(root, "from", "缺少必填字段");
  rule.from = r.dataset_ref(root["from"], "from");
  rule.where = r.expr(root, "where", "where", false);

  std::set<std::string> aliases{rule.from.alias};
  auto read_join = [&](const YAML::Node& n, const std::string& field) {
    JoinDef j;
    j.ref = r.dataset_ref(n, field);
    if (!n.IsMap()) r.fail(n, field, "应包含 dataset、as 和 on");
    j.on = r.expr(n, "on", field + ".on", true);
    j.where = r.expr(n, "where", field + ".where", false);
    if (!aliases.insert(j.ref.alias).second) r.fail(n, field + ".as", "别名重复：" + j.ref.alias);
    rule.joins.push_back(std::move(j));
  };
  if (YAML::Node join = root["join"]; join) {
    if (join.IsSequence()) {
      for (std::size_t i = 0; i < join.size(); ++i) {
        read_join(join[i], "join[" + std::to_string(i) + "]");
      }
    } else {
      read_join(join, "join");
    }
  }
  if (YAML::Node without = root["without"]; without) {
    if (rule.shape != Shape::missing) r.fail(without, "without", "只有形态 missing 使用此字段");
    read_join(without, "without");
  }

  if (YAML::Node group = root["group"]; group) {
    if (group.IsSequence()) {
      for (std::size_t i = 0; i < group.size(); ++i) {
        rule.group.push_back(r.expr_of(group[i], "group[" + std::to_string(i) + "]"));
      }
    } else {
      rule.group.push_back(r.expr_of(group, "group"));
    }
  }
  rule.time = r.expr(root, "time", "time", false);
  if (YAML::Node window = root["window"]; window) {
    if (!window.IsMap()) r.fail(window, "window", "应写作 {days: N} 或 {months: N}");
    r.only_known(window, "window", {"days", "months"});
    rule.window_days = r.integer(window, "days", "window.days", 0, 1, 3660);
    rule.window_months = r.integer(window, "months", "window.months", 0, 1, 120);
    if ((rule.window_days > 0) == (rule.window_months > 0)) {
      r.fail(window, "window", "days 与 months 须且只须写一个");
    }
  }
  rule.having = r.expr(root, "having", "having", false);
  if (YAML::Node outlier = root["outlier"]; outlier) {
    if (rule.shape != Shape::window) r.fail(outlier, "outlier", "只有形态 window 使用此字段");
    if (!outlier.IsMap()) r.fail(outlier, "outlier", "应写作 {value: 表达式, side: high|low|both}");
    r.only_known(outlier, "outlier", {"value", "side", "k", "top"});
    rule.outlier = r.expr(outlier, "value", "outlier.value", true);
    rule.outlier_side = r.text(outlier, "side", "outlier.side", true);
    if (rule.outlier_side != "high" && rule.outlier_side != "low" && rule.outlier_side != "both") {
      r.fail(outlier["side"], "outlier.side", "应为 high、low 或 both");
    }
    if (YAML::Node k = outlier["k"]; k) {
      try {
        rule.outlier_k = k.as<double>();
      } catch (const YAML::Exception&) {
        r.fail(k, "outlier.k", "应为数字");
      }
      if (!(rule.outlier_k > 0)) r.fail(k, "outlier.k", "应大于0");
    }
    if (YAML::Node top = outlier["top"]; top) {
      if (!top.IsMap()) r.fail(top, "outlier.top", "应写作 {value: 表达式, quantile: 0.75}");
      r.only_known(top, "outlier.top", {"value", "quantile"});
      rule.outlier_top = r.expr(top, "value", "outlier.top.value", true);
      if (YAML::Node q = top["quantile"]; q) {
        try {
          rule.outlier_top_quantile = q.as<double>();
        } catch (const YAML::Exception&) {
          r.fail(q, "outlier.top.quantile", "应为数字");
        }
        if (!(rule.outlier_top_quantile >= 0 && rule.outlier_top_quantile <= 1)) {
          r.fail(q, "outlier.top.quantile", "应在0与1之间");
        }
      }
    }
  }
  rule.due = r.expr(root, "due", "due", false);
  rule.warn_before = r.expr(root, "warn_before", "warn_before", false);
  rule.red_after = r.expr(root, "red_after", "red_after", false);
  rule.done = r.expr(root, "done", "done", false);

  if (YAML::Node subjects = root["subjects"]; subjects) {
    if (!subjects.IsSequence()) r.fail(subjects, "subjects", "应为别名列表");
    for (const auto& s : subjects) {
      std::string alias = s.as<std::string>();
      if (!aliases.contains(alias)) r.fail(s, "subjects", "未知的别名：" + alias);
      rule.subjects.push_back(alias);
    }
  }
  if (YAML::Node dedup = root["dedup"]; dedup) {
    if (!dedup.IsSequence()) r.fail(dedup, "dedup", "应为表达式列表");
    for (std::size_t i = 0; i < dedup.size(); ++i) {
      rule.dedup.push_back(r.expr_of(dedup[i], "dedup[" + std::to_string(i) + "]"));
    }
  }
  rule.region = r.expr(root, "region", "region", false);
  rule.explain = r.text(root, "explain", "explain", true);
  rule.explain_mark = r.mark(root["explain"]);
  // Holes must close: "{s.name" would print raw braces to an inspector.
  int depth = 0;
  for (char c : rule.explain) {
    depth += c == '{' ? 1 : c == '}' ? -1 : 0;
    if (depth < 0 || depth > 1) r.fail(root["explain"], "explain", "花括号不匹配");
  }
  if (depth != 0) r.fail(root["explain"], "explain", "花括号不匹配");
  if (YAML::Node evidence = root["evidence"]; evidence) {
    if (!evidence.IsMap()) r.fail(evidence, "evidence", "应为“名称: 表达式”的映射");
    for (const auto& kv : evidence) {
      const std::string name = kv.first.as<std::string>();
      rule.evidence.emplace_back(name, r.expr_of(kv.second, "evidence." + name));
    }
  }
  YAML::Node tests = root["tests"];
  if (!tests || !tests.IsSequence() || tests.size() == 0) {
    r.fail(tests ? tests : root, "tests", "每条规则至少要有一个内嵌测试用例");
  }
  for (std::size_t i = 0; i < tests.size(); ++i) rule.tests.push_back(read_test(r, tests[i], i));
  check_shape(r, root, rule);
  return rule;
}

}  // namespace

std::string_view to_string(RuleStatus s) {
  return kStatusNames[static_cast<std::size_t>(s)];
}
std::string_view to_string(Shape s) {
  return kShapeNames[static_cast<std::size_t>(s)];
}
std::string_view to_string(Severity s) {
  return kSeverityNames[static_cast<std::size_t>(s)];
}
std::string_view to_string(Routing r) {
  return kRoutingNames[static_cast<std::size_t>(r)];
}
std::string_view to_string(ParamType t) {
  return kParamTypeNames[static_cast<std::size_t>(t)];
}

std::optional<RuleStatus> parse_status(std::string_view text) {
  return enum_of<RuleStatus>(kStatusNames, text);
}

const std::vector<Category>& categories() {
  static const std::vector<Category> all = {
      {'P', "projects", "工程项目与采购"}, {'F', "finance", "财务与资金"},
      {'A', "assets", "资产资源"},         {'S', "subsidies", "惠民惠农补贴"},
      {'L', "labor", "劳务用工"},          {'D', "procedure", "程序与公开"},
      {'E', "efficiency", "效能与综合"},
  };
  return all;
}

const Category* category_of_rule(std::string_view rule_id) {
  if (rule_id.empty()) return nullptr;
  for (const auto& c : categories()) {
    if (c.letter == rule_id.front()) return &c;
  }
  return nullptr;
}

namespace {

bool ends_with(const std::string& s, std::string_view tail) {
  return s.size() >= tail.size() && s.compare(s.size() - tail.size(), tail.size(), tail) == 0;
}

// Money as a county writes it in yuan: "100000", "100,000.00", "5万",
// "1.5万元". In fen; nullopt when it is none of these.
std::optional<std::int64_t> parse_money_text(std::string text) {
  if (ends_with(text, "元")) text = std::string(core::trim(text.substr(0, text.size() - 3)));
  if (!ends_with(text, "万")) {
    auto m = core::Money::parse_yuan(text);
    return m.ok() ? std::optional<std::int64_t>(m->fen()) : std::nullopt;
  }
  // Ten thousands: up to six decimals still name whole fen.
  std::string number(core::trim(text.substr(0, text.size() - 3)));
  std::size_t dot = number.find('.');
  std::string whole = number.substr(0, dot);
  std::string fraction = dot == std::string::npos ? "" : number.substr(dot + 1);
  auto digits = [](const std::string& d) {
    return d.find_first_not_of("0123456789") == std::string::npos;
  };
  if (whole.empty() || whole.size() > 9 || !digits(whole) || fraction.size() > 6 ||
      !digits(fraction) || (dot != std::string::npos && fraction.empty())) {
    return std::nullopt;
  }
  fraction.resize(6, '0');
  return std::stoll(whole) * 1000000 + std::stoll(fraction);
}

}  // namespace

core::Result<ParamSetting> parse_param_value(ParamType type, std::string_view raw) {
  ParamSetting v;
  v.type = type;
  std::string text(core::trim(raw));
  auto bad = [&](const char* what) {
    return core::Error::invalid(std::string(what) + "：" + core::shorten_for_message(text),
                                "value");
  };
  switch (type) {
    case ParamType::integer:
    case ParamType::days: {
      if (text.empty() || text.size() > 12 ||
          text.find_first_not_of("-0123456789") != std::string::npos ||
          text.find('-', 1) != std::string::npos) {
        return bad("应为整数");
      }
      v.integer = std::stoll(text);
      if (type == ParamType::days && v.integer < 0) return bad("天数不能为负");
      return v;
    }
    case ParamType::money: {
      auto fen = parse_money_text(text);
      if (!fen) return bad("金额格式不正确（以元为单位，如 50000、5万元）");
      v.integer = *fen;
      return v;
    }
    case ParamType::ratio:
    case ParamType::decimal: {
      bool percent = !text.empty() && text.back() == '%';
      std::string number = percent ? text.substr(0, text.size() - 1) : text;
      char* end = nullptr;
      double d = std::strtod(number.c_str(), &end);
      if (number.empty() || end != number.c_str() + number.size() || !std::isfinite(d)) {
        return bad("应为数字");
      }
      if (percent) d /= 100;
      if (type == ParamType::ratio && (d < 0 || d > 10)) return bad("比例应在0到10之间");
      v.decimal = d;
      return v;
    }
    case ParamType::date: {
      auto d = core::Date::parse(text);
      if (!d.ok()) return bad("日期格式不正确，应为YYYY-MM-DD");
      v.integer = d->days_since_epoch();
      return v;
    }
    case ParamType::text:
      v.text = text;
      return v;
    case ParamType::text_list: {
      std::stringstream in(text);
      std::string item;
      while (std::getline(in, item, ',')) {
        std::string t(core::trim(item));
        if (!t.empty()) v.list.push_back(t);
      }
      return v;
    }
  }
  return bad("未知的参数类型");
}

std::string format_param_value(const ParamSetting& v) {
  switch (v.type) {
    case ParamType::integer:
    case ParamType::days:
      return std::to_string(v.integer);
    case ParamType::money:
      return core::Money::from_fen(v.integer).to_yuan();
    case ParamType::ratio:
    case ParamType::decimal: {
      std::ostringstream out;
      out << v.decimal;
      return out.str();
    }
    case ParamType::date:
      return core::Date::from_days(v.integer).to_string();
    case ParamType::text:
      return v.text;
    case ParamType::text_list: {
      std::string out;
      for (const auto& s : v.list) out += (out.empty() ? "" : ",") + s;
      return out;
    }
  }
  return "";
}

const ParamDef* RuleDef::param(std::string_view name) const {
  for (const auto& p : params) {
    if (p.name == name) return &p;
  }
  return nullptr;
}

core::Result<RuleDef> parse_rule(std::string_view yaml, const std::string& file) {
  Reader reader(file);
  try {
    YAML::Node root = YAML::Load(std::string(yaml));
    RuleDef rule = read_rule(root, reader, file);
    rule.yaml = std::string(yaml);
    return rule;
  } catch (const RuleError& e) {
    return core::Error::invalid(located(e.mark, e.field, e.message), e.field);
  } catch (const YAML::Exception& e) {
    SourceMark m{file, e.mark.line >= 0 ? e.mark.line + 1 : 0,
                 e.mark.column >= 0 ? e.mark.column + 1 : 0};
    return core::Error::invalid(located(m, "", "YAML 格式错误：" + e.msg), "yaml");
  }
}

namespace {

// Parses named texts into rules, refusing a second file with an id already
// seen; sorted by id.
core::Result<std::vector<RuleDef>> parse_all(
    const std::vector<std::pair<std::string, std::string>>& files) {
  std::vector<RuleDef> rules;
  std::map<std::string, std::string> seen;
  for (const auto& [name, text] : files) {
    auto rule = parse_rule(text, name);
    if (!rule.ok()) return rule.error();
    auto [it, fresh] = seen.emplace(rule->id, name);
    if (!fresh) {
      return core::Error::invalid(
          name + "：字段 id：规则编号 " + rule->id + " 已在 " + it->second + " 中定义", "id");
    }
    rules.push_back(std::move(*rule));
  }
  std::sort(rules.begin(), rules.end(),
            [](const RuleDef& a, const RuleDef& b) { return a.id < b.id; });
  return rules;
}

}  // namespace

core::Result<std::vector<RuleDef>> load_rules(const std::string& dir) {
  namespace fs = std::filesystem;
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) {
    return core::Error::invalid("规则目录不存在：" + core::shorten_for_message(dir), "rules");
  }
  std::vector<fs::path> paths;
  for (const auto& entry : fs::directory_iterator(dir, ec)) {
    if (entry.is_regular_file() && entry.path().extension() == ".yaml") {
      paths.push_back(entry.path());
    }
  }
  std::sort(paths.begin(), paths.end());
  std::vector<std::pair<std::string, std::string>> files;
  for (const auto& path : paths) {
    std::ifstream in(path, std::ios::binary);
    std::stringstream text;
    text << in.rdbuf();
    if (!in) return core::Error::invalid("无法读取规则文件：" + path.string(), "rules");
    files.emplace_back(path.string(), text.str());
  }
  return parse_all(files);
}

core::Result<std::vector<RuleDef>> builtin_rules() {
  std::vector<std::pair<std::string, std::string>> files;
  for (const auto& f : embedded_rule_files()) files.emplace_back(f.name, f.text);
  return parse_all(files);
}

ParamResolver::ParamResolver(const RuleDef& rule, std::vector<ParamOverride> overrides)
    : rule_(&rule) {
  for (auto& o : overrides) {
    if (o.rule_id == rule.id && rule.param(o.param)) overrides_.push_back(std::move(o));
  }
}

std::vector<ResolvedParam> ParamResolver::resolve(std::string_view region_code) const {
  // Most specific first: the village itself, its town, its county.
  std::string region(region_code);
  std::vector<std::string> chain;
  if (region.size() == 12) {
    chain.push_back(region);
    chain.push_back(region.substr(0, 9) + "000");
    chain.push_back(region.substr(0, 6) + "000000");
  }
  std::vector<ResolvedParam> out;
  for (const auto& def : rule_->params) {
    ResolvedParam r{&def, def.value, "default"};
    bool found = false;
    for (const auto& level : chain) {
      for (const auto& o : overrides_) {
        if (o.param == def.name && o.region_code == level) {
          r.value = o.value;
          r.source = level;
          found = true;
          break;
        }
      }
      if (found) break;
    }
    out.push_back(std::move(r));
  }
  return out;
}

}  // namespace mingjing::rules
