#include "imports/datasets.h"

namespace mingjing::imports {
namespace {

using T = ColumnType;

std::vector<std::string> split_aliases(std::string_view text) {
  std::vector<std::string> out;
  while (!text.empty()) {
    auto bar = text.find('|');
    out.emplace_back(text.substr(0, bar));
    if (bar == std::string_view::npos) break;
    text.remove_prefix(bar + 1);
  }
  return out;
}

// Optional and required columns; aliases are "|"-separated Chinese headers.
ColumnSpec opt(std::string name, std::string_view aliases, T type = T::text) {
  return {std::move(name), split_aliases(aliases), type, false, {}, "", 200};
}
ColumnSpec req(std::string name, std::string_view aliases, T type = T::text) {
  ColumnSpec c = opt(std::move(name), aliases, type);
  c.required = true;
  return c;
}
ColumnSpec one_of_values(ColumnSpec c, std::vector<std::string> values) {
  c.type = T::enumeration;
  c.values = std::move(values);
  return c;
}
// A column naming a record of another dataset. Text ids become references;
// an account number keeps its type (it is personal data) and is matched
// through its blind index.
ColumnSpec ref(ColumnSpec c, std::string dataset) {
  if (c.type == T::text) c.type = T::reference;
  c.references = std::move(dataset);
  return c;
}
ColumnSpec longer(ColumnSpec c, std::size_t max_length) {
  c.max_length = max_length;
  return c;
}

std::vector<DatasetSpec> build() {
  std::vector<DatasetSpec> all;

  all.push_back(
      {"persons",
       "户籍人口",
       {req("id_number", "身份证号|公民身份号码|身份证号码", T::id_number), req("name", "姓名"),
        req("village_code", "村代码|村社区代码|所属村", T::region), opt("household_no", "户号"),
        opt("relation_to_head", "与户主关系"), opt("phone", "联系电话|手机号|电话", T::phone),
        longer(opt("address", "住址|地址"), 300)},
       {"id_number"},
       "village_code",
       {}});

  all.push_back({"deaths",
                 "死亡登记",
                 {req("id_number", "身份证号|公民身份号码|身份证号码", T::id_number),
                  opt("name", "姓名"), req("death_date", "死亡日期", T::date)},
                 {"id_number"},
                 "",
                 {}});

  all.push_back({"officials",
                 "村干部及工作人员",
                 {req("id_number", "身份证号|公民身份号码|身份证号码", T::id_number),
                  req("name", "姓名"), req("region_code", "区划代码|所在村镇|单位区划", T::region),
                  opt("unit", "单位|工作单位"), req("position", "职务"),
                  one_of_values(req("kind", "人员类别|类别"),
                                {"village_cadre", "supervision_member", "village_staff",
                                 "town_staff", "public_employee"}),
                  opt("start_date", "任职日期|开始日期", T::date),
                  opt("end_date", "离任日期|结束日期", T::date)},
                 {"id_number", "region_code", "position"},
                 "region_code",
                 {}});

  all.push_back({"relatives",
                 "干部亲属关系",
                 {req("id_number", "干部身份证号|身份证号", T::id_number),
                  req("relative_id_number", "亲属身份证号", T::id_number),
                  one_of_values(req("relation", "关系|亲属关系"),
                                {"spouse", "parent", "child", "sibling", "spouse_parent",
                                 "spouse_sibling", "child_spouse", "other"})},
                 {"id_number", "relative_id_number", "relation"},
                 "",
                 {}});

  all.push_back({"companies",
                 "市场主体",
                 {req("uscc", "统一社会信用代码|信用代码", T::uscc), req("name", "企业名称|名称"),
                  opt("legal_rep_id_number", "法定代表人身份证号", T::id_number),
                  opt("legal_rep_name", "法定代表人|法定代表人姓名"),
                  longer(opt("address", "住所|地址"), 300), opt("phone", "联系电话|电话", T::phone),
                  opt("email", "电子邮箱|邮箱"), opt("established_date", "成立日期", T::date),
                  one_of_values(opt("status", "登记状态|状态"),
                                {"active", "abnormal", "revoked", "cancelled"}),
                  opt("status_date", "状态日期", T::date), opt("industry_code", "行业代码")},
                 {"uscc"},
                 "",
                 {}});

  all.push_back({"shareholders",
                 "股东及主要人员",
                 {req("uscc", "统一社会信用代码|企业信用代码", T::uscc),
                  opt("holder_id_number", "股东身份证号|人员身份证号", T::id_number),
                  opt("holder_uscc", "股东信用代码", T::uscc), opt("holder_name", "股东名称|姓名"),
                  opt("share_pct", "持股比例", T::decimal),
                  one_of_values(opt("role", "身份|职务"),
                                {"shareholder", "manager", "director", "supervisor"})},
                 {"uscc", "holder_id_number", "holder_uscc", "role"},
                 "",
                 {"holder_id_number", "holder_uscc"}});

  all.push_back(
      {"vehicles",
       "机动车登记",
       {req("id_number", "所有人身份证号|身份证号", T::id_number), req("plate", "号牌号码|车牌号"),
        opt("registered_date", "登记日期|注册日期", T::date), opt("vehicle_type", "车辆类型")},
       {"plate"},
       "",
       {}});

  all.push_back(
      {"properties",
       "不动产登记",
       {req("id_number", "权利人身份证号|身份证号", T::id_number),
        req("property_id", "不动产单元号|产权编号"), opt("registered_date", "登记日期", T::date),
        opt("kind", "类型|用途"), opt("area_m2", "面积|建筑面积", T::decimal)},
       {"property_id"},
       "",
       {}});

  all.push_back({"accounts",
                 "村级银行账户",
                 {req("account_no", "账号|银行账号", T::account),
                  req("village_code", "村代码|所属村", T::region), opt("bank", "开户行|开户银行"),
                  opt("account_name", "户名|账户名称"),
                  one_of_values(opt("kind", "账户性质|类型"), {"basic", "general", "special"})},
                 {"account_no"},
                 "village_code",
                 {}});

  all.push_back(
      {"bank_transactions",
       "银行流水",
       {req("id", "流水号|交易流水号"),
        ref(req("account_no", "账号|本方账号", T::account), "accounts"),
        req("time", "交易时间", T::datetime),
        one_of_values(req("direction", "收支方向|借贷方向"), {"in", "out"}),
        req("amount", "金额|交易金额", T::money), opt("counterparty_name", "对方户名|对方名称"),
        opt("counterparty_account", "对方账号", T::account),
        longer(opt("summary", "摘要|用途"), 300), opt("balance", "余额", T::money)},
       {"id"},
       "",
       {}});

  all.push_back(
      {"projects",
       "村级工程及采购项目",
       {req("id", "项目编号"), req("village_code", "村代码|所属村", T::region),
        longer(req("name", "项目名称|名称"), 300),
        one_of_values(req("category", "项目类别|类别"), {"works", "goods", "services"}),
        req("estimated_amount", "预算金额|概算金额", T::money),
        one_of_values(req("method", "采购方式|招标方式"),
                      {"open_tender", "invited_tender", "negotiation", "inquiry", "direct"}),
        opt("tender_published_at", "招标公告时间", T::datetime),
        opt("bid_deadline", "投标截止时间", T::datetime),
        opt("award_date", "中标日期|定标日期", T::date),
        opt("winner_uscc", "中标单位信用代码", T::uscc),
        opt("contract_amount", "合同金额", T::money),
        opt("contract_signed_at", "合同签订时间", T::datetime),
        opt("start_date", "开工日期", T::date), opt("completion_date", "竣工日期", T::date),
        opt("acceptance_date", "验收日期", T::date),
        opt("final_amount", "决算金额|结算金额", T::money), opt("status", "状态")},
       {"id"},
       "village_code",
       {}});

  all.push_back(
      {"bids",
       "投标记录",
       {ref(req("project_id", "项目编号"), "projects"),
        req("bidder_uscc", "投标单位信用代码", T::uscc),
        opt("bidder_name", "投标单位名称|投标单位"), req("amount", "投标报价|报价", T::money),
        req("submitted_at", "投标时间|递交时间", T::datetime),
        one_of_values(req("status", "状态|投标结果"), {"valid", "disqualified", "winner"}),
        longer(opt("reason", "原因|说明"), 300)},
       {"project_id", "bidder_uscc"},
       "",
       {}});

  all.push_back(
      {"payments",
       "村集体支出",
       {req("id", "支出编号|单号"), req("village_code", "村代码|所属村", T::region),
        req("category", "支出类别|类别"), req("payee_name", "收款人|收款方"),
        opt("payee_id_number", "收款人身份证号", T::id_number),
        opt("payee_uscc", "收款单位信用代码", T::uscc),
        opt("payee_account", "收款账号", T::account), req("amount", "金额|支出金额", T::money),
        one_of_values(req("method", "支付方式"), {"transfer", "cash", "card"}),
        longer(opt("purpose", "用途|事由"), 300), ref(opt("project_id", "项目编号"), "projects"),
        req("applied_at", "申请时间", T::datetime), opt("approved_at", "审批时间", T::datetime),
        opt("paid_at", "支付时间", T::datetime),
        one_of_values(opt("status", "状态"), {"pending", "approved", "rejected", "paid"})},
       {"id"},
       "village_code",
       {}});

  all.push_back(
      {"payment_approvals",
       "支出审批记录",
       {ref(req("payment_id", "支出编号|单号"), "payments"),
        one_of_values(req("step", "审批环节|环节"),
                      {"bookkeeper", "finance_group", "supervision_committee", "committee_director",
                       "party_secretary", "two_committees", "representatives", "town_agency"}),
        opt("approver_id_number", "审批人身份证号", T::id_number),
        one_of_values(req("decision", "审批意见|结果"), {"approve", "reject"}),
        req("time", "审批时间|时间", T::datetime)},
       {"payment_id", "step"},
       "",
       {}});

  all.push_back(
      {"meetings",
       "会议及公示",
       {req("id", "编号|会议编号"), req("village_code", "村代码|所属村", T::region),
        one_of_values(req("kind", "类型|会议类型"),
                      {"proposal", "two_committees", "party_members", "representatives",
                       "villagers", "posting_decision", "posting_result"}),
        req("held_at", "召开时间|公示开始时间", T::datetime),
        opt("until", "公示截止日期|截止日期", T::date), longer(opt("subject", "议题|事项"), 300),
        opt("related_dataset", "关联数据集"), opt("related_id", "关联编号"),
        opt("eligible", "应到人数", T::integer), opt("attended", "实到人数", T::integer),
        opt("votes_for", "赞成票数|同意人数", T::integer),
        opt("created_at", "录入时间", T::datetime)},
       {"id"},
       "village_code",
       {}});

  all.push_back(
      {"leases",
       "集体资产资源合同",
       {req("id", "合同编号"), req("village_code", "村代码|所属村", T::region),
        req("asset_name", "资产名称"),
        one_of_values(opt("asset_kind", "资产类别"),
                      {"land", "building", "pond", "forest", "shop", "other"}),
        opt("area", "面积", T::decimal), req("lessee_name", "承租方|承租人"),
        opt("lessee_id_number", "承租人身份证号", T::id_number),
        opt("lessee_uscc", "承租单位信用代码", T::uscc),
        opt("lessee_is_member", "是否本村成员", T::boolean),
        one_of_values(opt("method", "发包方式|出租方式"),
                      {"open_tender", "auction", "negotiation", "direct"}),
        opt("signed_at", "签订日期", T::date), req("start_date", "起始日期|开始日期", T::date),
        req("end_date", "终止日期|结束日期", T::date), req("annual_rent", "年租金", T::money),
        opt("benchmark_rent", "参考租金|基准租金", T::money),
        opt("consent_ratio", "同意比例", T::decimal)},
       {"id"},
       "village_code",
       {}});

  all.push_back({"rent_due",
                 "租金收缴",
                 {ref(req("lease_id", "合同编号"), "leases"), req("due_date", "应收日期", T::date),
                  req("amount_due", "应收金额", T::money), opt("paid_date", "实收日期", T::date),
                  opt("amount_paid", "实收金额", T::money)},
                 {"lease_id", "due_date"},
                 "",
                 {}});

  all.push_back(
      {"labor",
       "村级务工",
       {req("id", "编号|务工编号"), req("village_code", "村代码|所属村", T::region),
        ref(opt("project_id", "项目编号"), "projects"),
        req("worker_id_number", "务工人员身份证号|身份证号", T::id_number),
        opt("worker_name", "务工人员|姓名"), req("work_start", "开始日期|务工开始日期", T::date),
        req("work_end", "结束日期|务工结束日期", T::date), opt("days", "天数|务工天数", T::decimal),
        opt("daily_wage", "日工资", T::money), req("amount", "金额|工资总额", T::money),
        opt("requested_at", "申请时间", T::datetime), opt("approved_at", "审批时间", T::datetime),
        opt("declared_at", "申报时间", T::datetime), opt("paid_at", "发放时间", T::datetime),
        one_of_values(opt("pay_method", "发放方式"), {"transfer", "cash"}),
        opt("payee_account", "收款账号", T::account)},
       {"id"},
       "village_code",
       {}});

  all.push_back(
      {"subsidies",
       "惠民惠农补贴",
       {req("id", "编号|发放编号"), req("program_code", "项目代码|补贴项目代码"),
        opt("program_name", "项目名称|补贴项目"), req("department", "主管部门|部门"),
        opt("means_tested", "是否经济困难类", T::boolean),
        req("recipient_id_number", "领取人身份证号|身份证号", T::id_number),
        opt("recipient_name", "领取人|姓名"), req("village_code", "村代码|所属村", T::region),
        req("amount", "金额|发放金额", T::money), opt("period", "所属期间|期间"),
        req("paid_at", "发放时间", T::datetime), opt("account_no", "账号|收款账号", T::account),
        opt("posted_from", "公示开始日期", T::date), opt("posted_to", "公示结束日期", T::date),
        opt("posted_amount", "公示金额", T::money)},
       {"id"},
       "village_code",
       {}});

  all.push_back({"seal_uses",
                 "印章使用登记",
                 {req("id", "编号|登记编号"), req("village_code", "村代码|所属村", T::region),
                  req("used_at", "用印时间", T::datetime), longer(opt("purpose", "用途|事由"), 300),
                  longer(opt("document_title", "文件名称"), 300), opt("approval_id", "审批编号"),
                  opt("approved_at", "审批时间", T::datetime)},
                 {"id"},
                 "village_code",
                 {}});

  all.push_back({"disclosures",
                 "三务公开",
                 {req("id", "编号|公开编号"), req("village_code", "村代码|所属村", T::region),
                  one_of_values(req("category", "公开类别|类别"), {"party", "village", "finance"}),
                  longer(req("title", "标题|公开事项"), 300), opt("period", "所属期间|期间"),
                  req("published_at", "公开时间|发布时间", T::datetime)},
                 {"id"},
                 "village_code",
                 {}});

  all.push_back(
      {"complaints",
       "群众投诉",
       {req("id", "编号|投诉编号"), req("village_code", "村代码|所属村", T::region),
        opt("category", "类别|投诉类别"), req("submitted_at", "提交时间|投诉时间", T::datetime),
        opt("answered_at", "答复时间", T::datetime), opt("closed_at", "办结时间", T::datetime),
        opt("satisfaction", "满意度", T::integer)},
       {"id"},
       "village_code",
       {}});
  return all;
}

}  // namespace

std::string_view to_string(ColumnType type) {
  switch (type) {
    case T::text:
      return "text";
    case T::enumeration:
      return "enumeration";
    case T::integer:
      return "integer";
    case T::decimal:
      return "decimal";
    case T::money:
      return "money";
    case T::boolean:
      return "boolean";
    case T::date:
      return "date";
    case T::datetime:
      return "datetime";
    case T::id_number:
      return "id_number";
    case T::phone:
      return "phone";
    case T::account:
      return "account";
    case T::uscc:
      return "uscc";
    case T::region:
      return "region";
    case T::reference:
      return "reference";
  }
  return "text";
}

bool is_personal(ColumnType type) {
  return type == T::id_number || type == T::phone || type == T::account;
}

const ColumnSpec* DatasetSpec::column(std::string_view wanted) const {
  for (const auto& c : columns) {
    if (c.name == wanted) return &c;
  }
  return nullptr;
}

const std::vector<DatasetSpec>& datasets() {
  static const std::vector<DatasetSpec> all = build();
  return all;
}

const DatasetSpec* find_dataset(std::string_view name) {
  for (const auto& d : datasets()) {
    if (d.name == name) return &d;
  }
  return nullptr;
}

const ColumnSpec* region_parent(const DatasetSpec& dataset) {
  if (!dataset.region_column.empty()) return nullptr;
  for (const auto& c : dataset.columns) {
    if (!c.required || c.references.empty()) continue;
    const DatasetSpec* parent = find_dataset(c.references);
    // A parent found by one column: its record_key is that value (or its
    // blind index), which is what the child stores.
    if (parent && !parent->region_column.empty() && parent->key.size() == 1) return &c;
  }
  return nullptr;
}

std::vector<std::string> stored_columns(const ColumnSpec& column) {
  if (is_personal(column.type)) {
    return {column.name + "_enc", column.name + "_bidx", column.name + "_mask"};
  }
  return {column.name};
}

}  // namespace mingjing::imports
