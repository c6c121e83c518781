// Writes the World as one CSV table per dataset, with the dataset's English
// header. Event records get their source-system ids here, numbered per
// village in date order (so planted records look like any other), and the
// plants' records are resolved to Subjects.
#include <algorithm>
#include <cctype>
#include <cstdio>
#include <map>
#include <numeric>
#include <stdexcept>

#include "core/money.h"
#include "demo/world.h"
#include "imports/datasets.h"

namespace mingjing::demo::detail {
namespace {

std::string quoted(const std::string& s) {
  if (s.find_first_of(",\"\r\n") == std::string::npos) return s;
  std::string out = "\"";
  for (char c : s) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

// One dataset's rows, cells set by column name.
class Sheet {
 public:
  explicit Sheet(const imports::DatasetSpec& spec) : spec_(spec) {}

  Sheet& row() {
    rows_.emplace_back(spec_.columns.size());
    return *this;
  }
  Sheet& set(std::string_view column, std::string value) {
    for (std::size_t i = 0; i < spec_.columns.size(); ++i) {
      if (spec_.columns[i].name == column) {
        rows_.back()[i] = std::move(value);
        return *this;
      }
    }
    throw std::logic_error("demo: no column " + std::string(column) + " in " + spec_.name);
  }

  Table table() const {
    std::string csv;
    for (std::size_t i = 0; i < spec_.columns.size(); ++i) {
      csv += (i ? "," : "") + spec_.columns[i].name;
    }
    csv += "\n";
    for (const auto& r : rows_) {
      for (std::size_t i = 0; i < r.size(); ++i) csv += (i ? "," : "") + quoted(r[i]);
      csv += "\n";
    }
    return {spec_.name, std::move(csv), rows_.size()};
  }

 private:
  const imports::DatasetSpec& spec_;
  std::vector<std::vector<std::string>> rows_;
};

std::string yuan(long long fen) {
  return core::Money::from_fen(fen).to_yuan();
}
std::string text(Date d) {
  return d.to_string();
}
std::string text(DateTime t) {
  return t.to_string();
}
template <typename T>
std::string text(const std::optional<T>& v) {
  return v ? text(*v) : "";
}
std::string decimal(double d) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.2f", d);
  std::string s = buf;
  while (s.back() == '0') s.pop_back();
  if (s.back() == '.') s.pop_back();
  return s;
}
std::string number(int n) {
  return n < 0 ? "" : std::to_string(n);
}
class Emitter {
 public:
  explicit Emitter(World& w) : w_(w) {}

  County run() {
    assign_ids(w_);
    for (const auto& spec : imports::datasets()) sheets_.emplace(spec.name, Sheet(spec));
    people();
    companies();
    money();
    projects();
    village_records();
    subsidies();
    County county;
    for (const auto& spec : imports::datasets())
      county.tables.push_back(sheets_.at(spec.name).table());
    for (const PlantDraft& d : w_.plants) county.plants.push_back(resolve(d));
    return county;
  }

 private:
  const Person& person(int i) const { return w_.persons[static_cast<std::size_t>(i)]; }
  const Company& company(int i) const { return w_.companies[static_cast<std::size_t>(i)]; }
  const VillageState& village(int i) const { return w_.villages[static_cast<std::size_t>(i)]; }
  const std::string& code(int v) const { return village(v).region.code; }
  const std::string& suffix(int v) const { return village(v).suffix; }
  Sheet& sheet(const char* name) { return sheets_.at(name); }

  void people() {
    for (const Person& p : w_.persons) {
      sheet("persons")
          .row()
          .set("id_number", p.id_number)
          .set("name", p.name)
          .set("village_code", code(p.village))
          .set("household_no", p.household_no)
          .set("relation_to_head", p.relation)
          .set("phone", p.phone)
          .set("address", "浙江省义乌市" +
                              w_.towns[static_cast<std::size_t>(village(p.village).town)].name +
                              village(p.village).short_name +
                              std::to_string(std::stoi(p.household_no.substr(6))) + "号");
      if (p.death) {
        sheet("deaths")
            .row()
            .set("id_number", p.id_number)
            .set("name", p.name)
            .set("death_date", text(p.death));
      }
    }
    for (const Official& o : w_.officials) {
      sheet("officials")
          .row()
          .set("id_number", person(o.person).id_number)
          .set("name", person(o.person).name)
          .set("region_code", o.region_code)
          .set("unit", o.unit)
          .set("position", o.position)
          .set("kind", o.kind)
          .set("start_date", text(o.start));
    }
    for (const Relative& r : w_.relatives) {
      sheet("relatives")
          .row()
          .set("id_number", person(r.official).id_number)
          .set("relative_id_number", person(r.relative).id_number)
          .set("relation", r.relation);
    }
    for (const Vehicle& v : w_.vehicles) {
      sheet("vehicles")
          .row()
          .set("id_number", person(v.person).id_number)
          .set("plate", v.plate)
          .set("registered_date", text(v.registered))
          .set("vehicle_type", v.type);
    }
    for (const Property& p : w_.properties) {
      sheet("properties")
          .row()
          .set("id_number", person(p.person).id_number)
          .set("property_id", p.id)
          .set("registered_date", text(p.registered))
          .set("kind", p.kind)
          .set("area_m2", decimal(p.area));
    }
  }

