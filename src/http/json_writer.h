// JsonWriter: writes JSON text straight into a string, for responses on hot
// paths (region detail today, record lists later). Building an nlohmann::json
// tree first costs a few allocations per value, which dominated the region
// detail endpoint (see docs/benchmarks.md); elsewhere nlohmann::json is fine.
//
//   JsonWriter w;
//   w.begin_object().field("code", code).key("children").begin_array();
//   ...
//   w.end_array().end_object();
//   return Response::json_text(200, w.take());
//
// Strings are escaped as JSON requires; invalid UTF-8 becomes U+FFFD, as
// Response::json does, so a response never fails. Misuse (a value where a
// key is due, unbalanced ends) is a programming error and is not checked.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace mingjing::http {

class JsonWriter {
 public:
  JsonWriter() { out_.reserve(1024); }

  JsonWriter& begin_object();
  JsonWriter& end_object();
  JsonWriter& begin_array();
  JsonWriter& end_array();
  JsonWriter& key(std::string_view name);
  JsonWriter& value(std::string_view text);
  JsonWriter& value(const char* text) { return value(std::string_view(text)); }
  JsonWriter& value(long long number);
  JsonWriter& value(int number) { return value(static_cast<long long>(number)); }
  JsonWriter& value(bool flag);
  JsonWriter& value(double number);  // shortest exact form; NaN and infinity as null
  JsonWriter& null();
  // A string, or null when empty.
  JsonWriter& value_or_null(std::string_view text) { return text.empty() ? null() : value(text); }

  // key(name).value(v) in one call.
  JsonWriter& field(std::string_view name, std::string_view text) { return key(name).value(text); }
  JsonWriter& field(std::string_view name, const char* text) { return key(name).value(text); }
  JsonWriter& field(std::string_view name, long long number) { return key(name).value(number); }
  JsonWriter& field(std::string_view name, int number) { return key(name).value(number); }
  JsonWriter& field(std::string_view name, bool flag) { return key(name).value(flag); }

  std::string take() { return std::move(out_); }

 private:
  void before_value();
  void write_string(std::string_view text);

  std::string out_;
  // One entry per open container: true until its first member is written.
  std::vector<bool> first_;
  bool after_key_ = false;
};

}  // namespace mingjing::http
