#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""Counts test cases in meson's testlog.json files and prints one closing line:
'N passed, N failed' (', N skipped' when any were). A GLib/TAP test counts each
of its subtests; any other test counts once. Exits 1 if anything failed."""
import json
import re
import sys

TAP_LINE = re.compile(r'^(not ok|ok)\b(.*)$')


def count(path, totals):
    with open(path, encoding='utf-8', errors='replace') as f:
        for line in f:
            t = json.loads(line)
            result = t.get('result')
            subtests = []
            if t.get('protocol') == 'tap' or '--tap' in t.get('command', []):
                for out in (t.get('stdout') or '').splitlines():
                    m = TAP_LINE.match(out.strip())
                    if m:
                        skip = '# SKIP' in m.group(2).upper()
                        subtests.append('skip' if skip else ('pass' if m.group(1) == 'ok' else 'fail'))
            if subtests:
                for s in subtests:
                    totals[s] += 1
                # a crash after the last subtest still fails the test
                if result not in ('OK', 'SKIP', 'EXPECTEDFAIL') and 'fail' not in subtests:
                    totals['fail'] += 1
            elif result in ('OK', 'EXPECTEDFAIL'):
                totals['pass'] += 1
            elif result == 'SKIP':
                totals['skip'] += 1
            else:
                totals['fail'] += 1


def main():
    prefix = ''
    args = sys.argv[1:]
    if args and args[0].startswith('--prefix='):
        prefix = args.pop(0).split('=', 1)[1] + ' '
    totals = {'pass': 0, 'fail': 0, 'skip': 0}
    for path in args:
        count(path, totals)
    line = '%s%d passed, %d failed' % (prefix, totals['pass'], totals['fail'])
    if totals['skip']:
        line += ', %d skipped' % totals['skip']
    print(line)
    return 1 if totals['fail'] else 0


if __name__ == '__main__':
    sys.exit(main())