  void companies() {
    for (const Company& c : w_.companies) {
      Sheet& s = sheet("companies").row();
      s.set("uscc", c.uscc)
          .set("name", c.name)
          .set("address", c.address)
          .set("phone", c.phone)
          .set("email", c.email)
          .set("established_date", text(c.established))
          .set("status", c.status)
          .set("status_date", text(c.status_date))
          .set("industry_code", c.industry_code);
      if (c.legal_rep >= 0) {
        s.set("legal_rep_id_number", person(c.legal_rep).id_number)
            .set("legal_rep_name", person(c.legal_rep).name);
      }
    }
    for (const Holding& h : w_.holdings) {
      Sheet& s = sheet("shareholders").row();
      s.set("uscc", company(h.company).uscc).set("role", h.role);
      if (h.pct > 0) s.set("share_pct", decimal(h.pct));
      if (h.person >= 0) {
        s.set("holder_id_number", person(h.person).id_number)
            .set("holder_name", person(h.person).name);
      } else {
        s.set("holder_uscc", company(h.holder_company).uscc)
            .set("holder_name", company(h.holder_company).name);
      }
    }
  }

  void money() {
    for (const VillageState& v : w_.villages) {
      sheet("accounts")
          .row()
          .set("account_no", v.account_no)
          .set("village_code", v.region.code)
          .set("bank", v.account_bank)
          .set("account_name", v.account_name)
          .set("kind", "basic");
      if (!v.special_account.empty()) {
        sheet("accounts")
            .row()
            .set("account_no", v.special_account)
            .set("village_code", v.region.code)
            .set("bank", "中国农业银行股份有限公司义乌分行")
            .set("account_name", v.account_name + "（专项资金）")
            .set("kind", "special");
      }
    }
    for (std::size_t i :
         order_of(w_.flows, [](const Flow&a, const Flow&b) { return a.id < b.id; })) {
      const Flow& f = w_.flows[i];
      const VillageState& v = village(f.village);
      sheet("bank_transactions")
          .row()
          .set("id", f.id)
          .set("account_no", f.special ? v.special_account : v.account_no)
          .set("time", text(f.at))
          .set("direction", f.out ? "out" : "in")
          .set("amount", yuan(f.amount))
          .set("counterparty_name", f.counterparty_name)
          .set("counterparty_account", f.counterparty_account)
          .set("summary", f.summary)
          .set("balance", yuan(f.balance));
    }
    for (std::size_t i :
         order_of(w_.payments, [](const Payment&a, const Payment&b) { return a.id < b.id; })) {
      const Payment& p = w_.payments[i];
      Sheet& s = sheet("payments").row();
      s.set("id", p.id)
          .set("village_code", code(p.village))
          .set("category", p.category)
          .set("payee_name", p.payee_name)
          .set("amount", yuan(p.amount))
          .set("method", p.method)
          .set("purpose", p.purpose)
          .set("applied_at", text(p.applied))
          .set("paid_at", text(p.paid))
          .set("status", p.status);
      if (p.paid) s.set("approved_at", text(p.approvals.back().at));
      if (p.project >= 0) s.set("project_id", w_.projects[static_cast<std::size_t>(p.project)].id);
      if (p.payee_company >= 0) {
        s.set("payee_uscc", company(p.payee_company).uscc);
        if (p.method != "cash") s.set("payee_account", company(p.payee_company).account);
      }
      if (p.payee_person >= 0) {
        s.set("payee_id_number", person(p.payee_person).id_number);
        if (p.method != "cash") s.set("payee_account", account_of(w_, p.payee_person));
      }
      for (const Approval& a : p.approvals) {
        sheet("payment_approvals")
            .row()
            .set("payment_id", p.id)
            .set("step", a.step)
            .set("approver_id_number", a.approver >= 0 ? person(a.approver).id_number : "")
            .set("decision", a.decision)
            .set("time", text(a.at));
      }
    }
  }

