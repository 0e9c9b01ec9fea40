#!/usr/bin/python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""The library from Python through GObject Introspection, against the build tree."""
import sys

import gi
gi.require_version('Tether', '1.0')
from gi.repository import GLib, Tether  # noqa: E402

failures = []


def check(cond, what):
    print(('ok - ' if cond else 'not ok - ') + what)
    if not cond:
        failures.append(what)


version = Tether.get_version_string()
check(version == '%d.%d.%d' % (Tether.get_major_version(), Tether.get_minor_version(),
                               Tether.get_micro_version()), 'version string matches its parts')
check(Tether.check_version(0, 0, 0), 'check_version(0,0,0)')
check(not Tether.check_version(Tether.get_major_version() + 1, 0, 0), 'check_version rejects newer')
check(int(Tether.SpiceError.AUTH) == 4, 'SpiceError.AUTH is an enum value')
check(Tether.X2goError.BAD_CONFIG_FILE.value_nick == 'bad-config-file', 'X2goError nick')
check(GLib.quark_to_string(Tether.ssh_error_quark()) == 'tether-ssh-error-quark', 'ssh quark')
check(Tether.LOG_DOMAIN_SPICE == 'Tether-Spice', 'log domain constant')
Tether.set_debug(True)
check(Tether.get_debug(), 'set_debug(True)')
Tether.set_debug(False)
check(not Tether.get_debug(), 'set_debug(False)')

sys.exit(1 if failures else 0)
