#include "imports/xlsx_reader.h"

#include <zip.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <pugixml.hpp>
#include <unordered_map>

#include "core/date.h"
#include "imports/csv_reader.h"

namespace mingjing::imports {

namespace {

constexpr const char* kNotXlsx = "文件不是有效的xlsx文件";
constexpr std::size_t kChunk = 64 * 1024;
constexpr std::size_t kMaxSheetRows = 1048576;  // Excel's last row

// --- small helpers ------------------------------------------------------------

// "16 MB", "512 KB", "100 字节": limits and sizes in messages.
std::string size_text(std::uint64_t bytes) {
  constexpr std::uint64_t kKiB = 1024, kMiB = 1024 * 1024;
  if (bytes >= kMiB) return std::to_string((bytes + kMiB - 1) / kMiB) + " MB";
  if (bytes >= kKiB) return std::to_string((bytes + kKiB - 1) / kKiB) + " KB";
  return std::to_string(bytes) + " 字节";
}

core::Error not_xlsx(const std::string& detail = {}) {
  return core::Error::invalid(detail.empty() ? kNotXlsx : std::string(kNotXlsx) + "：" + detail,
                              "file");
}

core::Error too_large(std::string message) {
  return core::Error{core::errc::kTooLarge, std::move(message), "file"};
}

core::Error inflated_too_large(std::uint64_t limit) {
  return too_large("xlsx文件解压后超过 " + size_text(limit) + " 上限（可能是压缩炸弹）");
}

bool is_xml_space(char c) {
  return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

std::string_view trim_xml_space(std::string_view s) {
  while (!s.empty() && is_xml_space(s.front())) s.remove_prefix(1);
  while (!s.empty() && is_xml_space(s.back())) s.remove_suffix(1);
  return s;
}

// The name without its namespace prefix: "x:row" -> "row".
std::string_view local_name(std::string_view name) {
  auto colon = name.rfind(':');
  return colon == std::string_view::npos ? name : name.substr(colon + 1);
}

bool named(const pugi::xml_node& node, std::string_view local) {
  return node.type() == pugi::node_element && local_name(node.name()) == local;
}

pugi::xml_node child(const pugi::xml_node& node, std::string_view local) {
  for (pugi::xml_node c : node.children()) {
    if (named(c, local)) return c;
  }
  return {};
}

// An attribute by its local name, with or without a prefix ("r:id" as "id",
// when `prefixed` asks for a prefixed one only).
pugi::xml_attribute attribute(const pugi::xml_node& node, std::string_view local,
                              bool prefixed = false) {
  for (pugi::xml_attribute a : node.attributes()) {
    std::string_view name = a.name();
    if (local_name(name) != local) continue;
    if (prefixed && name.find(':') == std::string_view::npos) continue;
    return a;
  }
  return {};
}

bool parse_uint(std::string_view s, std::uint64_t& out) {
  s = trim_xml_space(s);
  if (s.empty()) return false;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return ec == std::errc() && p == s.data() + s.size();
}

bool is_true(std::string_view s) {
  s = trim_xml_space(s);
  return s == "1" || s == "true" || s == "on";
}

void append_utf8(std::string& out, std::uint32_t cp) {
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (cp >> 18));
    out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

// The UTF-16 code unit of an "_xHHHH_" escape at s[i], or -1.
long escape_at(std::string_view s, std::size_t i) {
  if (i + 7 > s.size() || s[i] != '_' || s[i + 1] != 'x' || s[i + 6] != '_') return -1;
  unsigned value = 0;
  auto [p, ec] = std::from_chars(s.data() + i + 2, s.data() + i + 6, value, 16);
  if (ec != std::errc() || p != s.data() + i + 6) return -1;
  return static_cast<long>(value);
}

// Decodes the OOXML string escapes "_xHHHH_" (how Excel writes control
// characters such as _x000D_, and "_x005F_" for a literal underscore).
// Escapes that would give NUL or a lone surrogate are kept as written.
std::string decode_escapes(std::string_view s) {
  if (s.find("_x") == std::string_view::npos) return std::string(s);
  std::string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size();) {
    long u = escape_at(s, i);
    if (u > 0 && (u < 0xD800 || u > 0xDFFF)) {
      append_utf8(out, static_cast<std::uint32_t>(u));
      i += 7;
      continue;
    }
    if (u >= 0xD800 && u <= 0xDBFF) {
      long lo = escape_at(s, i + 7);
      if (lo >= 0xDC00 && lo <= 0xDFFF) {
        append_utf8(out, 0x10000 + ((static_cast<std::uint32_t>(u) - 0xD800) << 10) +
                             (static_cast<std::uint32_t>(lo) - 0xDC00));
        i += 14;
        continue;
      }
    }
    out += s[i++];
  }
  return out;
}

// The text of a <t> element: its character data, with leading and trailing
// blanks dropped unless xml:space="preserve" (Excel trims them otherwise).
void append_t(const pugi::xml_node& t, std::string& out) {
  std::string text;
  for (pugi::xml_node c : t.children()) {
    if (c.type() == pugi::node_pcdata || c.type() == pugi::node_cdata) text += c.value();
  }
  if (std::string_view(t.attribute("xml:space").value()) == "preserve") {
    out += text;
  } else {
    out += trim_xml_space(text);
  }
}

// The text of a string item (<si> or <is>): a plain <t>, or rich-text runs
// <r><t>..</t></r> joined; phonetic runs (<rPh>) are not part of the value.
std::string string_item(const pugi::xml_node& item) {
  std::string out;
  for (pugi::xml_node c : item.children()) {
    if (named(c, "t")) {
      append_t(c, out);
    } else if (named(c, "r")) {
      for (pugi::xml_node t : c.children()) {
        if (named(t, "t")) append_t(t, out);
      }
    }
  }
  return decode_escapes(out);
}

// A number as written in the file, as plain decimal text: "1234.5" stays,
// "1.23E+5" becomes "123000", "-1.5E-3" becomes "-0.0015". nullopt when the
// text is not a number.
std::optional<std::string> plain_decimal(std::string_view s) {
  s = trim_xml_space(s);
  std::size_t i = 0;
  bool negative = false;
  if (i < s.size() && (s[i] == '-' || s[i] == '+')) negative = s[i++] == '-';
  std::string digits;
  std::size_t int_digits = 0;
  bool point = false;
  for (; i < s.size(); ++i) {
    char c = s[i];
    if (c >= '0' && c <= '9') {
      digits += c;
      if (!point) ++int_digits;
    } else if (c == '.' && !point) {
      point = true;
    } else {
      break;
    }
  }
  if (digits.empty()) return std::nullopt;
  if (i == s.size()) return std::string(s);  // no exponent: as written
  if (s[i] != 'e' && s[i] != 'E') return std::nullopt;
  ++i;
  bool exp_negative = false;
  if (i < s.size() && (s[i] == '-' || s[i] == '+')) exp_negative = s[i++] == '-';
  if (i == s.size()) return std::nullopt;
  long exponent = 0;
  for (; i < s.size(); ++i) {
    if (s[i] < '0' || s[i] > '9') return std::nullopt;
    // A double never needs more than ~330 places; refuse the absurd.
    if (exponent > 1000) return std::nullopt;
    exponent = exponent * 10 + (s[i] - '0');
  }
  long dot = static_cast<long>(int_digits) + (exp_negative ? -exponent : exponent);
  std::string out;
  if (dot <= 0) {
    out = "0." + std::string(static_cast<std::size_t>(-dot), '0') + digits;
  } else if (static_cast<std::size_t>(dot) >= digits.size()) {
    out = digits + std::string(static_cast<std::size_t>(dot) - digits.size(), '0');
  } else {
    out = digits.substr(0, static_cast<std::size_t>(dot)) + "." +
          digits.substr(static_cast<std::size_t>(dot));
  }
  // Canonical: no leading zeros before the point, no trailing zeros after it.
  if (out.find('.') != std::string::npos) {
    while (out.back() == '0') out.pop_back();
    if (out.back() == '.') out.pop_back();
  }
  std::size_t lead = 0;
  while (lead + 1 < out.size() && out[lead] == '0' && out[lead + 1] != '.') ++lead;
  out.erase(0, lead);
  if (negative && out != "0") out.insert(0, "-");
  return out;
}

// --- number formats ---------------------------------------------------------------

enum class NumberKind : std::uint8_t { kNumber, kDate, kDateTime, kTime };

NumberKind builtin_kind(std::uint64_t id) {
  // 14-17 and 22 are the international date formats, 18-21 and 45-47 times;
  // 27-36 and 50-58 are the East Asian (zh-CN: yyyy"年"m"月"d"日"...) ones
  // that Chinese Excel and WPS write without defining them.
  if ((id >= 14 && id <= 17) || (id >= 27 && id <= 31) || id == 36 || (id >= 50 && id <= 54) ||
      id == 57 || id == 58) {
    return NumberKind::kDate;
  }
  if (id == 22) return NumberKind::kDateTime;
  if ((id >= 18 && id <= 21) || (id >= 32 && id <= 35) || (id >= 45 && id <= 47) || id == 55 ||
      id == 56) {
    return NumberKind::kTime;
  }
  return NumberKind::kNumber;
}

bool starts_with_nocase(std::string_view s, std::size_t i, std::string_view word) {
  if (i + word.size() > s.size()) return false;
  for (std::size_t k = 0; k < word.size(); ++k) {
    if (std::tolower(static_cast<unsigned char>(s[i + k])) != word[k]) return false;
  }
  return true;
}

// Classifies a custom format code by its date and time tokens (y, m, d, h,
// s) outside quoted text, [brackets] and escapes. "m" is minutes right after
// an hour or right before a second token, as in Excel, and a month otherwise.
NumberKind custom_kind(std::string_view code) {
  std::string tokens;  // one letter per run: "ymd", "hms"...
  for (std::size_t i = 0; i < code.size(); ++i) {
    char c = code[i];
    if (c == '"') {
      auto close = code.find('"', i + 1);
      if (close == std::string_view::npos) break;
      i = close;
    } else if (c == '[') {
      auto close = code.find(']', i + 1);
      if (close == std::string_view::npos) break;
      i = close;
    } else if (c == '\\' || c == '_' || c == '*') {
      ++i;  // the next character is literal (or a fill / a padding width)
    } else if (starts_with_nocase(code, i, "am/pm")) {
      i += 4;
    } else if (starts_with_nocase(code, i, "a/p")) {
      i += 2;
    } else {
      char l = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      if (l == 'y' || l == 'm' || l == 'd' || l == 'h' || l == 's') {
        // A run such as "yyyy" is one token.
        if (i == 0 || std::tolower(static_cast<unsigned char>(code[i - 1])) != l) tokens += l;
      }
    }
  }
  bool date = false, time = false;
  for (std::size_t k = 0; k < tokens.size(); ++k) {
    char t = tokens[k];
    if (t == 'y' || t == 'd') {
      date = true;
    } else if (t == 'h' || t == 's') {
      time = true;
    } else if ((k > 0 && tokens[k - 1] == 'h') || (k + 1 < tokens.size() && tokens[k + 1] == 's')) {
      time = true;  // minutes
    } else {
      date = true;  // month
    }
  }
  if (date && time) return NumberKind::kDateTime;
  if (date) return NumberKind::kDate;
  if (time) return NumberKind::kTime;
  return NumberKind::kNumber;
}

std::string two(int v) {
  return std::string{static_cast<char>('0' + v / 10), static_cast<char>('0' + v % 10)};
}

std::string clock_text(long long seconds) {
  int s = static_cast<int>(seconds);
  return two(s / 3600) + ":" + two(s / 60 % 60) + ":" + two(s % 60);
}

// A date serial as text for a cell of the given kind (see the header).
core::Result<std::string> serial_text(std::string_view text, NumberKind kind, bool date1904) {
  text = trim_xml_space(text);
  double serial = 0;
  auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), serial);
  const char* range_1900 = "Excel日期序列号超出范围（应为1至2958465）";
  const char* range_1904 = "Excel日期序列号超出范围（1904日期系统，应为0至2957003）";
  const char* range = date1904 ? range_1904 : range_1900;
  if (ec != std::errc() || p != text.data() + text.size()) {
    return core::Error::invalid("日期单元格的值不是数字");
  }
  if (!std::isfinite(serial) || serial < 0 || serial >= 2958466) return core::Error::invalid(range);
  // Times are rounded to the second, as Excel shows them; a date alone is
  // the day the serial falls in.
  long long seconds = kind == NumberKind::kDate ? static_cast<long long>(std::floor(serial)) * 86400
                                                : std::llround(serial * 86400.0);
  long long days = seconds / 86400, clock = seconds % 86400;
  if (kind == NumberKind::kTime && days == 0) return clock_text(clock);
  core::Date date;
  if (date1904) {
    if (days > 2957003) return core::Error::invalid(range);
    date = core::Date::from_days(core::Date::from_ymd(1904, 1, 1).days_since_epoch() + days);
  } else {
    auto d = core::Date::from_excel_serial(static_cast<std::int64_t>(days));
    if (!d.ok()) return d.error();
    date = *d;
  }
  if (kind == NumberKind::kDate) return date.to_string();
  return date.to_string() + " " + clock_text(clock);
}

