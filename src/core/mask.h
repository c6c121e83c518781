// Masking of personal data for display to people without the right to see
// it whole (public pages, most roles). Each function keeps at most the
// characters its comment names and never fails; input it cannot make sense
// of is masked more, never less.
//
// ID numbers are masked by IdNumber::masked() (id_number.h).
//
// Thread-safety: pure functions, safe from any thread.
#pragma once

#include <string>
#include <string_view>

namespace mingjing::core {

// A person's name, UTF-8: the first and last characters kept, the ones
// between starred: "张*明", "欧**华", "阿依古丽·买买提" -> "阿******提".
// Two characters keep the first: "张*". One character becomes "*"; empty
// stays empty. Blanks around the name are dropped.
std::string mask_name(std::string_view name);

// A phone number: the first 3 and last 4 characters kept, the ones between
// starred: "13812341234" -> "138****1234". Fewer than 8 characters are all
// starred. Blanks around it are dropped.
std::string mask_phone(std::string_view phone);

// A bank or card account number: the first 4 and last 4 characters kept, the
// ones between starred: "6222021234567890123" -> "6222***********0123".
// Blanks inside are removed first ("6222 0212 ..."). Fewer than 9 characters
// are all starred.
std::string mask_account(std::string_view account);

}  // namespace mingjing::core
