// Small text helpers shared by the core value types: trimming, UTF-8
// splitting, and quoting user input inside error messages.
//
// Thread-safety: pure functions, safe from any thread.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace mingjing::core {

// Returns `s` without leading and trailing blanks: ASCII whitespace, the
// no-break space U+00A0, the ideographic space U+3000 (common in Chinese
// spreadsheets) and the byte-order mark U+FEFF. Never fails; an all-blank
// input gives an empty view into `s`.
std::string_view trim(std::string_view s);

// Splits UTF-8 text into characters (one view per code point). Not an error:
// an invalid or truncated sequence becomes one single-byte piece per byte,
// so the pieces always concatenate back to `s`.
std::vector<std::string_view> split_utf8(std::string_view s);

// The number of pieces split_utf8 gives, without making them.
std::size_t count_utf8(std::string_view s);

// True if `s` is non-empty and every byte is an ASCII digit.
bool is_ascii_digits(std::string_view s);

// Returns `s` for use inside a user-facing error message: at most
// `max_chars` characters, with "…" appended when it was cut. Never fails.
std::string shorten_for_message(std::string_view s, std::size_t max_chars = 40);

}  // namespace mingjing::core
