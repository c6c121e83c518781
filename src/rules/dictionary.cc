// Dictionary: the text of every code kept in large blocks (no allocation
// per string), found through an open-addressing table of codes that keeps
// each code's hash, so growing the table never hashes text again.
#include <cstring>
#include <functional>
#include <memory>

#include "rules/facts.h"

namespace mingjing::rules {

struct Dictionary::Impl {
  static constexpr std::size_t kBlockBytes = 1 << 20;

  std::vector<std::unique_ptr<char[]>> blocks;
  std::size_t block_used = kBlockBytes;  // of the last block; full: allocate one first
  std::size_t block_bytes = 0;           // all blocks
  std::vector<std::string_view> texts{std::string_view()};  // by code; 0 is ""
  std::vector<std::uint32_t> hashes{0};                     // by code
  std::vector<Code> slots = std::vector<Code>(1024, kNoCode);

  static std::uint32_t hash(std::string_view text) {
    return static_cast<std::uint32_t>(std::hash<std::string_view>{}(text));
  }

  // The slot holding `text`, or the empty slot where it would go.
  std::size_t slot_of(std::string_view text, std::uint32_t h) const {
    const std::size_t mask = slots.size() - 1;
    for (std::size_t i = h & mask;; i = (i + 1) & mask) {
      Code code = slots[i];
      if (code == kNoCode || (hashes[code] == h && texts[code] == text)) return i;
    }
  }

  std::string_view store(std::string_view text) {
    // Long text gets a block of its own, so blocks stay mostly full.
    if (text.size() > kBlockBytes / 8) {
      blocks.push_back(std::make_unique<char[]>(text.size()));
      block_bytes += text.size();
      std::memcpy(blocks.back().get(), text.data(), text.size());
      std::string_view stored(blocks.back().get(), text.size());
      // Keep filling the previous block: swap the big one behind it.
      if (blocks.size() > 1) std::swap(blocks[blocks.size() - 1], blocks[blocks.size() - 2]);
      return stored;
    }
    if (block_used + text.size() > kBlockBytes) {
      blocks.push_back(std::make_unique<char[]>(kBlockBytes));
      block_bytes += kBlockBytes;
      block_used = 0;
    }
    char* at = blocks.back().get() + block_used;
    std::memcpy(at, text.data(), text.size());
    block_used += text.size();
    return std::string_view(at, text.size());
  }

  void grow() {
    std::vector<Code> bigger(slots.size() * 2, kNoCode);
    const std::size_t mask = bigger.size() - 1;
    for (Code code = 1; code < texts.size(); ++code) {
      std::size_t i = hashes[code] & mask;
      while (bigger[i] != kNoCode) i = (i + 1) & mask;
      bigger[i] = code;
    }
    slots.swap(bigger);
  }
};

Dictionary::Dictionary() : impl_(std::make_shared<Impl>()) {}

Code Dictionary::intern(std::string_view text) {
  if (text.empty()) return kNoCode;
  Impl& d = *impl_;
  const std::uint32_t h = Impl::hash(text);
  std::size_t slot = d.slot_of(text, h);
  if (d.slots[slot] != kNoCode) return d.slots[slot];
  // Keep the table at most half full: probes stay short.
  if ((d.texts.size() + 1) * 2 > d.slots.size()) {
    d.grow();
    slot = d.slot_of(text, h);
  }
  const Code code = static_cast<Code>(d.texts.size());
  d.texts.push_back(d.store(text));
  d.hashes.push_back(h);
  d.slots[slot] = code;
  return code;
}

std::optional<Code> Dictionary::find(std::string_view text) const {
  if (text.empty()) return std::nullopt;
  const Impl& d = *impl_;
  Code code = d.slots[d.slot_of(text, Impl::hash(text))];
  if (code == kNoCode) return std::nullopt;
  return code;
}

std::string_view Dictionary::text(Code code) const {
  return code < impl_->texts.size() ? impl_->texts[code] : std::string_view();
}

std::size_t Dictionary::size() const {
  return impl_->texts.size();
}

std::size_t Dictionary::bytes() const {
  const Impl& d = *impl_;
  return d.block_bytes + d.texts.capacity() * sizeof(std::string_view) +
         d.hashes.capacity() * sizeof(std::uint32_t) + d.slots.capacity() * sizeof(Code);
}

}  // namespace mingjing::rules