// An ISO 8601 cell (t="d"): "2025-01-26" or "2025-01-26T08:30:00[.000][Z]".
core::Result<std::string> iso_text(std::string_view text) {
  text = trim_xml_space(text);
  auto date = core::Date::parse(text.substr(0, 10));
  if (text.size() < 10 || !date.ok() || text[4] != '-') {
    return core::Error::invalid("日期单元格格式无效");
  }
  std::string_view rest = text.substr(10);
  if (rest.empty()) return date->to_string();
  auto digits = [](std::string_view s, std::size_t at) {
    return at + 2 <= s.size() && std::isdigit(static_cast<unsigned char>(s[at])) &&
           std::isdigit(static_cast<unsigned char>(s[at + 1]));
  };
  if (rest[0] != 'T' || !digits(rest, 1) || rest.size() < 6 || rest[3] != ':' || !digits(rest, 4)) {
    return core::Error::invalid("日期单元格格式无效");
  }
  std::string clock = std::string(rest.substr(1, 5)) + ":00";
  if (rest.size() >= 9 && rest[6] == ':' && digits(rest, 7)) clock = std::string(rest.substr(1, 8));
  if (clock == "00:00:00") return date->to_string();
  return date->to_string() + " " + clock;
}

// --- the archive ----------------------------------------------------------------------

