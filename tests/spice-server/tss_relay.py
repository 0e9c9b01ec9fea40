# SPDX-License-Identifier: LGPL-2.1-or-later
"""tss_relay.py - a TCP relay that records which image encodings a SPICE server sends.

Clients connect to the relay instead of the server; every connection is forwarded
unchanged. On display channels the relay follows the server's messages (link reply,
link result, then mini or full data headers) and counts, per image type, the images
that DRAW_COPY messages carry, plus stream frames. Plain TCP only (no TLS).
Standard library only.

    relay = Relay(("127.0.0.1", port)); relay.start()
    ... connect a client to 127.0.0.1:relay.port ...
    relay.image_types()   -> Counter({"LZ4": 3, ...})
    relay.stop()
"""

import collections
import socket
import struct
import threading

IMAGE_TYPES = {0: "BITMAP", 1: "QUIC", 100: "LZ_PLT", 101: "LZ_RGB", 102: "GLZ_RGB",
               103: "FROM_CACHE", 104: "SURFACE", 105: "JPEG", 106: "FROM_CACHE_LOSSLESS",
               107: "ZLIB_GLZ_RGB", 108: "JPEG_ALPHA", 109: "LZ4"}
CHANNEL_DISPLAY = 2
COMMON_CAP_MINI_HEADER = 3
MSG_LIST = 8
MSG_DISPLAY_STREAM_CREATE = 122
MSG_DISPLAY_STREAM_DATA = 123
MSG_DISPLAY_DRAW_COPY = 304
MSG_DISPLAY_STREAM_DATA_SIZED = 316
MAX_MESSAGE = 64 << 20


class RelayError(Exception):
    pass


def recv_exact(sock, n):
    buf = bytearray()
    while len(buf) < n:
        chunk = sock.recv(n - len(buf))
        if not chunk:
            raise RelayError(f"closed after {len(buf)} of {n} bytes")
        buf += chunk
    return bytes(buf)


def common_caps(body, count_offset):
    """Common capability word 0 of a SpiceLinkMess/SpiceLinkReply body."""
    num_common, _num_channel, caps_offset = struct.unpack_from("<III", body, count_offset)
    if num_common == 0 or caps_offset + 4 > len(body):
        return 0
    return struct.unpack_from("<I", body, caps_offset)[0]


class Relay:
    def __init__(self, target, host="127.0.0.1"):
        self.target = target
        self.listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.listener.bind((host, 0))
        self.listener.listen(16)
        self.port = self.listener.getsockname()[1]
        self.lock = threading.Lock()
        self.types = collections.Counter()
        self.messages = collections.Counter()
        self.stream_frames = 0
        self.errors = []
        self.sockets = []
        self.stopping = False

    def start(self):
        threading.Thread(target=self._accept, daemon=True).start()
        return self

    def stop(self):
        self.stopping = True
        self.listener.close()
        with self.lock:
            socks = list(self.sockets)
        for s in socks:
            try:
                s.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass

    def image_types(self):
        with self.lock:
            return collections.Counter(self.types)

    def _accept(self):
        while not self.stopping:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            try:
                server = socket.create_connection(self.target)
            except OSError as e:
                self.errors.append(f"connect to {self.target}: {e}")
                client.close()
                continue
            with self.lock:
                self.sockets += [client, server]
            conn = {"channel": None, "client_caps": 0, "ready": threading.Event()}
            threading.Thread(target=self._client_to_server, args=(client, server, conn),
                             daemon=True).start()
            threading.Thread(target=self._server_to_client, args=(server, client, conn),
                             daemon=True).start()

    def _client_to_server(self, client, server, conn):
        try:
            header = recv_exact(client, 16)
            size = struct.unpack_from("<I", header, 12)[0]
            if header[:4] != b"REDQ" or size > 4096:
                raise RelayError("bad link header from client")
            body = recv_exact(client, size)
            conn["channel"] = body[4]
            conn["client_caps"] = common_caps(body, 6)
            conn["ready"].set()
            server.sendall(header + body)
            self._pipe(client, server)
        except (OSError, RelayError):
            conn["ready"].set()
        finally:
            self._close(client, server)

    def _server_to_client(self, server, client, conn):
        try:
            header = recv_exact(server, 16)
            size = struct.unpack_from("<I", header, 12)[0]
            if size > 4096:
                raise RelayError("bad link reply size")
            body = recv_exact(server, size)
            client.sendall(header + body)
            conn["ready"].wait(10)
            if conn["channel"] != CHANNEL_DISPLAY:
                self._pipe(server, client)
                return
            server_caps = common_caps(body, 4 + 162)
            mini = bool(server_caps & conn["client_caps"] & (1 << COMMON_CAP_MINI_HEADER))
            result = recv_exact(server, 4)
            client.sendall(result)
            if struct.unpack("<I", result)[0] != 0:
                return
            self._follow_display(server, client, mini)
        except (OSError, RelayError):
            pass
        finally:
            self._close(server, client)

    def _follow_display(self, server, client, mini):
        hsize = 6 if mini else 18
        while True:
            header = recv_exact(server, hsize)
            if mini:
                mtype, size = struct.unpack("<HI", header)
            else:
                _serial, mtype, size, _sub = struct.unpack("<QHII", header)
            if size > MAX_MESSAGE:
                raise RelayError(f"message of {size} bytes")
            body = recv_exact(server, size)
            client.sendall(header + body)
            try:
                self._note(mtype, body)
            except (struct.error, IndexError) as e:
                self.errors.append(f"message {mtype}: {e}")

    def _note(self, mtype, body):
        with self.lock:
            self.messages[mtype] += 1
        if mtype == MSG_LIST:
            (count,) = struct.unpack_from("<H", body, 0)
            for i in range(count):
                (off,) = struct.unpack_from("<I", body, 2 + 4 * i)
                stype, ssize = struct.unpack_from("<HI", body, off)
                self._note(stype, body[off + 6:off + 6 + ssize])
        elif mtype == MSG_DISPLAY_DRAW_COPY:
            pos = 4 + 16                       # surface_id, box
            if body[pos] == 1:                 # clip RECTS
                (n,) = struct.unpack_from("<I", body, pos + 1)
                pos += 5 + 16 * n
            else:
                pos += 1
            (image,) = struct.unpack_from("<I", body, pos)
            if image:
                kind = body[image + 8]
                with self.lock:
                    self.types[IMAGE_TYPES.get(kind, str(kind))] += 1
        elif mtype in (MSG_DISPLAY_STREAM_DATA, MSG_DISPLAY_STREAM_DATA_SIZED):
            with self.lock:
                self.stream_frames += 1

    def _pipe(self, src, dst):
        while True:
            data = src.recv(65536)
            if not data:
                return
            dst.sendall(data)

    def _close(self, a, b):
        for s in (a, b):
            try:
                s.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
        for s in (a, b):
            try:
                s.close()
            except OSError:
                pass
            with self.lock:
                if s in self.sockets:
                    self.sockets.remove(s)