  void projects() {
    for (std::size_t i :
         order_of(w_.projects, [](const Project&a, const Project&b) { return a.id < b.id; })) {
      const Project& p = w_.projects[i];
      sheet("projects")
          .row()
          .set("id", p.id)
          .set("village_code", code(p.village))
          .set("name", p.name)
          .set("category", p.category)
          .set("estimated_amount", yuan(p.estimate))
          .set("method", p.method)
          .set("tender_published_at", text(p.published))
          .set("bid_deadline", text(p.deadline))
          .set("award_date", text(p.award))
          .set("winner_uscc", company(p.winner).uscc)
          .set("contract_amount", yuan(p.contract))
          .set("contract_signed_at", text(p.signed_at))
          .set("start_date", text(p.start))
          .set("completion_date", text(p.completion))
          .set("acceptance_date", text(p.acceptance))
          .set("final_amount", p.final_amount ? yuan(*p.final_amount) : "")
          .set("status", p.status);
      for (const Bid& b : p.bids) {
        sheet("bids")
            .row()
            .set("project_id", p.id)
            .set("bidder_uscc", company(b.company).uscc)
            .set("bidder_name", company(b.company).name)
            .set("amount", yuan(b.amount))
            .set("submitted_at", text(b.at))
            .set("status", b.status)
            .set("reason", b.reason);
      }
    }
    for (std::size_t i :
         order_of(w_.meetings, [](const Meeting&a, const Meeting&b) { return a.id < b.id; })) {
      const Meeting& m = w_.meetings[i];
      Sheet& s = sheet("meetings").row();
      s.set("id", m.id)
          .set("village_code", code(m.village))
          .set("kind", m.kind)
          .set("held_at", text(m.held))
          .set("until", text(m.until))
          .set("subject", m.subject)
          .set("eligible", number(m.eligible))
          .set("attended", number(m.attended))
          .set("votes_for", number(m.votes_for))
          .set("created_at", text(m.created));
      if (m.project >= 0) {
        s.set("related_dataset", "projects")
            .set("related_id", w_.projects[static_cast<std::size_t>(m.project)].id);
      }
    }
  }

  void village_records() {
    for (std::size_t i :
         order_of(w_.leases, [](const Lease&a, const Lease&b) { return a.id < b.id; })) {
      const Lease& l = w_.leases[i];
      Sheet& s = sheet("leases").row();
      s.set("id", l.id)
          .set("village_code", code(l.village))
          .set("asset_name", l.asset_name)
          .set("asset_kind", l.asset_kind)
          .set("area", decimal(l.area))
          .set("lessee_name", l.lessee_name)
          .set("lessee_is_member", l.member ? "true" : "false")
          .set("method", l.method)
          .set("signed_at", text(l.signed_at))
          .set("start_date", text(l.start))
          .set("end_date", text(l.end))
          .set("annual_rent", yuan(l.rent))
          .set("benchmark_rent", yuan(l.benchmark))
          .set("consent_ratio", decimal(l.consent));
      if (l.lessee_person >= 0) s.set("lessee_id_number", person(l.lessee_person).id_number);
      if (l.lessee_company >= 0) s.set("lessee_uscc", company(l.lessee_company).uscc);
      for (const RentDue& d : l.dues) {
        sheet("rent_due")
            .row()
            .set("lease_id", l.id)
            .set("due_date", text(d.due))
            .set("amount_due", yuan(d.amount))
            .set("paid_date", text(d.paid))
            .set("amount_paid", d.paid ? yuan(d.amount) : "");
      }
    }
    for (std::size_t i :
         order_of(w_.labor, [](const Labor&a, const Labor&b) { return a.id < b.id; })) {
      const Labor& l = w_.labor[i];
      sheet("labor")
          .row()
          .set("id", l.id)
          .set("village_code", code(l.village))
          .set("project_id",
               l.project >= 0 ? w_.projects[static_cast<std::size_t>(l.project)].id : "")
          .set("worker_id_number", person(l.worker).id_number)
          .set("worker_name", person(l.worker).name)
          .set("work_start", text(l.start))
          .set("work_end", text(l.end))
          .set("days", std::to_string(l.days))
          .set("daily_wage", yuan(l.wage))
          .set("amount", yuan(l.wage * l.days))
          .set("requested_at", text(l.requested))
          .set("approved_at", text(l.approved))
          .set("declared_at", text(l.declared))
          .set("paid_at", text(l.paid))
          .set("pay_method", "transfer")
          .set("payee_account", account_of(w_, l.worker));
    }
    for (std::size_t i :
         order_of(w_.seals, [](const SealUse&a, const SealUse&b) { return a.id < b.id; })) {
      const SealUse& s = w_.seals[i];
      sheet("seal_uses")
          .row()
          .set("id", s.id)
          .set("village_code", code(s.village))
          .set("used_at", text(s.used))
          .set("purpose", s.purpose)
          .set("document_title", s.title)
          .set("approval_id", s.approval_id)
          .set("approved_at", text(s.approved));
    }
    for (std::size_t i : order_of(
             w_.disclosures, [](const Disclosure&a, const Disclosure&b) { return a.id < b.id; })) {
      const Disclosure& d = w_.disclosures[i];
      sheet("disclosures")
          .row()
          .set("id", d.id)
          .set("village_code", code(d.village))
          .set("category", d.category)
          .set("title", d.title)
          .set("period", d.period)
          .set("published_at", text(d.published));
    }
    for (std::size_t i : order_of(
             w_.complaints, [](const Complaint&a, const Complaint&b) { return a.id < b.id; })) {
      const Complaint& c = w_.complaints[i];
      sheet("complaints")
          .row()
          .set("id", c.id)
          .set("village_code", code(c.village))
          .set("category", c.category)
          .set("submitted_at", text(c.submitted))
          .set("answered_at", text(c.answered))
          .set("closed_at", text(c.closed))
          .set("satisfaction", c.satisfaction ? std::to_string(c.satisfaction) : "");
    }
  }

