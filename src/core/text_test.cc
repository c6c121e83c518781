#include "core/text.h"

#include <gtest/gtest.h>

namespace mingjing::core {
namespace {

TEST(TrimTest, RemovesAsciiAndChineseBlanks) {
  EXPECT_EQ(trim("  abc \t\r\n"), "abc");
  EXPECT_EQ(trim("\xE3\x80\x80张三\xE3\x80\x80"), "张三");  // ideographic spaces
  EXPECT_EQ(trim("\xC2\xA0"
                 "1\xC2\xA0"),
            "1");  // no-break spaces
  EXPECT_EQ(trim("\xEF\xBB\xBF"
                 "date"),
            "date");  // byte-order mark
  EXPECT_EQ(trim("a b"), "a b");
  EXPECT_EQ(trim("   "), "");
  EXPECT_EQ(trim(""), "");
}

TEST(SplitUtf8Test, SplitsCodePoints) {
  const auto chars = split_utf8("欧阳a𠀀");
  ASSERT_EQ(chars.size(), 4u);
  EXPECT_EQ(chars[0], "欧");
  EXPECT_EQ(chars[1], "阳");
  EXPECT_EQ(chars[2], "a");
  EXPECT_EQ(chars[3], "𠀀");  // four bytes
}

TEST(SplitUtf8Test, InvalidBytesBecomeSingleBytePieces) {
  const std::string bad =
      "a\xE5\x85"
      "b\xFF";  // truncated 3-byte sequence, stray 0xFF
  const auto chars = split_utf8(bad);
  ASSERT_EQ(chars.size(), 5u);
  std::string joined;
  for (auto c : chars) joined.append(c);
  EXPECT_EQ(joined, bad);
  EXPECT_EQ(split_utf8("\xC0\x80").size(), 2u);  // overlong encoding is not accepted
}

TEST(IsAsciiDigitsTest, Basics) {
  EXPECT_TRUE(is_ascii_digits("0123456789"));
  EXPECT_FALSE(is_ascii_digits(""));
  EXPECT_FALSE(is_ascii_digits("12a"));
  EXPECT_FALSE(is_ascii_digits("１２"));  // full-width digits
}

TEST(ShortenForMessageTest, CutsByCharacters) {
  EXPECT_EQ(shorten_for_message("abc", 3), "abc");
  EXPECT_EQ(shorten_for_message("abcd", 3), "abc…");
  EXPECT_EQ(shorten_for_message("一二三四", 2), "一二…");
}

}  // namespace
}  // namespace mingjing::core
