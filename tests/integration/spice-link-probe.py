#!/usr/bin/python3
"""spice-link-probe.py - link a SPICE main channel against a real server and check the answers.

Standard library only (run with /usr/bin/python3).  Steps, each checked:
  1. connect over TCP, a unix socket or TLS (certificate verified against --ca);
  2. send SpiceLinkHeader + SpiceLinkMess for the main channel (type 1, id 0, connection id 0);
  3. read the reply header (magic REDQ, major 2) and SpiceLinkReply (error, 162-byte RSA key, caps);
  4. unless --link-only: send the RSA-OAEP ticket (--password, empty by default), read the link result;
  5. if the link succeeded: read MAIN_INIT (and NAME/UUID), send ATTACH_CHANNELS, read CHANNELS_LIST.
Exit status 0 when every expectation holds, 1 otherwise (the reason is printed on stderr).
"""

import argparse
import hashlib
import os
import socket
import ssl
import struct
import sys
import time

MAGIC = b"REDQ"
LINK_MESS_SIZE = 18
PUBKEY_BYTES = 162
# Common caps: PROTOCOL_AUTH_SELECTION(0), AUTH_SPICE(1), MINI_HEADER(3).
COMMON_CAPS = (1 << 0) | (1 << 1) | (1 << 3)
# Main caps: SEMI_SEAMLESS_MIGRATE, NAME_AND_UUID, AGENT_CONNECTED_TOKENS, SEAMLESS_MIGRATE.
MAIN_CAPS = 0xF
RSA_OID_PREFIX = bytes.fromhex("30819f300d06092a864886f70d010101")

MSG_PING, MSGC_PONG = 4, 3
MSG_MAIN_INIT, MSG_MAIN_CHANNELS_LIST, MSG_MAIN_NAME, MSG_MAIN_UUID = 103, 104, 113, 114
MSGC_MAIN_ATTACH_CHANNELS = 104
CHANNEL_NAMES = {1: "main", 2: "display", 3: "inputs", 4: "cursor", 5: "playback", 6: "record",
                 7: "tunnel", 8: "smartcard", 9: "usbredir", 10: "port", 11: "webdav"}
LINK_ERRORS = ["OK", "ERROR", "INVALID_MAGIC", "INVALID_DATA", "VERSION_MISMATCH", "NEED_SECURED",
               "NEED_UNSECURED", "PERMISSION_DENIED", "BAD_CONNECTION_ID", "CHANNEL_NOT_AVAILABLE"]
SSL_SHORT_NAMES = {"countryName": "C", "stateOrProvinceName": "ST", "localityName": "L",
                   "organizationName": "O", "organizationalUnitName": "OU", "commonName": "CN"}


class ProbeError(Exception):
    pass


def err_name(code):
    return LINK_ERRORS[code] if 0 <= code < len(LINK_ERRORS) else str(code)


def recv_exact(sock, n):
    buf = bytearray()
    while len(buf) < n:
        chunk = sock.recv(n - len(buf))
        if not chunk:
            raise ProbeError(f"connection closed after {len(buf)} of {n} bytes")
        buf += chunk
    return bytes(buf)


# --- minimal DER reading (enough for RSA SubjectPublicKeyInfo and X.509 certificates) ---

def der_item(data, pos):
    """Return (tag, content_start, content_end) of the DER item at pos."""
    if pos + 2 > len(data):
        raise ProbeError("truncated DER")
    tag, length = data[pos], data[pos + 1]
    pos += 2
    if length & 0x80:
        nbytes = length & 0x7F
        if nbytes == 0 or nbytes > 4 or pos + nbytes > len(data):
            raise ProbeError("bad DER length")
        length = int.from_bytes(data[pos:pos + nbytes], "big")
        pos += nbytes
    if pos + length > len(data):
        raise ProbeError("DER item overruns its container")
    return tag, pos, pos + length


def der_children(data, start, end):
    out = []
    while start < end:
        tag, cstart, cend = der_item(data, start)
        out.append((tag, start, cstart, cend))
        start = cend
    return out