struct ZipDiscard {
  void operator()(zip_t* z) const { zip_discard(z); }
};
struct ZipFileClose {
  void operator()(zip_file_t* f) const { zip_fclose(f); }
};
using ZipPtr = std::unique_ptr<zip_t, ZipDiscard>;

// Counts what every part inflates to, against the archive-wide limit.
struct Budget {
  std::uint64_t limit = 0;
  std::uint64_t declared = 0;
  std::uint64_t inflated = 0;
};

// One part of the archive, inflated in chunks.
class PartStream {
 public:
  // `cap` limits this part alone; `budget` all parts together.
  static core::Result<std::unique_ptr<PartStream>> open(zip_t* zip, zip_uint64_t index,
                                                        std::string name, std::uint64_t cap,
                                                        Budget& budget) {
    zip_stat_t st;
    zip_stat_init(&st);
    if (zip_stat_index(zip, index, 0, &st) != 0) return not_xlsx("无法读取 " + name);
    if (st.valid & ZIP_STAT_SIZE) {
      if (st.size > cap) {
        return too_large("xlsx文件中的 " + name + " 过大（" + size_text(st.size) + "），上限为 " +
                         size_text(cap));
      }
      if (st.size > budget.limit - std::min(budget.limit, budget.declared)) {
        return inflated_too_large(budget.limit);
      }
      budget.declared += st.size;
    }
    std::unique_ptr<zip_file_t, ZipFileClose> file(zip_fopen_index(zip, index, 0));
    if (!file) return not_xlsx("无法读取 " + name);
    return std::unique_ptr<PartStream>(
        new PartStream(std::move(file), std::move(name), cap, budget));
  }

