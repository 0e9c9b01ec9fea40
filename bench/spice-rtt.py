#!/usr/bin/python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""Round trips from TCP connect to the SPICE channel list, from a capture.

    spice-rtt.py CAPTURE.pcap SERVER_PORT

CAPTURE holds one plain (non-TLS) SPICE session's main channel, taken with
`tcpdump -i lo -w CAPTURE 'tcp port SERVER_PORT'`. The server's byte stream
is reassembled and parsed (link reply, link result, then mini-header
messages) to find the packet that completes MAIN_CHANNELS_LIST (type 104),
and the client's (link message, mechanism word when the server offers
AUTH_SELECTION, ticket, then mini-header messages) to find the one that
carries MAIN_ATTACH_CHANNELS (client type 104), which the server answers
with the list. Packets that carry data, and the SYN, form "flights": runs
in one direction.

round_trips: client flights up to and including the one with
ATTACH_CHANNELS, i.e. how many times the client spoke and had to wait
before the server could send the list (SYN, link, ticket, attach: 4 at
best without pipelining). It does not depend on how the server and the
scheduler split their answers. alternations: client flights answered by a
server flight up to the list, which does (for reference). Prints those,
list_ms (from the SYN to the list on the wire), and a flight-by-flight
trace on stderr.
"""
import struct
import sys


def packets(path):
    with open(path, 'rb') as f:
        data = f.read()
    magic = struct.unpack('<I', data[:4])[0]
    endian = '<' if magic in (0xa1b2c3d4, 0xa1b23c4d) else '>'
    nano = magic in (0xa1b23c4d, 0x4d3cb2a1)
    linktype = struct.unpack(endian + 'I', data[20:24])[0]
    if linktype != 1:
        sys.exit('spice-rtt: only Ethernet captures (link type 1), got %d' % linktype)
    pos = 24
    while pos + 16 <= len(data):
        sec, frac, incl, _orig = struct.unpack(endian + 'IIII', data[pos:pos + 16])
        frame = data[pos + 16:pos + 16 + incl]
        pos += 16 + incl
        t = sec + frac / (1e9 if nano else 1e6)
        if len(frame) < 14 + 20 or struct.unpack('>H', frame[12:14])[0] != 0x0800:
            continue
        ip = frame[14:]
        ihl = (ip[0] & 15) * 4
        if ip[9] != 6:
            continue
        total = struct.unpack('>H', ip[2:4])[0]
        tcp = ip[ihl:total]
        sport, dport, seq = struct.unpack('>HHI', tcp[:8])
        off = (tcp[12] >> 4) * 4
        flags = tcp[13]
        yield t, sport, dport, seq, flags, tcp[off:]


def reassemble(conn, port, from_server):
    """One direction's byte stream, and the index in conn of the packet that brought each byte."""
    mine = [p for p in conn if (p[1] == port) == from_server]
    base = next(p[3] for p in mine if p[4] & 0x02) + 1
    stream = bytearray()
    owner = []
    for p in mine:
        if not p[5]:
            continue
        start = (p[3] - base) & 0xffffffff
        if start + len(p[5]) <= len(stream):
            continue  # a retransmission
        new = p[5][len(stream) - start:] if start < len(stream) else p[5]
        stream += new
        owner += [conn.index(p)] * len(new)
    return stream, owner


def find_message(stream, pos, wanted):
    """The offset of the last byte of the first mini-header message of type @wanted from @pos."""
    while pos + 6 <= len(stream):
        mtype, msize = struct.unpack('<HI', stream[pos:pos + 6])
        if mtype == wanted and pos + 6 + msize <= len(stream):
            return pos + 6 + msize - 1
        pos += 6 + msize
    return None


def main():
    path, port = sys.argv[1], int(sys.argv[2])
    pkts = list(packets(path))
    # The first connection to the port only (the main channel).
    syn = next(p for p in pkts if p[2] == port and p[4] & 0x02)
    client_port = syn[1]
    conn = [p for p in pkts if port in (p[1], p[2]) and client_port in (p[1], p[2])]
    stream, owner = reassemble(conn, port, True)
    # Link reply: 16-byte header with its size; then the 4-byte link result.
    size = struct.unpack('<I', stream[12:16])[0]
    body = stream[16:16 + size]
    n_common, _n_channel, caps_offset = struct.unpack('<III', body[166:178])
    common = struct.unpack('<I', body[caps_offset:caps_offset + 4])[0] if n_common else 0
    end_of_list = find_message(stream, 16 + size + 4, 104)
    if end_of_list is None:
        sys.exit('spice-rtt: no MAIN_CHANNELS_LIST in the capture')
    last = owner[end_of_list]
    # The client's: link message, [mechanism word], 128-byte ticket, messages.
    cstream, cowner = reassemble(conn, port, False)
    csize = struct.unpack('<I', cstream[12:16])[0]
    pos = 16 + csize + (4 if common & 1 else 0) + 128
    end_of_attach = find_message(cstream, pos, 104)
    if end_of_attach is None:
        sys.exit('spice-rtt: no MAIN_ATTACH_CHANNELS from the client in the capture')
    attach = cowner[end_of_attach]
    # Flights up to the packet with the list.
    flights = []
    for i, p in enumerate(conn[:last + 1]):
        if not (p[5] or p[4] & 0x02):
            continue
        direction = 'C' if p[2] == port else 'S'
        if flights and flights[-1][0] == direction:
            flights[-1][2] += len(p[5])
        else:
            flights.append([direction, p[0], len(p[5])])
    alternations = sum(1 for a, b in zip(flights, flights[1:]) if a[0] == 'C' and b[0] == 'S')
    rtts = 0
    previous = None
    for i, p in enumerate(conn[:attach + 1]):
        if not (p[5] or p[4] & 0x02):
            continue
        direction = 'C' if p[2] == port else 'S'
        if direction == 'C' and previous != 'C':
            rtts += 1
        previous = direction
    for d, t, n in flights:
        print('%s %8.3f ms %7d bytes' % ('client ->' if d == 'C' else '<- server', (t - syn[0]) * 1000, n),
              file=sys.stderr)
    print('round_trips=%d' % rtts)
    print('alternations=%d' % alternations)
    print('client_flights=%d' % sum(1 for f in flights if f[0] == 'C'))
    print('server_flights=%d' % sum(1 for f in flights if f[0] == 'S'))
    print('list_ms=%.3f' % ((conn[last][0] - syn[0]) * 1000))


if __name__ == '__main__':
    main()
