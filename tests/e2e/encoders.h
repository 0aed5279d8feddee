// Payloads made at test time by encoders that are not ours, for the --decode and --encode
// tests: Debian's python3-cbor2 and python3-msgpack, the gzip, zstd and lz4 tools, and
// Python's zlib module. A missing encoder stops the test with a clear line (nothing is
// skipped).
#pragma once

#include "e2e.h"

namespace e2e {

inline const std::string k_install_hint =
    "scripts/install-deps installs python3-cbor2, python3-msgpack, protobuf-compiler, gzip, zstd and lz4";

/// What the encoder `argv` writes when fed `input`; the test stops with a clear line when
/// the encoder is missing or fails (nothing is skipped).
inline std::string encoded_by(const Args& argv, const std::string& input = {})
{
    const test::Result r = test::run(argv, input, 120s);
    REQUIRE_MESSAGE(r.status == 0,
                    "the encoder " << argv.front() << " failed with status " << r.status << ": " << r.err << " ("
                                   << k_install_hint << ")");
    REQUIRE_MESSAGE(!r.out.empty(), "the encoder " << argv.front() << " wrote nothing (" << k_install_hint << ")");
    return r.out;
}

/// The CBOR python3-cbor2 makes of the Python expression `value`.
inline std::string cbor(const std::string& value)
{
    return encoded_by({"/usr/bin/python3", "-c", "import sys, cbor2; sys.stdout.buffer.write(cbor2.dumps(" + value + "))"});
}

/// The MessagePack python3-msgpack makes of the Python expression `value`.
inline std::string msgpack(const std::string& value)
{
    return encoded_by({"/usr/bin/python3", "-c",
                       "import sys, msgpack; sys.stdout.buffer.write(msgpack.packb(" + value + ", use_bin_type=True))"});
}

inline std::string gzip(const std::string& data)
{
    return encoded_by({"/bin/gzip", "-c", "-n"}, data);
}
inline std::string zstd(const std::string& data)
{
    return encoded_by({"/usr/bin/zstd", "-q", "-c"}, data);
}
inline std::string lz4(const std::string& data)
{
    return encoded_by({"/usr/bin/lz4", "-q", "-c"}, data);
}
inline std::string zlib(const std::string& data)
{
    return encoded_by(
        {"/usr/bin/python3", "-c", "import sys, zlib; sys.stdout.buffer.write(zlib.compress(sys.stdin.buffer.read()))"}, data);
}

/// A .proto (its text) in a folder of its own, and what protoc, an encoder that is not ours,
/// makes with it. `proto_paths` are more folders for its imports.
class ProtocSchema {
public:
    ProtocSchema(const std::string& file_name, const std::string& text, Args proto_paths = {})
        : m_proto_paths(std::move(proto_paths))
    {
        m_file = m_dir.write(file_name, text);
        m_proto_paths.insert(m_proto_paths.begin(), m_dir.path());
    }

    /// The .proto's path.
    const std::string& file() const { return m_file; }
    /// The bytes protoc makes of `text` (text format) as `message` (package.Message).
    std::string encode(const std::string& message, const std::string& text) const { return protoc("--encode=" + message, text); }
    /// What protoc reads in `payload` as `message`, in text format.
    std::string decode(const std::string& message, const std::string& payload) const
    {
        return protoc("--decode=" + message, payload);
    }

private:
    std::string protoc(const std::string& mode, const std::string& input) const
    {
        Args argv{"/usr/bin/protoc"};
        for (const std::string& path : m_proto_paths) argv.push_back("--proto_path=" + path);
        argv.push_back(mode);
        argv.push_back(m_file);
        return encoded_by(argv, input);
    }

    TempDir m_dir;
    Args m_proto_paths;
    std::string m_file;
};

/// `data` run through `argv` (a decoder: `gzip -dc`, a Python one-liner...), which must succeed.
inline std::string decoded_by(const Args& argv, const std::string& data)
{
    return encoded_by(argv, data);
}

}  // namespace e2e