  // Reads up to `n` bytes; 0 at the end of the part.
  core::Result<std::size_t> read(char* out, std::size_t n) {
    zip_int64_t got = zip_fread(file_.get(), out, n);
    if (got < 0) return not_xlsx("文件已损坏，无法读取 " + name_);
    auto count = static_cast<std::uint64_t>(got);
    read_ += count;
    budget_.inflated += count;
    if (read_ > cap_) {
      return too_large("xlsx文件中的 " + name_ + " 过大，上限为 " + size_text(cap_));
    }
    if (budget_.inflated > budget_.limit) return inflated_too_large(budget_.limit);
    return static_cast<std::size_t>(count);
  }

  const std::string& name() const { return name_; }

 private:
  PartStream(std::unique_ptr<zip_file_t, ZipFileClose> file, std::string name, std::uint64_t cap,
             Budget& budget)
      : file_(std::move(file)), name_(std::move(name)), cap_(cap), budget_(budget) {}

  std::unique_ptr<zip_file_t, ZipFileClose> file_;
  std::string name_;
  std::uint64_t cap_;
  std::uint64_t read_ = 0;
  Budget& budget_;
};

// Checks the start of a part: UTF-8 only (with or without a BOM, which is
// skipped). Returns the number of bytes to skip.
core::Result<std::size_t> check_xml_start(std::string_view head, const std::string& name) {
  if (head.substr(0, 3) == "\xEF\xBB\xBF") return std::size_t{3};
  if (head.substr(0, 2) == "\xFF\xFE" || head.substr(0, 2) == "\xFE\xFF") {
    return not_xlsx(name + " 使用了不支持的 UTF-16 编码");
  }
  return std::size_t{0};
}

// Finds the elements with one local name in a part read in chunks, and hands
// each out whole (start tag to matching end tag) so it can be parsed on its
// own. Comments, CDATA and processing instructions are skipped; a DOCTYPE
// is refused. Memory is one element plus one chunk.
class ElementScanner {
 public:
  ElementScanner(PartStream& in, std::string local, std::size_t max_element)
      : in_(in), local_(std::move(local)), max_element_(max_element) {}

  struct Element {
    char* data;
    std::size_t size;
  };

  // The next element, valid until the next call; nullopt at the end.
  core::Result<std::optional<Element>> next() {
    while (true) {
      std::size_t lt = buf_.find('<', pos_);
      if (lt == std::string::npos) {
        pos_ = buf_.size();
        if (eof_) return std::optional<Element>{};
        if (auto s = fill(kChunk); !s.ok()) return s.error();
        continue;
      }
      Markup m = scan(lt);
      if (m.kind == Markup::kError) return m.error;
      if (m.kind == Markup::kNeedMore) {
        if (auto s = more(lt); !s.ok()) return s.error();
        continue;
      }
      if (m.kind != Markup::kStart || local_name(m.name) != local_) {
        pos_ = m.end;
        continue;
      }
      if (m.self_closing) {
        pos_ = m.end;
        return std::optional(Element{buf_.data() + lt, m.end - lt});
      }
      // Find the matching end tag.
      std::size_t p = m.end;
      int depth = 0;
      bool complete = false;
      while (true) {
        std::size_t q = buf_.find('<', p);
        if (q == std::string::npos) break;
        Markup inner = scan(q);
        if (inner.kind == Markup::kError) return inner.error;
        if (inner.kind == Markup::kNeedMore) break;
        bool same = (inner.kind == Markup::kStart || inner.kind == Markup::kEnd) &&
                    local_name(inner.name) == local_;
        p = inner.end;
        if (same && inner.kind == Markup::kStart && !inner.self_closing) ++depth;
        if (same && inner.kind == Markup::kEnd && depth-- == 0) {
          complete = true;
          break;
        }
      }
      if (complete) {
        if (p - lt > max_element_) return element_too_large();
        pos_ = p;
        return std::optional(Element{buf_.data() + lt, p - lt});
      }
      if (auto s = more(lt); !s.ok()) return s.error();
    }
  }

 private:
  struct Markup {
    enum Kind { kNeedMore, kError, kOther, kStart, kEnd } kind = kNeedMore;
    std::size_t end = 0;  // just past the markup
    std::string_view name;
    bool self_closing = false;
    core::Error error;
  };

