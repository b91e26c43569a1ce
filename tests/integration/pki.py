"""The test PKI, made with the openssl command line in a temporary
directory: a trusted CA, an untrusted one, leaf certificates for the
test domains, and CRLs of the trusted CA.

Every leaf carries a dNSName SAN and both the serverAuth and clientAuth
extended key usages (a server presents the same certificate when it
accepts and when it initiates a stream; ejabberd insists on both). Some
leaves are wrong on purpose: issued by the untrusted CA, naming another
domain, or naming the domain only as an XmppAddr."""

import os
import secrets
import subprocess

# The OID of id-on-xmppAddr (RFC 6120, section 13.7.1.4).
XMPPADDR_OID = "1.3.6.1.5.5.7.8.5"


class Leaf:
    """A certificate and its key, as file paths."""

    def __init__(self, cert, key):
        self.cert = cert
        self.key = key


class Pki:
    """Creates its files under DIRECTORY: ca.pem (the CA everything trusts),
    untrusted-ca.pem, and NAME.pem / NAME.key for each leaf."""

    def __init__(self, directory):
        self.dir = directory
        os.makedirs(directory, exist_ok=True)
        self.ca = self._make_ca("ca", "xedge integration test CA")
        self.untrusted_ca = self._make_ca("untrusted-ca",
                                          "xedge untrusted test CA")

    def _path(self, name):
        return os.path.join(self.dir, name)

    def _make_ca(self, name, common_name):
        cert, key = self._path(name + ".pem"), self._path(name + ".key")
        _openssl("req", "-x509", "-new", *_EC_KEY, "-nodes",
                 "-keyout", key, "-out", cert, "-days", "3",
                 "-subj", "/CN=" + common_name,
                 "-addext", "basicConstraints=critical,CA:TRUE",
                 "-addext", "keyUsage=critical,keyCertSign,cRLSign")
        return Leaf(cert, key)

    def leaf(self, name, domain, issuer=None, xmppaddr_only=False,
             common_name=None):
        """Issues NAME.pem for DOMAIN, signed by ISSUER (default: the
        trusted CA). With XMPPADDR_ONLY the SAN holds only an
        id-on-xmppAddr for DOMAIN and no dNSName. Returns a Leaf."""
        issuer = issuer or self.ca
        cert, key = self._path(name + ".pem"), self._path(name + ".key")
        csr, ext = self._path(name + ".csr"), self._path(name + ".ext")
        if xmppaddr_only:
            san = "otherName:%s;UTF8:%s" % (XMPPADDR_OID, domain)
        else:
            san = "DNS:" + domain
        with open(ext, "w") as f:
            f.write("basicConstraints=critical,CA:FALSE\n"
                    "keyUsage=critical,digitalSignature,keyEncipherment\n"
                    "extendedKeyUsage=serverAuth,clientAuth\n"
                    "subjectAltName=%s\n" % san)
        _openssl("req", "-new", *_EC_KEY, "-nodes", "-keyout", key,
                 "-out", csr, "-subj", "/CN=" + (common_name or domain))
        _openssl("x509", "-req", "-in", csr, "-CA", issuer.cert,
                 "-CAkey", issuer.key, "-out", cert, "-days", "2",
                 "-set_serial", "0x" + secrets.token_hex(16),
                 "-extfile", ext)
        os.unlink(csr)
        os.unlink(ext)
        return Leaf(cert, key)

    def crl(self, path, revoked=()):
        """Writes to PATH a CRL of the trusted CA, current for two days,
        revoking the certificates of the pki.Leaf objects in REVOKED
        (`openssl ca` with a certificate database of its own)."""
        base = path + ".ca"
        with open(base + ".index", "w"):
            pass
        with open(base + ".cnf", "w") as f:
            f.write("[ca]\ndefault_ca = test_ca\n[test_ca]\n"
                    "database = %s.index\ncertificate = %s\n"
                    "private_key = %s\ndefault_md = sha256\n"
                    "default_crl_days = 2\n" %
                    (base, self.ca.cert, self.ca.key))
        for leaf in revoked:
            _openssl("ca", "-config", base + ".cnf", "-revoke", leaf.cert)
        _openssl("ca", "-config", base + ".cnf", "-gencrl", "-out", path)
        return path


# P-256 keys: quick to make, and every party here speaks ECDSA.
_EC_KEY = ("-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1")


def _openssl(*args):
    r = subprocess.run(("openssl",) + args, stdin=subprocess.DEVNULL,
                       capture_output=True, text=True)
    if r.returncode != 0:
        raise RuntimeError("openssl %s failed:\n%s" % (args[0], r.stderr))
