// Dictionary: the text of every code kept in large blocks (no allocation
// per string), found through an open-addressing table whose slots hold the
// code and its hash side by side: a probe reads text only when the hashes
// agree, and growing the table never hashes text again.
#include <sys/mman.h>

#include <cstdlib>
#include <cstring>
#include <functional>
#include <memory>
#include <new>

#include "rules/facts.h"

namespace mingjing::rules {
namespace {

// Large arrays probed at random (the slots, the texts by code) sit on huge
// pages where the kernel offers them: millions of probes otherwise spend
// most of their time on TLB misses.
template <typename T>
struct HugePageAllocator {
  using value_type = T;
  static constexpr std::size_t kHuge = 2 << 20;

  HugePageAllocator() = default;
  template <typename U>
  HugePageAllocator(const HugePageAllocator<U>&) {}  // NOLINT: rebinding

  T* allocate(std::size_t n) {
    const std::size_t bytes = n * sizeof(T);
    if (bytes < 2 * kHuge) return std::allocator<T>().allocate(n);
    const std::size_t rounded = (bytes + kHuge - 1) / kHuge * kHuge;
    void* p = std::aligned_alloc(kHuge, rounded);
    if (!p) throw std::bad_alloc();
    madvise(p, rounded, MADV_HUGEPAGE);
    return static_cast<T*>(p);
  }
  void deallocate(T* p, std::size_t n) {
    if (n * sizeof(T) < 2 * kHuge) {
      std::allocator<T>().deallocate(p, n);
    } else {
      std::free(p);
    }
  }
  template <typename U>
  bool operator==(const HugePageAllocator<U>&) const {
    return true;
  }
};

template <typename T>
using HugeVector = std::vector<T, HugePageAllocator<T>>;

}  // namespace

struct Dictionary::Impl {
  static constexpr std::size_t kBlockBytes = 1 << 20;

  std::vector<std::unique_ptr<char[]>> blocks;
  std::size_t block_used = kBlockBytes;  // of the last block; full: allocate one first
  std::size_t block_bytes = 0;           // all blocks
  struct Slot {
    Code code = kNoCode;  // kNoCode: empty
    std::uint32_t hash = 0;
  };
  HugeVector<std::string_view> texts{std::string_view()};  // by code; 0 is ""
  HugeVector<Slot> slots = HugeVector<Slot>(1024);

  static std::uint32_t hash(std::string_view text) {
    return static_cast<std::uint32_t>(std::hash<std::string_view>{}(text));
  }

  // The slot holding `text`, or the empty slot where it would go.
  std::size_t slot_of(std::string_view text, std::uint32_t h) const {
    const std::size_t mask = slots.size() - 1;
    for (std::size_t i = h & mask;; i = (i + 1) & mask) {
      const Slot& slot = slots[i];
      if (slot.code == kNoCode || (slot.hash == h && texts[slot.code] == text)) return i;
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
    HugeVector<Slot> bigger(slots.size() * 2);
    const std::size_t mask = bigger.size() - 1;
    for (const Slot& slot : slots) {
      if (slot.code == kNoCode) continue;
      std::size_t i = slot.hash & mask;
      while (bigger[i].code != kNoCode) i = (i + 1) & mask;
      bigger[i] = slot;
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
  if (d.slots[slot].code != kNoCode) return d.slots[slot].code;
  // Keep the table at most half full: probes stay short.
  if ((d.texts.size() + 1) * 2 > d.slots.size()) {
    d.grow();
    slot = d.slot_of(text, h);
  }
  const Code code = static_cast<Code>(d.texts.size());
  d.texts.push_back(d.store(text));
  d.slots[slot] = {code, h};
  return code;
}

void Dictionary::reserve(std::size_t codes) {
  Impl& d = *impl_;
  d.texts.reserve(codes + 1);
  while ((codes + 1) * 2 > d.slots.size()) d.grow();
}

std::optional<Code> Dictionary::find(std::string_view text) const {
  if (text.empty()) return std::nullopt;
  const Impl& d = *impl_;
  Code code = d.slots[d.slot_of(text, Impl::hash(text))].code;
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
         d.slots.capacity() * sizeof(Impl::Slot);
}

}  // namespace mingjing::rules