  // Classifies the markup at buf_[i] == '<'.
  Markup scan(std::size_t i) const {
    Markup m;
    std::string_view rest(buf_.data() + i, buf_.size() - i);
    auto skip_to = [&](std::string_view close, std::size_t from) {
      auto at = rest.find(close, from);
      if (at != std::string_view::npos) {
        m.kind = Markup::kOther;
        m.end = i + at + close.size();
      }
      return m;
    };
    if (rest.size() < 2) return m;
    if (rest[1] == '?') return skip_to("?>", 2);
    if (rest[1] == '!') {
      if (rest.size() < 9) return m;
      if (rest.substr(0, 4) == "<!--") return skip_to("-->", 4);
      if (rest.substr(0, 9) == "<![CDATA[") return skip_to("]]>", 9);
      m.kind = Markup::kError;
      m.error = not_xlsx(in_.name() + " 含有不支持的 DTD 声明");
      return m;
    }
    std::size_t p = 1;
    bool end_tag = rest[1] == '/';
    if (end_tag) ++p;
    std::size_t name_start = p;
    while (p < rest.size() && !is_xml_space(rest[p]) && rest[p] != '/' && rest[p] != '>') ++p;
    if (p == rest.size()) return m;
    m.name = rest.substr(name_start, p - name_start);
    char quote = 0;
    for (; p < rest.size(); ++p) {
      char c = rest[p];
      if (quote) {
        if (c == quote) quote = 0;
      } else if (c == '"' || c == '\'') {
        quote = c;
      } else if (c == '>') {
        m.kind = end_tag ? Markup::kEnd : Markup::kStart;
        m.self_closing = !end_tag && rest[p - 1] == '/';
        m.end = i + p + 1;
        return m;
      }
    }
    return m;  // need more
  }

  // The markup or element starting at `keep` is incomplete: drop what lies
  // before it and read at least as much again as is buffered, so that a long
  // element is rescanned only a logarithmic number of times.
  core::Status more(std::size_t keep) {
    if (eof_) return not_xlsx(in_.name() + " 的XML不完整");
    if (buf_.size() - keep > max_element_) return element_too_large();
    buf_.erase(0, keep);
    pos_ = 0;
    return fill(std::max(kChunk, buf_.size()));
  }

  core::Error element_too_large() const {
    return too_large("xlsx文件中的单个 <" + local_ + "> 元素超过 " + size_text(max_element_) +
                     " 上限");
  }

  core::Status fill(std::size_t want) {
    std::size_t old = buf_.size();
    buf_.resize(old + want);
    auto got = in_.read(buf_.data() + old, want);
    if (!got.ok()) return got.error();
    buf_.resize(old + *got);
    if (*got == 0) eof_ = true;
    if (first_ && buf_.size() >= 3) {
      first_ = false;
      auto skip = check_xml_start(buf_, in_.name());
      if (!skip.ok()) return skip.error();
      pos_ = std::max(pos_, *skip);
    }
    return {};
  }

  PartStream& in_;
  std::string local_;
  std::size_t max_element_;
  std::string buf_;
  std::size_t pos_ = 0;
  bool eof_ = false;
  bool first_ = true;
};

// Resolves a relationship target against the folder of its source part:
// ("xl", "worksheets/sheet1.xml") -> "xl/worksheets/sheet1.xml"; an
// absolute target ("/xl/...") is taken from the root.
std::string resolve_target(const std::string& base_dir, std::string_view target) {
  std::string joined = !target.empty() && target[0] == '/'
                           ? std::string(target.substr(1))
                           : (base_dir.empty() ? "" : base_dir + "/") + std::string(target);
  std::vector<std::string> parts;
  std::size_t start = 0;
  while (start <= joined.size()) {
    auto slash = joined.find('/', start);
    if (slash == std::string::npos) slash = joined.size();
    std::string seg = joined.substr(start, slash - start);
    if (seg == "..") {
      if (!parts.empty()) parts.pop_back();
    } else if (!seg.empty() && seg != ".") {
      parts.push_back(seg);
    }
    start = slash + 1;
  }
  std::string out;
  for (const auto& seg : parts) out += (out.empty() ? "" : "/") + seg;
  return out;
}

std::string dir_of(const std::string& part) {
  auto slash = part.rfind('/');
  return slash == std::string::npos ? "" : part.substr(0, slash);
}

// "xl/workbook.xml" -> "xl/_rels/workbook.xml.rels"; "" -> "_rels/.rels".
std::string rels_of(const std::string& part) {
  auto slash = part.rfind('/');
  if (slash == std::string::npos) return "_rels/" + part + ".rels";
  return part.substr(0, slash) + "/_rels/" + part.substr(slash + 1) + ".rels";
}

struct Relationship {
  std::string type;    // full URI
  std::string target;  // resolved part name
  bool external = false;
};

bool type_is(const Relationship& rel, std::string_view last) {
  std::string_view type = rel.type;
  return type.size() > last.size() && type.substr(type.size() - last.size()) == last &&
         type[type.size() - last.size() - 1] == '/';
}

}  // namespace

// --- the reader -------------------------------------------------------------------------

struct XlsxReader::Impl {
  std::string bytes;  // the archive, when opened from memory
  ZipPtr zip;
  XlsxLimits limits;
  Budget budget;
  std::string sheet_name;
  bool date1904 = false;
  // The shared strings, back to back in one buffer: string k ends at
  // shared_end[k] (a million short strings cost their text and 8 bytes each).
  std::string shared_text;
  std::vector<std::uint64_t> shared_end;
  std::vector<NumberKind> styles;  // by cellXfs index
  std::unique_ptr<PartStream> sheet;
  std::unique_ptr<ElementScanner> rows;
  pugi::xml_document doc;
  std::size_t last_row = 0;
  bool done = false;
  std::optional<core::Error> failed;  // next() keeps returning the first error