def rsa_from_spki(spki):
    """(n, e) from a DER RSA SubjectPublicKeyInfo."""
    _, s, e = der_item(spki, 0)
    alg, bits = der_children(spki, s, e)[:2]
    if bits[0] != 0x03 or spki[bits[2]] != 0:
        raise ProbeError("public key is not a BIT STRING")
    _, ks, ke = der_item(spki, bits[2] + 1)
    ints = der_children(spki, ks, ke)
    if len(ints) != 2 or ints[0][0] != 0x02 or ints[1][0] != 0x02:
        raise ProbeError("RSA key is not SEQUENCE { n, e }")
    return (int.from_bytes(spki[ints[0][2]:ints[0][3]], "big"),
            int.from_bytes(spki[ints[1][2]:ints[1][3]], "big"))


def spki_from_cert(cert):
    """DER SubjectPublicKeyInfo of a DER X.509 certificate."""
    _, s, e = der_item(cert, 0)
    _, ts, te = der_item(cert, s)                    # tbsCertificate
    fields = der_children(cert, ts, te)
    if fields and fields[0][0] == 0xA0:              # [0] version
        fields = fields[1:]
    # serial, signature, issuer, validity, subject, subjectPublicKeyInfo
    _, start, _, end = fields[5]
    return cert[start:end]


# --- RSAES-OAEP (SHA-1, MGF1-SHA-1, empty label) for the SPICE ticket ---

def mgf1(seed, length):
    out = b""
    counter = 0
    while len(out) < length:
        out += hashlib.sha1(seed + counter.to_bytes(4, "big")).digest()
        counter += 1
    return out[:length]


def oaep_encrypt(n, e, message):
    k = (n.bit_length() + 7) // 8
    hlen = 20
    if len(message) > k - 2 * hlen - 2:
        raise ProbeError("ticket too long for the key")
    db = hashlib.sha1(b"").digest() + bytes(k - len(message) - 2 * hlen - 2) + b"\x01" + message
    seed = os.urandom(hlen)
    masked_db = bytes(a ^ b for a, b in zip(db, mgf1(seed, k - hlen - 1)))
    masked_seed = bytes(a ^ b for a, b in zip(seed, mgf1(masked_db, hlen)))
    em = int.from_bytes(b"\x00" + masked_seed + masked_db, "big")
    return pow(em, e, n).to_bytes(k, "big")


# --- the probe ---

def connect(args):
    if args.unix:
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        sock.settimeout(args.timeout)
        sock.connect(args.unix)
        return sock, f"unix:{args.unix}"
    port = args.tls_port or args.port
    sock = socket.create_connection((args.host, port), timeout=args.timeout)
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    if not args.tls_port:
        return sock, f"tcp:{args.host}:{port}"
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    ctx.minimum_version = ssl.TLSVersion.TLSv1_2
    ctx.load_verify_locations(cafile=args.ca)
    ctx.check_hostname = True
    tls = ctx.wrap_socket(sock, server_hostname=args.server_name or args.host)
    return tls, f"tls:{args.host}:{port} ({tls.version()}, {tls.cipher()[0]})"


def check_tls_peer(tls, args):
    cert = tls.getpeercert()
    subject = ",".join(f"{SSL_SHORT_NAMES.get(k, k)}={v}" for rdn in cert["subject"] for k, v in rdn)
    print(f"tls peer subject: {subject}")
    if args.expect_subject is not None and subject != args.expect_subject:
        raise ProbeError(f"certificate subject {subject!r}, expected {args.expect_subject!r}")
    if args.pubkey_file:
        with open(args.pubkey_file, "rb") as f:
            want = f.read()
        if spki_from_cert(tls.getpeercert(binary_form=True)) != want:
            raise ProbeError(f"server public key differs from {args.pubkey_file}")
        print("tls peer public key matches the pinned key")


def send_link(sock, caps):
    common, channel = ([COMMON_CAPS], [MAIN_CAPS]) if caps else ([], [])
    words = common + channel
    mess = struct.pack("<IBBIII", 0, 1, 0, len(common), len(channel), LINK_MESS_SIZE)
    mess += struct.pack(f"<{len(words)}I", *words)
    sock.sendall(struct.pack("<4sIII", MAGIC, 2, 2, len(mess)) + mess)


