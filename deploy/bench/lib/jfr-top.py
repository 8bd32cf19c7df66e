#!/usr/bin/env python3
"""Where a JVM's CPU went, from a JFR recording's execution samples (JDK 17's `jfr` tool; no `jfr view` there).

usage: jfr-top.py FILE.jfr [TOP]   -> the sample count, then the top TOP [15] of: threads (digits folded, so that
                                      pools add up), self time by package family, self time by method, and
                                      inclusive time of the project's own methods (org.securemail.*)
"""
import collections
import re
import subprocess
import sys

FAMILIES = ['org.securemail', 'org.apache.kafka', 'io.netty', 'io.vertx', 'io.smallrye', 'io.quarkus',
            'com.fasterxml.jackson', 'org.postgresql', 'io.micrometer', 'org.jboss', 'sun.nio', 'sun.security',
            'java.util.zip', 'java.util.concurrent', 'java.util', 'java.lang', 'java.nio', 'java.io', 'jdk.internal',
            'javax.crypto', 'com.sun.crypto', 'org.xbill']
FRAME = re.compile(r'^\s+([\w$.<>]+)\(')
THREAD = re.compile(r'sampledThread = "([^"]*)"')


def family(method):
    for f in FAMILIES:
        if method.startswith(f + '.'):
            return f
    return method.rsplit('.', 2)[0] if method.count('.') >= 2 else method


def samples(path):
    out = subprocess.run(['jfr', 'print', '--events', 'jdk.ExecutionSample', '--stack-depth', '64', path],
                         check=True, capture_output=True, text=True).stdout
    thread, frames, in_stack = None, [], False
    for line in out.splitlines():
        m = THREAD.search(line)
        if m:
            thread = m.group(1)
        elif 'stackTrace = [' in line:
            in_stack, frames = True, []
        elif in_stack and line.strip() == ']':
            in_stack = False
            yield thread, frames
        elif in_stack:
            m = FRAME.match(line)
            if m:
                frames.append(m.group(1))


def top(counter, total, n, title):
    print(f'  {title}')
    for key, c in counter.most_common(n):
        print(f'    {100.0 * c / total:5.1f}%  {key}')


def main(path, n=15):
    threads, fams, selfs, own = (collections.Counter() for _ in range(4))
    total = 0
    for thread, frames in samples(path):
        if not frames:
            continue
        total += 1
        threads[re.sub(r'\d+', 'N', thread or '?')] += 1
        fams[family(frames[0])] += 1
        selfs[frames[0]] += 1
        for m in set(f for f in frames if f.startswith('org.securemail.')):
            own[m] += 1
    print(f'{path}: {total} execution samples')
    if total:
        top(threads, total, n, 'threads')
        top(fams, total, n, 'self time by package')
        top(selfs, total, n, 'self time by method')
        top(own, total, n, 'inclusive time, org.securemail methods')


if __name__ == '__main__':
    main(sys.argv[1], int(sys.argv[2]) if len(sys.argv) > 2 else 15)
