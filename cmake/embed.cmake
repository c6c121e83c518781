# mingjing_embed(TARGET SYMBOL FILE): compiles FILE's bytes into TARGET as
#   extern const char SYMBOL[]; extern const unsigned long SYMBOL_size;
# (namespace mingjing::embedded). Regenerated when FILE changes.
function(mingjing_embed target symbol file)
  file(READ ${file} hex HEX)
  string(LENGTH "${hex}" hex_len)
  math(EXPR size "${hex_len} / 2")
  string(REGEX REPLACE "([0-9a-f][0-9a-f])" "'\\\\x\\1'," bytes "${hex}")
  set(out ${CMAKE_CURRENT_BINARY_DIR}/embedded_${symbol}.cc)
  file(CONFIGURE OUTPUT ${out} CONTENT
"// Generated from ${file}.
namespace mingjing::embedded {
extern const char ${symbol}[] = {${bytes} '\\0'};
extern const unsigned long ${symbol}_size = ${size};
}  // namespace mingjing::embedded
" @ONLY)
  set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS ${file})
  target_sources(${target} PRIVATE ${out})
endfunction()
