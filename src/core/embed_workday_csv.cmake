# Writes OUTPUT, a C++ source defining mingjing::core::kBuiltinWorkdayCsv
# with the bytes of INPUT (the workday calendar CSV) and a final NUL.
# Run in script mode: cmake -DINPUT=... -DOUTPUT=... -P embed_workday_csv.cmake
file(READ "${INPUT}" hex HEX)
# Character literals ('\xe5'), not integers: 0xe5 would narrow to char.
string(REGEX REPLACE "([0-9a-f][0-9a-f])" "'\\\\x\\1'," bytes "${hex}")
# Twelve bytes per line (CMake regexes have no {n} repetition).
string(REPEAT "'[^']+'," 12 twelve)
string(REGEX REPLACE "(${twelve})" "\\1\n    " bytes "${bytes}")
file(WRITE "${OUTPUT}"
     "// Generated from ${INPUT} by embed_workday_csv.cmake. Do not edit.\n"
     "namespace mingjing::core {\n"
     "extern const char kBuiltinWorkdayCsv[];\n"
     "const char kBuiltinWorkdayCsv[] = {\n    ${bytes}'\\0'};\n"
     "}  // namespace mingjing::core\n")
