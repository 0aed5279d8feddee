// A private folder (mkdtemp, 0700) for a unit test that touches the file system, removed
// with everything in it at the end.
#pragma once

#include <doctest/doctest.h>

#include <cstdlib>
#include <filesystem>
#include <string>

namespace unit {

struct TempFolder {
    std::string path;
    TempFolder()
    {
        std::string templ = std::filesystem::temp_directory_path().string() + "/mqtt-tools-unit.XXXXXX";
        REQUIRE(::mkdtemp(templ.data()) != nullptr);
        path = templ;
    }
    ~TempFolder() { std::filesystem::remove_all(path); }
    TempFolder(const TempFolder&) = delete;
    TempFolder& operator=(const TempFolder&) = delete;
};

}  // namespace unit
