// A throwaway PKI made with the openssl command for the TLS end-to-end tests (tls_test.cpp,
// websockets_test.cpp).
#pragma once

#include "e2e.h"

namespace e2e {

inline constexpr const char* k_openssl = "/usr/bin/openssl";

/// A throwaway PKI in a private folder: a CA; a server certificate for 127.0.0.1 and
/// localhost ("server"), one for another name ("wrong"), a client certificate ("client"),
/// all signed by the CA; an unrelated CA ("other-ca") and a client certificate it signed
/// ("stranger"). EC keys, so it takes a fraction of a second.
class Pki {
public:
    Pki()
    {
        const Args ec{"-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"};
        make_ca("ca", "mqtt-tools test CA", ec);
        make_ca("other-ca", "unrelated test CA", ec);
        make_leaf("server", "localhost", "subjectAltName=IP:127.0.0.1,DNS:localhost\n", ec);
        make_leaf("wrong", "wrong.example", "subjectAltName=DNS:wrong.example\n", ec);
        make_leaf("client", "test-client", "extendedKeyUsage=clientAuth\n", ec);
        make_leaf("stranger", "stranger", "extendedKeyUsage=clientAuth\n", ec, "other-ca");
    }

    std::string path(const std::string& name) const { return m_dir.path() + "/" + name; }
    std::string crt(const std::string& name) const { return path(name + ".crt"); }
    std::string key(const std::string& name) const { return path(name + ".key"); }
    const TempDir& dir() const { return m_dir; }

    /// mosquitto.conf lines for a TLS listener that presents the certificate `name`.
    std::string listener(const std::string& name = "server", const std::string& more = {}) const
    {
        return "cafile " + crt("ca") + "\ncertfile " + crt(name) + "\nkeyfile " + key(name) + "\n" + more;
    }

private:
    void openssl(Args args) const
    {
        args.insert(args.begin(), k_openssl);
        const test::Result r = test::run(args, {}, 20s);
        INFO("openssl: " << r.err);
        REQUIRE(r.status == 0);
    }
    void make_ca(const std::string& name, const std::string& cn, Args ec) const
    {
        Args args{"req",     "-x509",
                  "-days",   "2",
                  "-subj",   "/CN=" + cn,
                  "-keyout", key(name),
                  "-out",    crt(name),
                  "-addext", "basicConstraints=critical,CA:TRUE",
                  "-addext", "keyUsage=critical,keyCertSign,cRLSign"};
        args.insert(args.end(), ec.begin(), ec.end());
        openssl(args);
    }
    void make_leaf(const std::string& name, const std::string& cn, const std::string& extensions, Args ec,
                   const std::string& ca = "ca") const
    {
        Args request{"req", "-subj", "/CN=" + cn, "-keyout", key(name), "-out", path(name + ".csr")};
        request.insert(request.end(), ec.begin(), ec.end());
        openssl(request);
        const std::string ext = m_dir.write(name + ".ext", "basicConstraints=CA:FALSE\n" + extensions);
        openssl({"x509", "-req", "-days", "2", "-in", path(name + ".csr"), "-CA", crt(ca), "-CAkey", key(ca), "-CAcreateserial",
                 "-extfile", ext, "-out", crt(name)});
    }

    TempDir m_dir;
};

}  // namespace e2e
