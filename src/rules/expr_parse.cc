// The parser of the expression language: tokens to a syntax tree, by
// recursive descent. Precedence, lowest first (docs/rules-language.md):
//   ?:   or ||   and &&   not !   comparisons (== != < <= > >= in, not in,
//   between)   + -   * / %   unary -   calls, names, literals, ( )
#include <cctype>
#include <charconv>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "core/text.h"
#include "rules/expr_internal.h"

namespace mingjing::rules::expr_detail {
namespace {

// Deeper nesting is refused, so that neither the parser nor the evaluator
// can run out of stack.
constexpr int kMaxDepth = 200;

class Parser {
 public:
  Parser(std::string_view source, std::vector<Token> tokens)
      : source_(source), tokens_(std::move(tokens)) {}

  Ast parse_all() {
    if (peek().kind == Tok::end) fail("表达式为空", peek().offset);
    Ast ast = conditional();
    if (peek().kind != Tok::end) unexpected(peek());
    return ast;
  }

 private:
  const Token& peek(std::size_t ahead = 0) const {
    std::size_t i = std::min(pos_ + ahead, tokens_.size() - 1);
    return tokens_[i];
  }
  const Token& next() {
    const Token& token = tokens_[pos_];
    if (pos_ + 1 < tokens_.size()) ++pos_;
    return token;
  }
  bool accept(Tok kind) {
    if (peek().kind != kind) return false;
    next();
    return true;
  }

  [[noreturn]] static void fail(std::string message, std::size_t offset) {
    throw CompileFailure{std::move(message), offset};
  }
  std::string quote(const Token& token) const {
    return "'" + core::shorten_for_message(source_.substr(token.offset, token.length), 20) + "'";
  }
  [[noreturn]] void unexpected(const Token& token) const {
    if (token.kind == Tok::end) fail("语法错误：表达式不完整", token.offset);
    fail("语法错误：此处不应出现 " + quote(token), token.offset);
  }
  void expect(Tok kind, std::string_view what) {
    if (peek().kind == kind) {
      next();
      return;
    }
    const Token& token = peek();
    if (token.kind == Tok::end) fail("语法错误：缺少 '" + std::string(what) + "'", token.offset);
    fail("语法错误：应为 '" + std::string(what) + "'，实际是 " + quote(token), token.offset);
  }

  struct Deeper {
    explicit Deeper(Parser& parser) : parser_(parser) {
      if (++parser_.depth_ > kMaxDepth) {
        fail("表达式嵌套过深（超过 " + std::to_string(kMaxDepth) + " 层）", parser_.peek().offset);
      }
    }
    ~Deeper() { --parser_.depth_; }
    Parser& parser_;
  };
  // A chain `a and b and c` nests to the left: each link is one level.
  struct ChainDepth {
    explicit ChainDepth(Parser& parser) : parser_(parser), saved_(parser.depth_) {}
    void deeper() {
      if (++parser_.depth_ > kMaxDepth) {
        fail("表达式嵌套过深（超过 " + std::to_string(kMaxDepth) + " 层）", parser_.peek().offset);
      }
    }
    ~ChainDepth() { parser_.depth_ = saved_; }
    Parser& parser_;
    int saved_;
  };

  static Ast node(AstKind kind, std::size_t offset) {
    Ast ast;
    ast.kind = kind;
    ast.offset = offset;
    return ast;
  }
  static Ast binary(BinOp op, std::size_t offset, Ast left, Ast right) {
    Ast ast = node(AstKind::binary, offset);
    ast.op = op;
    ast.kids.push_back(std::move(left));
    ast.kids.push_back(std::move(right));
    return ast;
  }

  Ast conditional() {
    Deeper guard(*this);
    Ast condition = logical_or();
    if (peek().kind != Tok::question) return condition;
    std::size_t offset = next().offset;
    Ast when_true = conditional();
    expect(Tok::colon, ":");
    Ast when_false = conditional();
    Ast ast = node(AstKind::cond, offset);
    ast.kids.push_back(std::move(condition));
    ast.kids.push_back(std::move(when_true));
    ast.kids.push_back(std::move(when_false));
    return ast;
  }

  Ast logical_or() {
    Ast left = logical_and();
    ChainDepth chain(*this);
    while (peek().kind == Tok::kw_or) {
      chain.deeper();
      std::size_t offset = next().offset;
      left = binary(BinOp::logical_or, offset, std::move(left), logical_and());
    }
    return left;
  }

  Ast logical_and() {
    Ast left = logical_not();
    ChainDepth chain(*this);
    while (peek().kind == Tok::kw_and) {
      chain.deeper();
      std::size_t offset = next().offset;
      left = binary(BinOp::logical_and, offset, std::move(left), logical_not());
    }
    return left;
  }

  Ast logical_not() {
    if (peek().kind != Tok::kw_not) return comparison();
    Deeper guard(*this);
    std::size_t offset = next().offset;
    Ast ast = node(AstKind::logical_not, offset);
    ast.kids.push_back(logical_not());
    return ast;
  }

  static bool is_comparison(Tok kind) {
    switch (kind) {
      case Tok::eq:
      case Tok::ne:
      case Tok::lt:
      case Tok::le:
      case Tok::gt:
      case Tok::ge:
      case Tok::kw_in:
      case Tok::kw_between:
        return true;
      default:
        return false;
    }
  }
  bool at_comparison() const {
    return is_comparison(peek().kind) ||
           (peek().kind == Tok::kw_not &&
            (peek(1).kind == Tok::kw_in || peek(1).kind == Tok::kw_between));
  }

