#!/usr/bin/env python3
"""CPU seconds used so far by process trees, from /proc (Linux).

usage: proc-cpu.py NAME=PID [NAME=PID ...]  -> one line per name: "NAME SECONDS"

A tree's figure is the sum over the root and its live descendants of utime + stime + cutime + cstime: the CPU of
every process in it, including children that already exited and were reaped (Postfix's smtpd and cleanup
processes, PostgreSQL's backends). A root that is gone prints "NAME -".
"""
import os
import sys

TICKS = os.sysconf('SC_CLK_TCK')


def stat(pid):
    with open(f'/proc/{pid}/stat') as f:
        raw = f.read()
    # the command name is in parentheses and may contain spaces: split after the last ')'
    fields = raw[raw.rindex(')') + 2:].split()
    ppid = int(fields[1])
    utime, stime, cutime, cstime = (int(x) for x in fields[11:15])
    return ppid, utime + stime + cutime + cstime


def snapshot():
    procs = {}
    for entry in os.listdir('/proc'):
        if entry.isdigit():
            try:
                procs[int(entry)] = stat(entry)
            except (OSError, ValueError):
                pass  # gone meanwhile
    return procs


def tree_ticks(root, procs):
    children = {}
    for pid, (ppid, _) in procs.items():
        children.setdefault(ppid, []).append(pid)
    total, todo = 0, [root]
    while todo:
        pid = todo.pop()
        total += procs[pid][1]
        todo.extend(children.get(pid, []))
    return total


def main(args):
    procs = snapshot()
    for arg in args:
        name, _, pid = arg.partition('=')
        pid = int(pid) if pid.isdigit() else -1
        print(name, '%.2f' % (tree_ticks(pid, procs) / TICKS) if pid in procs else '-')


if __name__ == '__main__':
    main(sys.argv[1:])