  std::optional<zip_uint64_t> locate(const std::string& name) const {
    zip_int64_t i = zip_name_locate(zip.get(), name.c_str(), ZIP_FL_NOCASE);
    if (i < 0) return std::nullopt;
    return static_cast<zip_uint64_t>(i);
  }

  // A part read whole and parsed, or nullopt when the archive lacks it.
  core::Result<std::optional<std::string>> read_part(const std::string& name) {
    auto index = locate(name);
    if (!index) return std::optional<std::string>{};
    auto stream = PartStream::open(zip.get(), *index, name, limits.max_part_bytes, budget);
    if (!stream.ok()) return stream.error();
    std::string text;
    while (true) {
      std::size_t old = text.size();
      text.resize(old + kChunk);
      auto got = (*stream)->read(text.data() + old, kChunk);
      if (!got.ok()) return got.error();
      text.resize(old + *got);
      if (*got == 0) break;
    }
    auto skip = check_xml_start(text, name);
    if (!skip.ok()) return skip.error();
    text.erase(0, *skip);
    return std::optional(std::move(text));
  }

  core::Result<bool> parse_part(const std::string& name, pugi::xml_document& into) {
    auto text = read_part(name);
    if (!text.ok()) return text.error();
    if (!text->has_value()) return false;
    auto parsed =
        into.load_buffer((*text)->data(), (*text)->size(),
                         pugi::parse_default | pugi::parse_ws_pcdata_single, pugi::encoding_utf8);
    if (!parsed) return not_xlsx(name + " 的XML格式错误");
    return true;
  }

  // The relationships of `part`, by id.
  core::Result<std::unordered_map<std::string, Relationship>> relationships(
      const std::string& part) {
    pugi::xml_document doc;
    auto found = parse_part(rels_of(part), doc);
    if (!found.ok()) return found.error();
    std::unordered_map<std::string, Relationship> out;
    if (!*found) return out;
    for (pugi::xml_node rel : doc.document_element().children()) {
      if (!named(rel, "Relationship")) continue;
      Relationship r;
      r.type = rel.attribute("Type").value();
      r.external = std::string_view(rel.attribute("TargetMode").value()) == "External";
      r.target = resolve_target(dir_of(part), rel.attribute("Target").value());
      out.emplace(rel.attribute("Id").value(), std::move(r));
    }
    return out;
  }

  core::Status open() {
    // The workbook: named by the package relationships, else the usual place.
    std::string workbook = "xl/workbook.xml";
    auto root_rels = relationships("");
    if (!root_rels.ok()) return root_rels.error();
    for (const auto& [id, rel] : *root_rels) {
      if (type_is(rel, "officeDocument") && !rel.external) workbook = rel.target;
    }
    pugi::xml_document wb;
    auto found = parse_part(workbook, wb);
    if (!found.ok()) return found.error();
    if (!*found) return not_xlsx("缺少工作簿 " + workbook);
    if (!locate(rels_of(workbook))) return not_xlsx("缺少 " + rels_of(workbook));
    auto rels = relationships(workbook);
    if (!rels.ok()) return rels.error();
    pugi::xml_node root = wb.document_element();
    if (!named(root, "workbook")) return not_xlsx(workbook + " 不是工作簿");
    date1904 = is_true(attribute(child(root, "workbookPr"), "date1904").value());

    // The first worksheet in workbook order (chart sheets are skipped), the
    // first visible one when the first is hidden.
    std::string sheet_part, hidden_part, hidden_name;
    for (pugi::xml_node s : child(root, "sheets").children()) {
      if (!named(s, "sheet")) continue;
      auto rel = rels->find(attribute(s, "id", true).value());
      if (rel == rels->end() || rel->second.external || !type_is(rel->second, "worksheet")) {
        continue;
      }
      std::string_view state = s.attribute("state").value();
      if (state == "hidden" || state == "veryHidden") {
        if (hidden_part.empty()) {
          hidden_part = rel->second.target;
          hidden_name = s.attribute("name").value();
        }
        continue;
      }
      sheet_part = rel->second.target;
      sheet_name = s.attribute("name").value();
      break;
    }
    if (sheet_part.empty()) {
      sheet_part = hidden_part;
      sheet_name = hidden_name;
    }
    if (sheet_part.empty()) return core::Error::invalid("xlsx文件中没有工作表", "file");
    auto sheet_index = locate(sheet_part);
    if (!sheet_index) return not_xlsx("缺少工作表 " + sheet_part);

    std::string strings_part, styles_part;
    for (const auto& [id, rel] : *rels) {
      if (rel.external) continue;
      if (type_is(rel, "sharedStrings")) strings_part = rel.target;
      if (type_is(rel, "styles")) styles_part = rel.target;
    }
    if (strings_part.empty()) strings_part = resolve_target(dir_of(workbook), "sharedStrings.xml");
    if (styles_part.empty()) styles_part = resolve_target(dir_of(workbook), "styles.xml");
    if (auto s = load_styles(styles_part); !s.ok()) return s;
    if (auto s = load_shared_strings(strings_part); !s.ok()) return s;

    auto stream = PartStream::open(zip.get(), *sheet_index, sheet_part,
                                   limits.max_uncompressed_bytes, budget);
    if (!stream.ok()) return stream.error();
    sheet = std::move(*stream);
    rows = std::make_unique<ElementScanner>(*sheet, "row", limits.max_row_bytes);
    return {};
  }

