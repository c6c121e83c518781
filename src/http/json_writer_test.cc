// JsonWriter output is parsed back with nlohmann::json and compared with
// the value it describes.
#include "http/json_writer.h"

#include <gtest/gtest.h>

#include <cmath>
#include <nlohmann/json.hpp>

namespace mingjing::http {
namespace {

using nlohmann::json;

json parsed(JsonWriter& w) {
  std::string text = w.take();
  json j = json::parse(text, nullptr, false);
  EXPECT_FALSE(j.is_discarded()) << text;
  return j;
}

TEST(JsonWriter, NestedObjectsAndArraysWithCommasInTheRightPlaces) {
  JsonWriter w;
  w.begin_object()
      .key("code")
      .value("330782001000")
      .key("n")
      .value(-42)
      .key("big")
      .value(9007199254740993LL)
      .key("ok")
      .value(true)
      .key("no")
      .value(false)
      .key("nothing")
      .null()
      .key("empty_list")
      .begin_array()
      .end_array()
      .key("empty_object")
      .begin_object()
      .end_object()
      .key("list")
      .begin_array()
      .value(1)
      .value("二")
      .begin_object()
      .key("k")
      .value(3)
      .end_object()
      .begin_array()
      .end_array()
      .end_array()
      .end_object();
  json expected = {{"code", "330782001000"},
                   {"n", -42},
                   {"big", 9007199254740993LL},
                   {"ok", true},
                   {"no", false},
                   {"nothing", nullptr},
                   {"empty_list", json::array()},
                   {"empty_object", json::object()},
                   {"list", {1, "二", {{"k", 3}}, json::array()}}};
  EXPECT_EQ(parsed(w), expected);
}

TEST(JsonWriter, DoublesRoundTripAndNonFiniteIsNull) {
  JsonWriter w;
  w.begin_array().value(12.5).value(0.1).value(1e300).value(std::nan("")).end_array();
  json j = parsed(w);
  EXPECT_DOUBLE_EQ(j[0].get<double>(), 12.5);
  EXPECT_DOUBLE_EQ(j[1].get<double>(), 0.1);
  EXPECT_DOUBLE_EQ(j[2].get<double>(), 1e300);
  EXPECT_TRUE(j[3].is_null());
}

TEST(JsonWriter, ValueOrNullWritesNullForEmptyText) {
  JsonWriter w;
  w.begin_array().value_or_null("").value_or_null("x").end_array();
  EXPECT_EQ(parsed(w), json({nullptr, "x"}));
}

TEST(JsonWriter, EscapesQuotesBackslashesAndControlCharacters) {
  std::string nasty = "a\"b\\c\n\r\t\b\f";
  nasty += '\x01';
  nasty += '\x1f';
  nasty += "</script>'";
  JsonWriter w;
  w.begin_object().key(nasty).value(nasty).end_object();
  std::string text = w.take();
  EXPECT_EQ(text.find('\n'), std::string::npos) << "raw newline in " << text;
  EXPECT_NE(text.find("\\u0001"), std::string::npos);
  json j = json::parse(text);
  EXPECT_EQ(j[nasty], nasty);
}

TEST(JsonWriter, ChineseTextPassesThroughAsUtf8) {
  JsonWriter w;
  w.begin_array().value("稠城街道 · 𠀀").end_array();
  std::string text = w.take();
  EXPECT_EQ(text, "[\"稠城街道 · 𠀀\"]");
}

TEST(JsonWriter, InvalidUtf8BecomesReplacementCharacters) {
  const std::string fffd = "\xEF\xBF\xBD";
  for (std::string bad : {std::string("\xe7\xa8"),          // cut short
                          std::string("\xc0\xaf"),          // overlong
                          std::string("\xed\xa0\x80"),      // surrogate
                          std::string("\xf4\x90\x80\x80"),  // above U+10FFFF
                          std::string("\x80")}) {           // lone continuation byte
    JsonWriter w;
    w.begin_array().value("a" + bad + "b").end_array();
    json j = parsed(w);
    ASSERT_TRUE(j.is_array());
    std::string back = j[0];
    EXPECT_EQ(back.front(), 'a');
    EXPECT_EQ(back.back(), 'b');
    EXPECT_NE(back.find(fffd), std::string::npos);
    EXPECT_EQ(back.find(bad), std::string::npos);
  }
  JsonWriter w;
  w.begin_array()
      .value(
          "a\xff"
          "b")
      .end_array();
  EXPECT_EQ(w.take(), "[\"a" + fffd + "b\"]");
}

}  // namespace
}  // namespace mingjing::http
