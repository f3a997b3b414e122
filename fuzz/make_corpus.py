#!/usr/bin/env python3
"""Writes the seed corpora in fuzz/corpus/<target>/ (kept in the repository).

Sources: the captured conversations (spec/fixtures/captures), the keys and
SPKIs of spec/crypto_fixtures.lua, the test vectors (spec/vectors),
and the test PKI of spec/support/pki.lua (generated with the openssl CLI
into a temporary folder through lua5.4).  Record-protection seeds are sealed
here with Python's `cryptography` under the fixed keys of
fuzz/targets/rec_open.c.  Run from the repository root:

    python3 fuzz/make_corpus.py
"""
import glob, hashlib, hmac, os, re, shutil, struct, subprocess, sys, tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
VEC = os.path.join(ROOT, "spec", "vectors")
OUT = os.path.join(ROOT, "fuzz", "corpus")
CAP = 40  # files per target at most

corpus = {}


def add(target, data):
    files = corpus.setdefault(target, {})
    if len(files) < CAP and data not in files.values():
        files[hashlib.sha1(data).hexdigest()[:16]] = data


def records(stream):
    out, i = [], 0
    while i + 5 <= len(stream):
        t, v, n = stream[i], struct.unpack(">H", stream[i + 1:i + 3])[0], struct.unpack(">H", stream[i + 3:i + 5])[0]
        out.append((t, v, stream[i + 5:i + 5 + n], stream[i:i + 5 + n]))
        i += 5 + n
    return out


def plaintext_handshake(recs):
    """Handshake bytes before ChangeCipherSpec, and the record boundaries."""
    buf, sizes = b"", []
    for t, _, frag, _ in recs:
        if t == 20:
            break
        if t == 22:
            buf += frag
            sizes.append(len(frag))
    return buf, sizes


def messages(buf):
    out, i = [], 0
    while i + 4 <= len(buf):
        n = int.from_bytes(buf[i + 1:i + 4], "big")
        out.append((buf[i], buf[i + 4:i + 4 + n]))
        i += 4 + n
    return out


def vec(b, i, w):
    n = int.from_bytes(b[i:i + w], "big")
    return b[i + w:i + w + n], i + w + n


def hello_extensions(body, server):
    i = 2 + 32
    _, i = vec(body, i, 1)
    if server:
        i += 3
    else:
        _, i = vec(body, i, 2)
        _, i = vec(body, i, 1)
    exts, _ = vec(body, i, 2)
    out, j = [], 0
    while j + 4 <= len(exts):
        t = int.from_bytes(exts[j:j + 2], "big")
        d, j = vec(exts, j + 2, 2)
        out.append((t, d))
    return exts, out


def captures():
    for path in sorted(glob.glob(os.path.join(ROOT, "spec/fixtures/captures/*.c2s"))):
        name = os.path.basename(path)[:-4]
        kx = 2 if "dhe" in name and "ecdhe" not in name else 1 if "-rsa-" in name else 3
        for side in ("c2s", "s2c"):
            with open(path[:-3] + side, "rb") as f:
                yield name, side, kx, f.read()