  core::Status load_styles(const std::string& part) {
    pugi::xml_document doc;
    auto found = parse_part(part, doc);
    if (!found.ok()) return found.error();
    if (!*found) return {};
    pugi::xml_node root = doc.document_element();
    std::unordered_map<std::uint64_t, NumberKind> custom;
    for (pugi::xml_node f : child(root, "numFmts").children()) {
      std::uint64_t id;
      if (named(f, "numFmt") && parse_uint(f.attribute("numFmtId").value(), id)) {
        custom[id] = custom_kind(f.attribute("formatCode").value());
      }
    }
    for (pugi::xml_node xf : child(root, "cellXfs").children()) {
      if (!named(xf, "xf")) continue;
      std::uint64_t id = 0;
      parse_uint(xf.attribute("numFmtId").value(), id);
      auto it = custom.find(id);
      styles.push_back(it != custom.end() ? it->second : builtin_kind(id));
    }
    return {};
  }

  core::Status load_shared_strings(const std::string& part) {
    auto index = locate(part);
    if (!index) return {};
    auto stream =
        PartStream::open(zip.get(), *index, part, limits.max_shared_strings_bytes, budget);
    if (!stream.ok()) return stream.error();
    ElementScanner items(**stream, "si", limits.max_row_bytes);
    while (true) {
      auto item = items.next();
      if (!item.ok()) return item.error();
      if (!item->has_value()) break;
      auto parsed = doc.load_buffer_inplace((*item)->data, (*item)->size,
                                            pugi::parse_default | pugi::parse_ws_pcdata_single,
                                            pugi::encoding_utf8);
      if (!parsed) return not_xlsx(part + " 的XML格式错误");
      std::string text = string_item(doc.document_element());
      if (!is_valid_utf8(text)) return not_xlsx("共享字符串不是有效的 UTF-8 文本");
      // Many tiny items must not cost more memory than the part's limit.
      if (shared_text.size() + text.size() + 8 * (shared_end.size() + 1) >
          limits.max_shared_strings_bytes) {
        return too_large("xlsx文件中的共享字符串超过 " +
                         size_text(limits.max_shared_strings_bytes) + " 上限");
      }
      shared_text += text;
      shared_end.push_back(shared_text.size());
    }
    doc.reset();
    return {};
  }

  NumberKind style_kind(const pugi::xml_node& c) const {
    std::uint64_t s = 0;
    if (!parse_uint(c.attribute("s").value(), s) || s >= styles.size()) return NumberKind::kNumber;
    return styles[s];
  }

  core::Result<std::optional<XlsxRow>> next() {
    if (failed) return *failed;
    auto row = next_row();
    if (!row.ok()) failed = row.error();
    return row;
  }

  core::Result<std::optional<XlsxRow>> next_row() {
    if (done) return std::optional<XlsxRow>{};
    auto element = rows->next();
    auto near = [&](const core::Error& e) {
      return core::Error{e.code, "第" + std::to_string(last_row + 1) + "行附近：" + e.message,
                         e.field};
    };
    if (!element.ok()) return near(element.error());
    if (!element->has_value()) {
      done = true;
      return std::optional<XlsxRow>{};
    }
    auto parsed = doc.load_buffer_inplace((*element)->data, (*element)->size,
                                          pugi::parse_default | pugi::parse_ws_pcdata_single,
                                          pugi::encoding_utf8);
    if (!parsed) return near(not_xlsx("工作表的XML格式错误"));
    pugi::xml_node row = doc.document_element();

    XlsxRow out;
    pugi::xml_attribute r = row.attribute("r");
    std::uint64_t number = last_row + 1;
    if (r && (!parse_uint(r.value(), number) || number < 1 || number > kMaxSheetRows)) {
      return near(not_xlsx(std::string("工作表行号无效：") + r.value()));
    }
    out.number = static_cast<std::size_t>(number);
    last_row = out.number;
    const std::string at = "第" + std::to_string(out.number) + "行：";

    std::size_t column = 0;  // of the next cell without a reference
    for (pugi::xml_node c : row.children()) {
      if (!named(c, "c")) continue;
      if (pugi::xml_attribute ref = c.attribute("r")) {
        std::string_view text = ref.value();
        std::size_t letters = 0, index = 0;
        while (letters < text.size() && std::isalpha(static_cast<unsigned char>(text[letters]))) {
          index =
              index * 26 + static_cast<std::size_t>(
                               std::toupper(static_cast<unsigned char>(text[letters])) - 'A' + 1);
          if (++letters > 7) break;  // far beyond any column limit; stop before overflow
        }
        if (letters == 0 || letters > 7) {
          return core::Error::invalid(at + "单元格位置无效：" + std::string(text), "file");
        }
        column = index - 1;
      }
      if (column >= limits.max_columns) {
        return core::Error::invalid(
            at + "列数超过上限（" + std::to_string(limits.max_columns) + "列）", "file");
      }
      std::string value;
      std::string_view type = c.attribute("t").value();
      pugi::xml_node v = child(c, "v");
      std::string_view vtext = v.child_value();
      auto issue = [&](std::string raw, std::string reason) {
        out.issues.push_back({column, std::move(raw), std::move(reason)});
      };
      if (type == "s") {
        std::uint64_t k;
        if (!v) {
          // no value: an empty cell
        } else if (!parse_uint(vtext, k) || k >= shared_end.size()) {
          return core::Error::invalid(at + "共享字符串编号无效：" + std::string(vtext), "file");
        } else {
          std::uint64_t begin = k == 0 ? 0 : shared_end[k - 1];
          value = shared_text.substr(begin, shared_end[k] - begin);
        }
      } else if (type == "inlineStr") {
        pugi::xml_node is = child(c, "is");
        value = is ? string_item(is) : decode_escapes(vtext);
      } else if (type == "str") {
        value = decode_escapes(vtext);
      } else if (type == "b") {
        std::string_view b = trim_xml_space(vtext);
        value = b == "1" ? "true" : b == "0" ? "false" : std::string(b);
      } else if (type == "e") {
        issue(std::string(trim_xml_space(vtext)),
              "单元格为公式错误值：" + std::string(trim_xml_space(vtext)));
      } else if (type == "d") {
        if (v) {
          auto iso = iso_text(vtext);
          if (iso.ok()) {
            value = *iso;
          } else {
            issue(std::string(trim_xml_space(vtext)), iso.error().message);
          }
        }
      } else if (type.empty() || type == "n") {
        NumberKind kind = style_kind(c);
        if (!v) {
          // an empty, perhaps formatted, cell
        } else if (kind != NumberKind::kNumber && plain_decimal(vtext)) {
          auto date = serial_text(vtext, kind, date1904);
          if (date.ok()) {
            value = *date;
          } else {
            issue(std::string(trim_xml_space(vtext)), date.error().message);
          }
        } else {
          auto number = plain_decimal(vtext);
          value = number ? *number : std::string(trim_xml_space(vtext));
        }
      } else {
        value = std::string(vtext);
      }
      if (!is_valid_utf8(value)) {
        return core::Error::invalid(
            at + "单元格 " + column_letters(column) + " 不是有效的 UTF-8 文本", "file");
      }
      if (!value.empty()) {
        if (out.cells.size() <= column) out.cells.resize(column + 1);
        out.cells[column] = std::move(value);
      }
      ++column;
    }
    return std::optional(std::move(out));
  }
};