  void subsidies() {
    for (std::size_t i :
         order_of(w_.subsidies, [](const Subsidy&a, const Subsidy&b) { return a.id < b.id; })) {
      const Subsidy& s = w_.subsidies[i];
      const Person& p = person(s.person);
      Sheet& row = sheet("subsidies").row();
      row.set("id", s.id)
          .set("program_code", s.programme->code)
          .set("program_name", s.programme->name)
          .set("department", s.programme->department)
          .set("means_tested", s.programme->means_tested ? "true" : "false")
          .set("recipient_id_number", p.id_number)
          .set("recipient_name", p.name)
          .set("village_code", code(p.village))
          .set("amount", yuan(s.amount))
          .set("period", s.period)
          .set("paid_at", text(s.paid))
          .set("account_no", account_of(w_, s.person));
      if (s.posted) {
        Date paid = s.paid.local_date();
        row.set("posted_from", text(paid.add_days(-8)))
            .set("posted_to", text(paid.add_days(-3)))
            .set("posted_amount", yuan(s.amount));
      }
    }
  }

  Subject subject(const Ref& r) const {
    auto at = [&](const auto& items) -> const auto& {
      if (r.index < 0 || static_cast<std::size_t>(r.index) >= items.size()) {
        throw std::logic_error("demo: plant record out of range in " + r.dataset);
      }
      return items[static_cast<std::size_t>(r.index)];
    };
    if (r.dataset == "persons" || r.dataset == "deaths")
      return {r.dataset, {at(w_.persons).id_number}};
    if (r.dataset == "companies") return {r.dataset, {at(w_.companies).uscc}};
    if (r.dataset == "vehicles") return {r.dataset, {at(w_.vehicles).plate}};
    if (r.dataset == "projects") return {r.dataset, {at(w_.projects).id}};
    if (r.dataset == "payments") return {r.dataset, {at(w_.payments).id}};
    if (r.dataset == "bank_transactions") return {r.dataset, {at(w_.flows).id}};
    if (r.dataset == "leases") return {r.dataset, {at(w_.leases).id}};
    if (r.dataset == "rent_due") {
      const Lease& l = at(w_.leases);
      return {r.dataset, {l.id, l.dues.at(static_cast<std::size_t>(r.sub)).due.to_string()}};
    }
    if (r.dataset == "labor") return {r.dataset, {at(w_.labor).id}};
    if (r.dataset == "subsidies") return {r.dataset, {at(w_.subsidies).id}};
    if (r.dataset == "seal_uses") return {r.dataset, {at(w_.seals).id}};
    if (r.dataset == "disclosures") return {r.dataset, {at(w_.disclosures).id}};
    if (r.dataset == "complaints") return {r.dataset, {at(w_.complaints).id}};
    throw std::logic_error("demo: no subjects in " + r.dataset);
  }

  Plant resolve(const PlantDraft& d) const {
    Plant p{d.rule, d.summary, village(d.village).region.code, village(d.village).region.name, {}};
    for (const Ref& r : d.refs) p.subjects.push_back(subject(r));
    return p;
  }

  World& w_;
  std::map<std::string, Sheet> sheets_;
};

}  // namespace

County emit(World& w) {
  return Emitter(w).run();
}

}  // namespace mingjing::demo::detail