def from_captures():
    for name, side, kx, stream in captures():
        recs = records(stream)
        add("record_header", stream[:4096])
        for t, v, frag, whole in recs[:3]:
            add("record_header", whole[:600])
        hs, sizes = plaintext_handshake(recs)
        # reassembler: limit byte, then the record-sized chunks (<= 255)
        chunks, i = b"", 0
        for s in sizes:
            while s > 0:
                c = min(s, 255)
                chunks += bytes([c]) + hs[i:i + c]
                i += c
                s -= c
        add("reasm", b"\x00" + chunks)
        add("reasm", b"\x03" + b"".join(bytes([7]) + hs[k:k + 7] for k in range(0, min(len(hs), 700), 7)))
        for t, body in messages(hs):
            add("handshake", bytes([t, kx]) + body)
            if t == 1 or t == 2:
                exts, lst = hello_extensions(body, t == 2)
                for et, d in lst:
                    add("extensions", struct.pack(">HB", et, 1 if t == 2 else 0) + d)
                add("extensions", b"\xff\xff\x00" + exts)
            elif t == 11:
                certs, _ = vec(body, 0, 3)
                j = 0
                while j < len(certs):
                    c, j = vec(certs, j, 3)
                    add("x509", c)
                    add("der", c)
            elif t == 12:
                if kx == 3 and body[:1] == b"\x03":
                    group = int.from_bytes(body[1:3], "big")
                    point, j = vec(body, 3, 1)
                    sel = {29: 0, 23: 1, 24: 2}.get(group)
                    if sel is not None:
                        add("kx", bytes([sel]) + point)
                    scheme, (sig, _) = body[j:j + 2], vec(body, j + 2, 2)
                    add("sig", scheme + (b"\x00" if scheme[1] == 3 else b"\x02") + sig)
                elif kx == 2:
                    p, j = vec(body, 0, 2)
                    g, j = vec(body, j, 2)
                    ys, j = vec(body, j, 2)
                    add("kx", b"\x04" + struct.pack(">H", len(p)) + p + bytes([len(g)]) + g + ys)
                    add("kx", b"\x03" + ys)
                    scheme, (sig, _) = body[j:j + 2], vec(body, j + 2, 2)
                    add("sig", scheme + b"\x02" + sig)
            elif t == 16 and kx == 3:
                point, _ = vec(body, 0, 1)
                add("kx", (b"\x00" if len(point) == 32 else b"\x01") + point)
            elif t == 15:
                add("sig", body[:2] + b"\x00" + vec(body, 2, 2)[0])


def lua_strings():
    text = open(os.path.join(ROOT, "spec/crypto_fixtures.lua")).read()
    pems = re.findall(r"fx\.pem\.(\w+) = \[\[\n(.*?)\]\]", text, re.S)
    hexes = re.findall(r"fx\.(der|spki)\.(\w+) = '([0-9a-f]+)'", text)
    return pems, hexes


def pem_der(pem):
    import base64
    body = re.search(r"-----BEGIN [^-]+-----\n(.*?)-----END", pem, re.S)
    if not body:
        return None
    lines = [l for l in body.group(1).splitlines() if ":" not in l]
    try:
        return base64.b64decode("".join(lines))
    except ValueError:
        return None


def keys_and_der():
    pems, hexes = lua_strings()
    for name, pem in pems:
        add("keys", pem.encode())
        d = pem_der(pem)
        if d:
            add("keys", d)
            add("der", d)
    for kind, name, h in hexes:
        add("keys", bytes.fromhex(h))
        add("der", bytes.fromhex(h))


def pki():
    tmp = tempfile.mkdtemp(prefix="tlshs-corpus-")
    try:
        subprocess.run(["lua5.4", "-e", 'package.path="./?.lua;"..package.path;'
                        'require("spec.support.pki").generate(%r)' % tmp], cwd=ROOT, check=True,
                       stdout=subprocess.DEVNULL)
        for path in sorted(glob.glob(os.path.join(tmp, "*.pem"))):
            text = open(path).read()
            if "PRIVATE KEY" in text:
                add("keys", text.encode())
                continue
            for block in re.findall(r"-----BEGIN CERTIFICATE-----.*?-----END CERTIFICATE-----\n", text, re.S):
                d = pem_der(block)
                add("x509", d)
                add("der", d)
    finally:
        shutil.rmtree(tmp)
    for path in [os.path.join(VEC, "tls12-transcripts/illustrated-tls12/server.crt"),
                 os.path.join(VEC, "tls12-transcripts/illustrated-tls12/ca.crt")]:
        if os.path.exists(path):
            add("x509", pem_der(open(path).read()))
    for path in [os.path.join(VEC, "tls12-transcripts/illustrated-tls12/server.key"),
                 os.path.join(VEC, "tls12-transcripts/go-crypto-tls/go_testRSAPrivateKey.pem")]:
        if os.path.exists(path):
            add("keys", open(path, "rb").read())


