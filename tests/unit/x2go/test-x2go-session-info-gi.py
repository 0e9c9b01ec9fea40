#!/usr/bin/python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""TetherX2goSessionInfo from Python through GObject Introspection."""
import sys

import gi
gi.require_version('Tether', '1.0')
from gi.repository import GLib, Tether  # noqa: E402

failures = []


def check(cond, what):
    print(('ok - ' if cond else 'not ok - ') + what)
    if not cond:
        failures.append(what)


# Real lines from x2goserver 4.1.0.3 (docs/real-peers.md).
REAL = ('17436|x2gotest-50-1795262193_stRxeyes_dp24|50|vm|R|2026-11-21T11:56:33|'
        '9806aa7e77611d47ec7b764e81f880ab|127.0.0.1|37216|37217|2026-11-21T11:56:34|x2gotest|8|37218|-1|-1')
STARTUP = ('|x2gotest-50-1795262330_stRxeyes_dp24|50|vm|R|2026-11-21T11:58:50|||||'
           '2026-11-21T11:58:50|x2gotest|0|||')

info = Tether.X2goSessionInfo.new_from_line(REAL)
check(isinstance(info, Tether.X2goSessionInfo), 'new_from_line returns an X2goSessionInfo')
check(info.get_name() == 'x2gotest-50-1795262193_stRxeyes_dp24', 'name')
check(info.get_agent_pid() == 17436, 'agent pid')
check(info.get_display() == 50, 'display')
check(info.get_hostname() == 'vm', 'hostname')
check(info.get_state() == Tether.X2goSessionState.RUNNING, 'state is RUNNING')
check(info.is_running() and not info.is_suspended() and not info.is_starting(), 'is_running')
check(info.get_creation_time() == '2026-11-21T11:56:33', 'creation time')
check(info.get_last_change_time() == '2026-11-21T11:56:34', 'last change time')
check(info.get_cookie() == '9806aa7e77611d47ec7b764e81f880ab', 'cookie')
check(info.get_client_address() == '127.0.0.1', 'client address')
check(info.get_graphics_port() == 37216, 'graphics port')
check(info.get_sound_port() == 37217, 'sound port')
check(info.get_sshfs_port() == 37218, 'sshfs port')
check(info.get_telekinesis_control_port() == 0, 'telekinesis control port -1 -> 0')
check(info.get_username() == 'x2gotest', 'username')
check(info.get_age() == 8, 'age')
check(info.get_session_type() == Tether.X2goSessionType.ROOTLESS, 'session type ROOTLESS')
check(info.get_command() == 'xeyes', 'command from the name')
check(info.get_color_depth() == 24, 'colour depth')
check(info.to_string() == REAL, 'to_string gives the raw line back')
check(Tether.X2goSessionState.SUSPENDED.value_nick == 'suspended', 'state enum nick')

start = Tether.X2goSessionInfo.new_from_line(STARTUP + '\n')
check(start.is_starting(), 'start-up row is_starting')
check(start.get_cookie() is None and start.get_client_address() is None, 'start-up row: None cookie/address')
check(start.get_graphics_port() == 0 and start.get_agent_pid() == 0, 'start-up row: no port, no pid')

try:
    Tether.X2goSessionInfo.new_from_line(REAL.replace('|37216|', '|70000|'))
    check(False, 'port 70000 is refused')
except GLib.Error as e:
    check(e.matches(Tether.x2go_error_quark(), Tether.X2goError.MALFORMED_OUTPUT)
          and 'graphics port' in e.message, 'port 70000 is refused with MALFORMED_OUTPUT: ' + e.message)

try:
    Tether.X2goSessionInfo.new_from_line(REAL.replace('x2gotest-50', '../../etc/passwd'))
    check(False, 'path traversal in the name is refused')
except GLib.Error as e:
    check(e.matches(Tether.x2go_error_quark(), Tether.X2goError.MALFORMED_OUTPUT),
          'path traversal in the name is refused: ' + e.message)

sys.exit(1 if failures else 0)