def read_link_reply(sock):
    magic, major, minor, size = struct.unpack("<4sIII", recv_exact(sock, 16))
    if magic != MAGIC:
        raise ProbeError(f"reply magic {magic!r}, expected {MAGIC!r}")
    if major != 2:
        raise ProbeError(f"reply major version {major}, expected 2")
    if not 4 <= size <= 4096:
        raise ProbeError(f"implausible reply size {size}")
    body = recv_exact(sock, size)
    (error,) = struct.unpack_from("<I", body, 0)
    reply = {"minor": minor, "size": size, "error": error}
    if error != 0:
        return reply
    if size < 4 + PUBKEY_BYTES + 12:
        raise ProbeError(f"reply of {size} bytes is too short for a SpiceLinkReply")
    pubkey = body[4:4 + PUBKEY_BYTES]
    ncommon, nchannel, offset = struct.unpack_from("<III", body, 4 + PUBKEY_BYTES)
    if offset > size or offset + 4 * (ncommon + nchannel) > size:
        raise ProbeError(f"caps (offset {offset}, {ncommon}+{nchannel} words) outside the reply")
    words = struct.unpack_from(f"<{ncommon + nchannel}I", body, offset)
    reply.update(pubkey=pubkey, common=list(words[:ncommon]), channel=list(words[ncommon:]))
    return reply


def has_cap(words, bit):
    return bit // 32 < len(words) and bool(words[bit // 32] & (1 << (bit % 32)))


class MessageStream:
    """Reads and writes data messages with the mini or the full header."""

    def __init__(self, sock, mini):
        self.sock, self.mini, self.out_serial = sock, mini, 0

    def read(self):
        if self.mini:
            mtype, size = struct.unpack("<HI", recv_exact(self.sock, 6))
        else:
            _, mtype, size, _ = struct.unpack("<QHII", recv_exact(self.sock, 18))
        if size > 4 * 1024 * 1024:
            raise ProbeError(f"message {mtype} claims {size} bytes")
        return mtype, recv_exact(self.sock, size)

    def write(self, mtype, body=b""):
        self.out_serial += 1
        if self.mini:
            head = struct.pack("<HI", mtype, len(body))
        else:
            head = struct.pack("<QHII", self.out_serial, mtype, len(body), 0)
        self.sock.sendall(head + body)


def run_session(sock, mini, args):
    """Read INIT (+NAME, UUID), attach channels, return the session facts."""
    stream = MessageStream(sock, mini)
    facts = {"channels": None, "name": None, "uuid": None}
    deadline = time.monotonic() + args.timeout
    while facts["channels"] is None:
        if time.monotonic() > deadline:
            raise ProbeError("no CHANNELS_LIST within the timeout")
        mtype, body = stream.read()
        if mtype == MSG_PING:
            stream.write(MSGC_PONG, body[:12])
        elif mtype == MSG_MAIN_INIT:
            facts["session_id"], _, _, _, facts["agent"] = struct.unpack_from("<5I", body)
            stream.write(MSGC_MAIN_ATTACH_CHANNELS)
        elif mtype == MSG_MAIN_NAME:
            (length,) = struct.unpack_from("<I", body)
            facts["name"] = body[4:4 + length].rstrip(b"\0").decode("utf-8", "replace")
        elif mtype == MSG_MAIN_UUID:
            u = body[:16].hex()
            facts["uuid"] = f"{u[:8]}-{u[8:12]}-{u[12:16]}-{u[16:20]}-{u[20:]}"
        elif mtype == MSG_MAIN_CHANNELS_LIST:
            (count,) = struct.unpack_from("<I", body)
            facts["channels"] = [struct.unpack_from("<BB", body, 4 + 2 * i) for i in range(count)]
    return facts