def signatures():
    """Well-formed signatures by the fixture keys over another message than
    the target's, so they parse fully and then fail to verify."""
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec, padding
    pems, _ = lua_strings()
    p = dict(pems)
    msg = b"not the fuzz message"
    k = serialization.load_pem_private_key(p["p256"].encode(), None)
    add("sig", b"\x04\x03\x00" + k.sign(msg, ec.ECDSA(hashes.SHA256())))
    k = serialization.load_pem_private_key(p["p384"].encode(), None)
    add("sig", b"\x05\x03\x01" + k.sign(msg, ec.ECDSA(hashes.SHA384())))
    k = serialization.load_pem_private_key(p["rsa1024"].encode(), None)
    add("sig", b"\x04\x01\x02" + k.sign(msg, padding.PKCS1v15(), hashes.SHA256()))
    add("sig", b"\x08\x04\x02" + k.sign(msg, padding.PSS(padding.MGF1(hashes.SHA256()), 32), hashes.SHA256()))
    k = serialization.load_pem_private_key(p["ed25519"].encode(), None)
    add("sig", b"\x08\x07\x03" + k.sign(msg))


def sealed_records():
    """Fragments sealed under rec_open.c's fixed keys, sequence 0, type 23."""
    from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM, ChaCha20Poly1305
    key = bytes(0x10 + i for i in range(32))
    iv = bytes(0x40 + i for i in range(12))
    mk = bytes(0x70 + i for i in range(48))
    hdr = lambda n: b"\x00" * 8 + b"\x17\x03\x03" + struct.pack(">H", n)
    for pt in (b"", b"hello", b"GET / HTTP/1.0\r\n\r\n", bytes(range(200))):
        for ci, kl in ((0, 16), (1, 32), (2, 32)):
            nonce = iv[:4] + b"\x00" * 8
            add("rec_open", bytes([ci, 0]) + b"\x00" * 8 + AESGCM(key[:kl]).encrypt(nonce, pt, hdr(len(pt))))
        add("rec_open", bytes([3, 0]) + ChaCha20Poly1305(key).encrypt(iv, pt, hdr(len(pt))))
        for ci, kl, h, etm in ((4, 16, "sha1", 0), (5, 16, "sha256", 0), (6, 32, "sha384", 0),
                               (7, 16, "sha1", 1), (8, 32, "sha256", 1)):
            ml = hashlib.new(h).digest_size
            civ = bytes(16)
            if not etm:
                mac = hmac.new(mk[:ml], hdr(len(pt)) + pt, h).digest()
                data = pt + mac
                pad = 15 - len(data) % 16
                data += bytes([pad]) * (pad + 1)
                enc = Cipher(algorithms.AES(key[:kl]), modes.CBC(civ)).encryptor()
                add("rec_open", bytes([ci, 0]) + civ + enc.update(data) + enc.finalize())
            else:
                pad = 15 - len(pt) % 16
                data = pt + bytes([pad]) * (pad + 1)
                enc = Cipher(algorithms.AES(key[:kl]), modes.CBC(civ)).encryptor()
                c = civ + enc.update(data) + enc.finalize()
                add("rec_open", bytes([ci, 0]) + c + hmac.new(mk[:ml], hdr(len(c)) + c, h).digest())
        add("rec_open", bytes([9, 0]) + pt + hmac.new(mk[:32], hdr(len(pt)) + pt, "sha256").digest())
        add("rec_open", bytes([len(pt) % 11, 1]) + pt)


def main():
    from_captures()
    keys_and_der()
    pki()
    signatures()
    sealed_records()
    targets = [os.path.basename(p)[:-2] for p in glob.glob(os.path.join(ROOT, "fuzz/targets/*.c"))]
    for t in sorted(targets):
        d = os.path.join(OUT, t)
        shutil.rmtree(d, ignore_errors=True)
        os.makedirs(d)
        for name, data in sorted(corpus.get(t, {}).items()):
            with open(os.path.join(d, name), "wb") as f:
                f.write(data)
        print("%-14s %3d seeds, %6d bytes" % (t, len(corpus.get(t, {})), sum(map(len, corpus.get(t, {}).values()))))


if __name__ == "__main__":
    main()