XlsxReader::XlsxReader(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
XlsxReader::XlsxReader(XlsxReader&&) noexcept = default;
XlsxReader& XlsxReader::operator=(XlsxReader&&) noexcept = default;
XlsxReader::~XlsxReader() = default;

core::Result<XlsxReader> XlsxReader::open_file(const std::string& path, const XlsxLimits& limits) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec)) {
    return core::Error::not_found("找不到文件：" + path);
  }
  auto size = std::filesystem::file_size(path, ec);
  if (ec) return core::Error::not_found("找不到文件：" + path);
  if (size > limits.max_file_bytes) {
    return too_large("文件过大（" + size_text(size) + "），上限为 " +
                     size_text(limits.max_file_bytes));
  }
  auto impl = std::make_unique<Impl>();
  impl->limits = limits;
  impl->budget.limit = limits.max_uncompressed_bytes;
  int err = 0;
  impl->zip.reset(zip_open(path.c_str(), ZIP_RDONLY, &err));
  if (!impl->zip) {
    if (err == ZIP_ER_OPEN || err == ZIP_ER_READ) {
      return core::Error::not_found("无法打开文件：" + path);
    }
    return not_xlsx();
  }
  if (auto s = impl->open(); !s.ok()) return s.error();
  return XlsxReader(std::move(impl));
}

core::Result<XlsxReader> XlsxReader::open_bytes(std::string bytes, const XlsxLimits& limits) {
  if (bytes.size() > limits.max_file_bytes) {
    return too_large("文件过大（" + size_text(bytes.size()) + "），上限为 " +
                     size_text(limits.max_file_bytes));
  }
  auto impl = std::make_unique<Impl>();
  impl->limits = limits;
  impl->budget.limit = limits.max_uncompressed_bytes;
  impl->bytes = std::move(bytes);
  zip_error_t error;
  zip_error_init(&error);
  zip_source_t* source =
      zip_source_buffer_create(impl->bytes.data(), impl->bytes.size(), 0, &error);
  if (!source) {
    zip_error_fini(&error);
    return core::Error::internal();
  }
  impl->zip.reset(zip_open_from_source(source, ZIP_RDONLY, &error));
  zip_error_fini(&error);
  if (!impl->zip) {
    zip_source_free(source);
    return not_xlsx();
  }
  if (auto s = impl->open(); !s.ok()) return s.error();
  return XlsxReader(std::move(impl));
}

core::Result<std::optional<XlsxRow>> XlsxReader::next() {
  return impl_->next();
}

const std::string& XlsxReader::sheet_name() const {
  return impl_->sheet_name;
}
bool XlsxReader::date1904() const {
  return impl_->date1904;
}

std::string column_letters(std::size_t index) {
  std::string out;
  for (std::size_t n = index + 1; n > 0; n = (n - 1) / 26) {
    out.insert(out.begin(), static_cast<char>('A' + (n - 1) % 26));
  }
  return out;
}

bool looks_like_zip(std::string_view head) {
  return head.substr(0, 4) == "PK\x03\x04";
}

}  // namespace mingjing::imports
