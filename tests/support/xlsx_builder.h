// Test support: writing real .xlsx archives with libzip from XML parts the
// test spells out, so each test controls exactly what the reader sees.
// Header-only; the tests that include it link libzip (mingjing_imports does).
#pragma once

#include <gtest/gtest.h>
#include <zip.h>

#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

namespace mingjing::imports::xlsx_test {

inline constexpr const char* kMainNs = "http://schemas.openxmlformats.org/spreadsheetml/2006/main";
inline constexpr const char* kRelNs =
    "http://schemas.openxmlformats.org/officeDocument/2006/relationships";
inline constexpr const char* kWorksheetType =
    "http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet";

inline std::string xml_head() {
  return "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n";
}

// A worksheet part around the given <row> elements.
inline std::string sheet_xml(const std::string& rows) {
  return xml_head() + "<worksheet xmlns=\"" + kMainNs + "\" xmlns:r=\"" + kRelNs +
         "\"><dimension ref=\"A1\"/><sheetViews><sheetView workbookViewId=\"0\"/></sheetViews>"
         "<sheetData>" +
         rows + "</sheetData><pageMargins left=\"0.7\" right=\"0.7\"/></worksheet>";
}

// A shared-strings part from <si> contents.
inline std::string shared_strings_xml(const std::vector<std::string>& items) {
  std::string out = xml_head() + "<sst xmlns=\"" + kMainNs + "\" count=\"" +
                    std::to_string(items.size()) + "\" uniqueCount=\"" +
                    std::to_string(items.size()) + "\">";
  for (const auto& si : items) out += "<si>" + si + "</si>";
  return out + "</sst>";
}

// A styles part: custom formats (id -> code) and the numFmtId of each cellXfs
// entry, in order (entry 0 should be 0, General).
inline std::string styles_xml(const std::map<int, std::string>& formats,
                              const std::vector<int>& xf_formats) {
  std::string out = xml_head() + "<styleSheet xmlns=\"" + kMainNs + "\">";
  if (!formats.empty()) {
    out += "<numFmts count=\"" + std::to_string(formats.size()) + "\">";
    for (const auto& [id, code] : formats) {
      out += "<numFmt numFmtId=\"" + std::to_string(id) + "\" formatCode=\"" + code + "\"/>";
    }
    out += "</numFmts>";
  }
  out +=
      "<fonts count=\"1\"><font><sz val=\"11\"/><name val=\"Calibri\"/></font></fonts>"
      "<cellStyleXfs count=\"1\"><xf numFmtId=\"0\" fontId=\"0\"/></cellStyleXfs>"
      "<cellXfs count=\"" +
      std::to_string(xf_formats.size()) + "\">";
  for (int id : xf_formats) {
    out += "<xf numFmtId=\"" + std::to_string(id) +
           "\" fontId=\"0\" fillId=\"0\" borderId=\"0\" xfId=\"0\" applyNumberFormat=\"1\"/>";
  }
  return out + "</cellXfs></styleSheet>";
}

struct Sheet {
  Sheet(std::string name, std::string part, std::string rows, std::string state = {},
        std::string type = kWorksheetType)
      : name(std::move(name)),
        part(std::move(part)),
        rows(std::move(rows)),
        state(std::move(state)),
        type(std::move(type)) {}

  std::string name;
  std::string part;   // "xl/worksheets/sheet1.xml"
  std::string rows;   // the <row> elements
  std::string state;  // "", "hidden", "veryHidden"
  std::string type;   // relationship type
};

// A workbook: sheets in workbook order, optional shared strings and styles.
// parts() gives every part of the archive; tests may add or drop parts.
struct Book {
  std::vector<Sheet> sheets;
  std::vector<std::string> shared;  // <si> contents; none: no part
  std::string styles;               // whole part; empty: no part
  bool date1904 = false;

  std::map<std::string, std::string> parts() const {
    std::map<std::string, std::string> p;
    std::string types = xml_head() +
                        "<Types xmlns=\"http://schemas.openxmlformats.org/package/2006/"
                        "content-types\"><Default Extension=\"rels\" "
                        "ContentType=\"application/vnd.openxmlformats-package.relationships+xml\"/>"
                        "<Default Extension=\"xml\" ContentType=\"application/xml\"/>"
                        "<Override PartName=\"/xl/workbook.xml\" "
                        "ContentType=\"application/"
                        "vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml\"/>";
    for (const auto& s : sheets) {
      types += "<Override PartName=\"/" + s.part +
               "\" ContentType=\"application/"
               "vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml\"/>";
    }
    p["[Content_Types].xml"] = types + "</Types>";
    p["_rels/.rels"] =
        xml_head() +
        "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
        "<Relationship Id=\"rId1\" "
        "Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/"
        "officeDocument\" Target=\"xl/workbook.xml\"/></Relationships>";
    std::string wb = xml_head() + "<workbook xmlns=\"" + kMainNs + "\" xmlns:r=\"" + kRelNs + "\">";
    if (date1904) wb += "<workbookPr date1904=\"1\"/>";
    wb += "<sheets>";
    std::string rels =
        xml_head() +
        "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">";
    for (std::size_t i = 0; i < sheets.size(); ++i) {
      const Sheet& s = sheets[i];
      std::string id = "rId" + std::to_string(i + 10);
      wb += "<sheet name=\"" + s.name + "\" sheetId=\"" + std::to_string(i + 1) + "\"" +
            (s.state.empty() ? "" : " state=\"" + s.state + "\"") + " r:id=\"" + id + "\"/>";
      // Targets relative to xl/, as Excel writes them.
      rels += "<Relationship Id=\"" + id + "\" Type=\"" + s.type + "\" Target=\"" +
              s.part.substr(3) + "\"/>";
      p[s.part] = sheet_xml(s.rows);
    }
    wb += "</sheets><calcPr calcId=\"191029\"/></workbook>";
    if (!shared.empty()) {
      rels +=
          "<Relationship Id=\"rId1\" "
          "Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/"
          "sharedStrings\" Target=\"sharedStrings.xml\"/>";
      p["xl/sharedStrings.xml"] = shared_strings_xml(shared);
    }
    if (!styles.empty()) {
      rels +=
          "<Relationship Id=\"rId2\" "
          "Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles\" "
          "Target=\"styles.xml\"/>";
      p["xl/styles.xml"] = styles;
    }
    p["xl/workbook.xml"] = wb;
    p["xl/_rels/workbook.xml.rels"] = rels + "</Relationships>";
    return p;
  }
};

// Writes `parts` as a zip archive at `path` (deflated, as Excel does).
inline void write_zip(const std::string& path, const std::map<std::string, std::string>& parts) {
  int err = 0;
  zip_t* z = zip_open(path.c_str(), ZIP_CREATE | ZIP_TRUNCATE, &err);
  ASSERT_NE(z, nullptr) << "zip_open failed: " << err;
  for (const auto& [name, content] : parts) {
    zip_source_t* src = zip_source_buffer(z, content.data(), content.size(), 0);
    ASSERT_NE(src, nullptr);
    ASSERT_GE(zip_file_add(z, name.c_str(), src, ZIP_FL_ENC_UTF_8), 0) << zip_strerror(z);
  }
  ASSERT_EQ(zip_close(z), 0);
}

inline std::string read_bytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

inline void write_bytes(const std::string& path, const std::string& bytes) {
  std::ofstream out(path, std::ios::binary);
  out << bytes;
}

}  // namespace mingjing::imports::xlsx_test