  Ast comparison() {
    Ast left = additive();
    if (!at_comparison()) return left;
    Deeper guard(*this);
    bool negated = accept(Tok::kw_not);
    const Token& op = next();
    Ast ast;
    switch (op.kind) {
      case Tok::kw_in:
        ast = node(AstKind::in, op.offset);
        ast.kids.push_back(std::move(left));
        ast.kids.push_back(additive());
        break;
      case Tok::kw_between:
        ast = node(AstKind::between, op.offset);
        ast.kids.push_back(std::move(left));
        ast.kids.push_back(additive());
        expect(Tok::kw_and, "and");
        ast.kids.push_back(additive());
        break;
      default: {
        BinOp bin = op.kind == Tok::eq   ? BinOp::eq
                    : op.kind == Tok::ne ? BinOp::ne
                    : op.kind == Tok::lt ? BinOp::lt
                    : op.kind == Tok::le ? BinOp::le
                    : op.kind == Tok::gt ? BinOp::gt
                                         : BinOp::ge;
        ast = binary(bin, op.offset, std::move(left), additive());
      }
    }
    ast.negated = negated;
    if (at_comparison()) {
      fail("比较不能连写：" + quote(peek()) + " 前面已有比较，请用 and 连接（如 a < b and b < c）",
           peek().offset);
    }
    return ast;
  }

  Ast additive() {
    Ast left = multiplicative();
    ChainDepth chain(*this);
    while (peek().kind == Tok::plus || peek().kind == Tok::minus) {
      chain.deeper();
      const Token& op = next();
      BinOp bin = op.kind == Tok::plus ? BinOp::add : BinOp::sub;
      left = binary(bin, op.offset, std::move(left), multiplicative());
    }
    return left;
  }

  Ast multiplicative() {
    Ast left = unary();
    ChainDepth chain(*this);
    while (peek().kind == Tok::star || peek().kind == Tok::slash || peek().kind == Tok::percent) {
      chain.deeper();
      const Token& op = next();
      BinOp bin = op.kind == Tok::star    ? BinOp::mul
                  : op.kind == Tok::slash ? BinOp::div
                                          : BinOp::mod;
      left = binary(bin, op.offset, std::move(left), unary());
    }
    return left;
  }

  Ast unary() {
    if (peek().kind != Tok::minus) return primary();
    Deeper guard(*this);
    std::size_t offset = next().offset;
    Ast ast = node(AstKind::negate, offset);
    ast.kids.push_back(unary());
    return ast;
  }

  Ast primary() {
    const Token& token = peek();
    switch (token.kind) {
      case Tok::integer: {
        next();
        Ast ast = node(AstKind::integer, token.offset);
        ast.text = token.text;
        auto [end, error] =
            std::from_chars(token.text.data(), token.text.data() + token.text.size(), ast.integer);
        if (error != std::errc() || end != token.text.data() + token.text.size()) {
          fail("整数太大：" + core::shorten_for_message(token.text, 30), token.offset);
        }
        ast.decimal = static_cast<double>(ast.integer);
        return ast;
      }
      case Tok::decimal: {
        next();
        Ast ast = node(AstKind::decimal, token.offset);
        ast.text = token.text;
        ast.decimal = std::strtod(token.text.c_str(), nullptr);
        return ast;
      }
      case Tok::text: {
        next();
        Ast ast = node(AstKind::text, token.offset);
        ast.text = token.text;
        return ast;
      }
      case Tok::kw_true:
      case Tok::kw_false: {
        next();
        Ast ast = node(AstKind::boolean, token.offset);
        ast.integer = token.kind == Tok::kw_true ? 1 : 0;
        return ast;
      }
      case Tok::lparen: {
        next();
        Ast inner = conditional();
        expect(Tok::rparen, ")");
        return inner;
      }
      case Tok::lbracket:
        return list();
      case Tok::identifier:
        return name_or_call();
      default:
        unexpected(token);
    }
  }

  Ast list() {
    Ast ast = node(AstKind::list, next().offset);
    if (accept(Tok::rbracket)) return ast;  // the checker refuses it with a clear message
    while (true) {
      ast.kids.push_back(conditional());
      if (accept(Tok::rbracket)) return ast;
      expect(Tok::comma, ",");
    }
  }

  Ast name_or_call() {
    const Token& first = next();
    if (peek().kind == Tok::lparen) {
      next();
      Ast ast = node(AstKind::call, first.offset);
      ast.text = first.text;
      if (accept(Tok::rparen)) return ast;
      while (true) {
        ast.kids.push_back(conditional());
        if (accept(Tok::rparen)) return ast;
        expect(Tok::comma, ",");
      }
    }
    Ast ast = node(AstKind::name, first.offset);
    ast.text = first.text;
    while (peek().kind == Tok::dot) {
      next();
      const Token& part = peek();
      // Column names may be keywords of the language ("in" is not one today,
      // but a dataset may grow such a column): any word is accepted here.
      if (part.kind != Tok::identifier &&
          !(part.length > 0 && std::isalpha(static_cast<unsigned char>(source_[part.offset])))) {
        if (part.kind == Tok::end) fail("语法错误：'" + ast.text + ".' 后面缺少名称", part.offset);
        fail("语法错误：'" + ast.text + ".' 后面应为名称，实际是 " + quote(part), part.offset);
      }
      next();
      ast.text += '.';
      ast.text += part.text;
    }
    return ast;
  }

  std::string_view source_;
  std::vector<Token> tokens_;
  std::size_t pos_ = 0;
  int depth_ = 0;
};

}  // namespace

Ast parse(std::string_view source) {
  Parser parser(source, lex(source));
  return parser.parse_all();
}

}  // namespace mingjing::rules::expr_detail
