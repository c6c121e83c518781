// The lexer of the expression language: source text to tokens.
#include <string>
#include <string_view>
#include <vector>

#include "core/text.h"
#include "rules/expr_internal.h"

namespace mingjing::rules::expr_detail {
namespace {

bool is_digit(char c) {
  return c >= '0' && c <= '9';
}
bool is_ident_start(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}
bool is_ident_char(char c) {
  return is_ident_start(c) || is_digit(c);
}

// The UTF-8 character starting at `i` (one byte if malformed).
std::string_view char_at(std::string_view s, std::size_t i) {
  auto rest = s.substr(i);
  auto pieces = core::split_utf8(rest.substr(0, std::min<std::size_t>(rest.size(), 4)));
  return pieces.empty() ? rest.substr(0, 1) : pieces.front();
}

// Blanks between tokens: ASCII whitespace and the ideographic space U+3000,
// which Chinese input methods type.
std::size_t blank_length(std::string_view s, std::size_t i) {
  char c = s[i];
  if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v') return 1;
  if (s.substr(i, 3) == "\xE3\x80\x80") return 3;
  return 0;
}

Tok keyword(std::string_view word) {
  if (word == "and") return Tok::kw_and;
  if (word == "or") return Tok::kw_or;
  if (word == "not") return Tok::kw_not;
  if (word == "in") return Tok::kw_in;
  if (word == "between") return Tok::kw_between;
  if (word == "true") return Tok::kw_true;
  if (word == "false") return Tok::kw_false;
  return Tok::identifier;
}

[[noreturn]] void fail(std::string message, std::size_t offset) {
  throw CompileFailure{std::move(message), offset};
}

Token number(std::string_view s, std::size_t& i) {
  std::size_t start = i;
  while (i < s.size() && is_digit(s[i])) ++i;
  bool decimal = false;
  if (i + 1 < s.size() && s[i] == '.' && is_digit(s[i + 1])) {
    decimal = true;
    ++i;
    while (i < s.size() && is_digit(s[i])) ++i;
  }
  if (i < s.size() && (is_ident_char(s[i]) || s[i] == '.')) {
    std::size_t end = i;
    while (end < s.size() && (is_ident_char(s[end]) || s[end] == '.')) ++end;
    fail("无法识别的数字：" + std::string(s.substr(start, end - start)), start);
  }
  Token token{decimal ? Tok::decimal : Tok::integer, start, i - start,
              std::string(s.substr(start, i - start))};
  return token;
}

Token string_literal(std::string_view s, std::size_t& i) {
  std::size_t start = i;
  char quote = s[i++];
  std::string value;
  while (true) {
    if (i >= s.size())
      fail("字符串缺少结束引号：" + core::shorten_for_message(s.substr(start), 20), start);
    char c = s[i];
    if (c == quote) {
      ++i;
      break;
    }
    if (c == '\\') {
      if (i + 1 >= s.size())
        fail("字符串缺少结束引号：" + core::shorten_for_message(s.substr(start), 20), start);
      char e = s[i + 1];
      switch (e) {
        case '\\':
          value += '\\';
          break;
        case '\'':
          value += '\'';
          break;
        case '"':
          value += '"';
          break;
        case 'n':
          value += '\n';
          break;
        case 't':
          value += '\t';
          break;
        default:
          fail("不支持的转义：\\" + std::string(char_at(s, i + 1)), i);
      }
      i += 2;
      continue;
    }
    value += c;
    ++i;
  }
  return Token{Tok::text, start, i - start, std::move(value)};
}

}  // namespace

std::vector<Token> lex(std::string_view s) {
  std::vector<Token> tokens;
  std::size_t i = 0;
  while (true) {
    while (i < s.size()) {
      std::size_t blank = blank_length(s, i);
      if (blank == 0) break;
      i += blank;
    }
    if (i >= s.size()) {
      tokens.push_back(Token{Tok::end, s.size(), 0, {}});
      return tokens;
    }
    char c = s[i];
    std::size_t start = i;
    if (is_digit(c)) {
      tokens.push_back(number(s, i));
      continue;
    }
    if (is_ident_start(c)) {
      while (i < s.size() && is_ident_char(s[i])) ++i;
      std::string_view word = s.substr(start, i - start);
      tokens.push_back(Token{keyword(word), start, i - start, std::string(word)});
      continue;
    }
    if (c == '\'' || c == '"') {
      tokens.push_back(string_literal(s, i));
      continue;
    }
    auto two = s.substr(i, 2);
    Tok kind = Tok::end;
    std::size_t length = 2;
    if (two == "==")
      kind = Tok::eq;
    else if (two == "!=")
      kind = Tok::ne;
    else if (two == "<=")
      kind = Tok::le;
    else if (two == ">=")
      kind = Tok::ge;
    else if (two == "&&")
      kind = Tok::kw_and;
    else if (two == "||")
      kind = Tok::kw_or;
    else {
      length = 1;
      switch (c) {
        case '(':
          kind = Tok::lparen;
          break;
        case ')':
          kind = Tok::rparen;
          break;
        case '[':
          kind = Tok::lbracket;
          break;
        case ']':
          kind = Tok::rbracket;
          break;
        case ',':
          kind = Tok::comma;
          break;
        case '.':
          kind = Tok::dot;
          break;
        case '?':
          kind = Tok::question;
          break;
        case ':':
          kind = Tok::colon;
          break;
        case '+':
          kind = Tok::plus;
          break;
        case '-':
          kind = Tok::minus;
          break;
        case '*':
          kind = Tok::star;
          break;
        case '/':
          kind = Tok::slash;
          break;
        case '%':
          kind = Tok::percent;
          break;
        case '<':
          kind = Tok::lt;
          break;
        case '>':
          kind = Tok::gt;
          break;
        case '!':
          kind = Tok::kw_not;
          break;
        case '=':
          fail("单个 '=' 不是运算符：比较相等请用 '=='", start);
        case '&':
          fail("单个 '&' 不是运算符：并且请用 'and' 或 '&&'", start);
        case '|':
          fail("单个 '|' 不是运算符：或者请用 'or' 或 '||'", start);
        default:
          fail("无法识别的字符：'" + std::string(char_at(s, i)) + "'", start);
      }
    }
    tokens.push_back(Token{kind, start, length, std::string(s.substr(start, length))});
    i += length;
  }
}

}  // namespace mingjing::rules::expr_detail