def probe(args):
    try:
        sock, where = connect(args)
    except ssl.SSLCertVerificationError as exc:
        if args.expect_tls_failure:
            print(f"tls verification failed as expected: {exc.verify_message}")
            return
        raise ProbeError(f"TLS verification failed: {exc}") from exc
    if args.expect_tls_failure:
        raise ProbeError(f"TLS verification against {args.ca} succeeded but should have failed")
    with sock:
        print(f"connected {where}")
        if args.tls_port:
            check_tls_peer(sock, args)
        caps = not args.no_caps
        send_link(sock, caps)
        reply = read_link_reply(sock)
        if reply["error"] != args.expect_link_error:
            raise ProbeError(f"link reply error {err_name(reply['error'])}, "
                             f"expected {err_name(args.expect_link_error)}")
        if reply["error"] != 0:
            print(f"link reply error {err_name(reply['error'])} as expected")
            return
        pubkey = reply["pubkey"]
        if not pubkey.startswith(RSA_OID_PREFIX):
            raise ProbeError(f"pub_key is not an RSA-1024 SubjectPublicKeyInfo: {pubkey[:16].hex()}")
        n, e = rsa_from_spki(pubkey)
        print(f"link reply ok: minor {reply['minor']}, {len(pubkey)}-byte RSA-{n.bit_length()} key, "
              f"common caps {[hex(w) for w in reply['common']]}, "
              f"main caps {[hex(w) for w in reply['channel']]}")
        if args.link_only:
            return
        if caps and has_cap(reply["common"], 0):
            if not has_cap(reply["common"], 1):
                raise ProbeError("server does not offer SPICE ticket authentication")
            sock.sendall(struct.pack("<I", 1))                   # AUTH_SPICE
        sock.sendall(oaep_encrypt(n, e, args.password.encode() + b"\0"))
        (result,) = struct.unpack("<I", recv_exact(sock, 4))
        if result != args.expect_result:
            raise ProbeError(f"link result {err_name(result)}, expected {err_name(args.expect_result)}")
        print(f"link result {err_name(result)}")
        if result != 0:
            return
        mini = caps and has_cap(reply["common"], 3)
        facts = run_session(sock, mini, args)
        chans = " ".join(f"{CHANNEL_NAMES.get(t, t)}:{i}" for t, i in facts["channels"])
        print(f"session {facts['session_id']:#010x}: name {facts['name']!r} uuid {facts['uuid']} "
              f"agent {facts['agent']} channels {chans}")
        if args.expect_name is not None and facts["name"] != args.expect_name:
            raise ProbeError(f"VM name {facts['name']!r}, expected {args.expect_name!r}")
        if args.expect_uuid is not None and facts["uuid"] != args.expect_uuid.lower():
            raise ProbeError(f"VM uuid {facts['uuid']}, expected {args.expect_uuid}")
        names = {CHANNEL_NAMES.get(t, str(t)) for t, _ in facts["channels"]}
        missing = [c for c in args.expect_channel if c not in names]
        if missing:
            raise ProbeError(f"channels {missing} not offered (got {chans})")


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    where = p.add_mutually_exclusive_group(required=True)
    where.add_argument("--port", type=int, help="plain TCP port")
    where.add_argument("--tls-port", type=int, help="TLS port (needs --ca)")
    where.add_argument("--unix", metavar="PATH", help="unix socket path")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--ca", help="CA file to verify the server certificate with")
    p.add_argument("--server-name", help="host name to verify (default: --host)")
    p.add_argument("--expect-tls-failure", action="store_true",
                   help="succeed only if certificate verification fails")
    p.add_argument("--expect-subject", help="certificate subject, e.g. 'C=XX,O=Tether Test,CN=localhost'")
    p.add_argument("--pubkey-file", help="DER SubjectPublicKeyInfo the server certificate must carry")
    p.add_argument("--no-caps", action="store_true", help="link with zero capabilities")
    p.add_argument("--link-only", action="store_true", help="stop after the link reply")
    p.add_argument("--password", default="", help="ticket to send (default empty)")
    p.add_argument("--expect-link-error", type=int, default=0, help="expected SpiceLinkReply error")
    p.add_argument("--expect-result", type=int, default=0, help="expected link result after the ticket")
    p.add_argument("--expect-name", help="expected VM name (MAIN_NAME)")
    p.add_argument("--expect-uuid", help="expected VM uuid (MAIN_UUID)")
    p.add_argument("--expect-channel", action="append", default=[],
                   help="channel name that CHANNELS_LIST must contain (repeatable)")
    p.add_argument("--timeout", type=float, default=10.0)
    args = p.parse_args()
    if args.tls_port and not args.ca:
        p.error("--tls-port needs --ca")
    try:
        probe(args)
    except (ProbeError, OSError, struct.error) as exc:
        print(f"spice-link-probe: FAIL: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
