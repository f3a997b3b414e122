#!/bin/sh
# Benchmark credentials in DIR (default build/bench/certs): for each key type
# a CA of the same type and a server certificate for "localhost" issued by it,
# so a verifying client does one signature check of the leaf's own kind:
#   rsa-ca.pem rsa.pem rsa.key   (RSA 2048, sha256WithRSAEncryption)
#   ec-ca.pem  ec.pem  ec.key    (P-256, ecdsa-with-SHA256)
#   ed-ca.pem  ed.pem  ed.key    (Ed25519)
set -e
dir=${1:-build/bench/certs}
mkdir -p "$dir"
cd "$dir"
[ -f ed.pem ] && exit 0
printf 'subjectAltName=DNS:localhost\nbasicConstraints=CA:FALSE\nkeyUsage=digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth\n' > server.ext
for kind in rsa ec ed; do
  case $kind in
    rsa) spec="-newkey rsa:2048" ;;
    ec)  spec="-newkey ec -pkeyopt ec_paramgen_curve:P-256" ;;
    ed)  spec="-newkey ed25519" ;;
  esac
  openssl req -x509 $spec -nodes -keyout $kind-ca.key -out $kind-ca.pem -days 3650 \
    -subj "/CN=tlshs bench $kind CA" -addext basicConstraints=critical,CA:TRUE \
    -addext keyUsage=critical,keyCertSign,cRLSign 2>/dev/null
  openssl req $spec -nodes -keyout $kind.key -out $kind.csr -subj /CN=localhost 2>/dev/null
  openssl x509 -req -in $kind.csr -CA $kind-ca.pem -CAkey $kind-ca.key -CAcreateserial \
    -days 3650 -out $kind.pem -extfile server.ext 2>/dev/null
done
rm -f ./*.csr ./*.srl server.ext
