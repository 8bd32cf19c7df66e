#!/usr/bin/env bash
# Generates the DKIM fixtures under real/ with two independent real signers, once; the output is committed and the
# Java tests only read it (they need neither tool). Debian 12:
#   apt-get install -y opendkim-tools python3-dkim openssl
# Run from anywhere: ingest-service/src/test/resources/dkim/make-fixtures.sh
# Every run makes new keys and signatures; the tests read whatever is there, so regenerating needs no code change.
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
out="$here/real"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
rm -rf "$out"
mkdir -p "$out"
py=/usr/bin/python3   # Debian's python3 with python3-dkim (dkimpy), not a pyenv one

# --- keys: opendkim-genkey for RSA, dkimpy's dknewkey for ed25519 ----------------------------------------------
opendkim-genkey -b 2048 -d example.org -s rsa2048 -D "$work"
opendkim-genkey -b 1024 -d example.org -s rsa1024 -D "$work"
opendkim-genkey -b 512 -d example.org -s weak512 -D "$work" || openssl genrsa -out "$work/weak512.private" 512
(cd "$work" && dknewkey --ktype ed25519 ed25519 >/dev/null)
mv "$work/ed25519.key" "$work/ed25519.private"

# The TXT value to publish at <selector>._domainkey.example.org, one line (the character-strings joined).
for sel in rsa2048 rsa1024 weak512; do
  pub="$(openssl rsa -in "$work/$sel.private" -pubout -outform DER 2>/dev/null | base64 -w0)"
  printf 'v=DKIM1; k=rsa; p=%s\n' "$pub" > "$out/$sel.txt"
done
# dknewkey writes "v=DKIM1; k=ed25519; p=<32-octet key in base64>" (RFC 8463 §4.2)
tr -d '\n' < "$work/ed25519.dns" | sed -e 's/^[^v]*//' > "$out/ed25519.txt"
echo >> "$out/ed25519.txt"
cp "$work"/*.private "$out/"

# --- the message to sign (CRLF line ends, as in SMTP DATA) ------------------------------------------------------
printf '%s\r\n' \
  'From: Alice Example <alice@example.org>' \
  'To: Bob Example <bob@example.net>' \
  'Subject: Quarterly   report,' \
  '  folded over two lines' \
  'Date: Sun, 06 Dec 2026 21:00:00 +0000' \
  'Message-ID: <fixture-1@example.org>' \
  'MIME-Version: 1.0' \
  'Content-Type: text/plain; charset=us-ascii' \
  '' \
  'Hello Bob,' \
  '' \
  'The numbers   are in.  Trailing spaces here:   ' \
  'Regards,' \
  'Alice' \
  '' \
  '' > "$work/plain.eml"

# Edge cases for canonicalisation (dkimpy refuses whitespace before a colon, so that one is in the unit tests):
# tabs, trailing whitespace, whitespace-only lines at the end of the body, a final line without CRLF; and a
# message with an empty body.
printf '%b\r\n' \
  'From: Alice Example <alice@example.org>' \
  'Subject:  spaced\t out ' \
  'X-Tabs:\tone\t\ttwo\t' \
  'To: bob@example.net,' \
  '\t carol@example.net' \
  '' \
  '\tindented line  ' \
  'a  b\t\tc ' \
  '   ' \
  '' \
  '\t' > "$work/edge.eml"
printf 'no final line end' >> "$work/edge.eml"
printf '%s\r\n' 'From: Alice Example <alice@example.org>' 'Subject: empty' '' > "$work/empty.eml"

# --- opendkim (libopendkim) signs with its defaults, which in Debian 12 are rsa-sha1, relaxed/simple: the real
#     signer case for "rsa-sha1 is refused" (RFC 8301) -----------------------------------------------------------
opendkim-testmsg -C -d example.org -s rsa2048 -k "$work/rsa2048.private" < "$work/plain.eml" \
  > "$out/opendkim-rsa-sha1.eml"

# --- dkimpy signs the rest --------------------------------------------------------------------------------------
WORK="$work" OUT="$out" "$py" - <<'PY'
import os, dkim
work, out = os.environ["WORK"], os.environ["OUT"]
msg = open(f"{work}/plain.eml", "rb").read()
key = lambda sel: open(f"{work}/{sel}.private", "rb").read()
heads = [b"from", b"to", b"subject", b"date", b"message-id", b"mime-version", b"content-type",
         b"from", b"subject"]  # From and Subject over-signed

def sign(m, sel, canon, alg=b"rsa-sha256", length=False, identity=None):
    return dkim.sign(m, sel.encode(), b"example.org", key(sel), identity=identity, canonicalize=canon,
                     signature_algorithm=alg, include_headers=heads, length=length) + m

def write(name, data):
    open(f"{out}/{name}", "wb").write(data)

write("dkimpy-rsa2048-relaxed.eml", sign(msg, "rsa2048", (b"relaxed", b"relaxed")))
write("dkimpy-rsa2048-simple.eml", sign(msg, "rsa2048", (b"simple", b"simple")))
write("dkimpy-rsa1024-relaxed-simple.eml", sign(msg, "rsa1024", (b"relaxed", b"simple"),
      identity=b"alice@news.example.org"))
write("dkimpy-rsa2048-length.eml", sign(msg, "rsa2048", (b"relaxed", b"relaxed"), length=True))
write("dkimpy-ed25519.eml", sign(msg, "ed25519", (b"relaxed", b"relaxed"), alg=b"ed25519-sha256"))
write("dkimpy-weak512.eml", sign(msg, "weak512", (b"relaxed", b"relaxed")))
both = sign(sign(msg, "rsa2048", (b"relaxed", b"relaxed")), "ed25519", (b"relaxed", b"relaxed"),
            alg=b"ed25519-sha256")
write("dkimpy-two-signatures.eml", both)
for name in ("edge", "empty"):
    m = open(f"{work}/{name}.eml", "rb").read()
    write(f"dkimpy-{name}-relaxed.eml", sign(m, "rsa2048", (b"relaxed", b"relaxed")))
    write(f"dkimpy-{name}-simple.eml", sign(m, "ed25519", (b"simple", b"simple"), alg=b"ed25519-sha256"))
PY

# --- cross-check: dkimpy verifies each fixture (except the weak key) against the TXT values written above --------
OUT="$out" "$py" - <<'PY'
import os, glob, dkim
out = os.environ["OUT"]
def dns(name, timeout=5):
    sel = name.decode().split("._domainkey.")[0]
    return open(f"{out}/{sel}.txt", "rb").read().strip()
for path in sorted(glob.glob(f"{out}/*.eml")):
    if "weak512" in path:
        continue
    data = open(path, "rb").read()
    d = dkim.DKIM(data)
    count = data.count(b"DKIM-Signature:")
    ok = all(d.verify(idx=i, dnsfunc=dns) for i in range(count))
    print(("ok  " if ok else "BAD ") + os.path.basename(path))
    if not ok:
        raise SystemExit(1)
PY
echo "fixtures written to $out"
