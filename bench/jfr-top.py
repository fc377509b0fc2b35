#!/usr/bin/env python3
"""Summarises CPU samples of a JFR recording: `bench/jfr-top.py FILE.jfr [N]`.
Runs `jfr print --events jdk.ExecutionSample` and prints the N most frequent top frames (self time)
and the N most frequent frames anywhere in a stack (inclusive time), each as a share of all samples."""
import collections, os, re, subprocess, sys

path = sys.argv[1]
n = int(sys.argv[2]) if len(sys.argv) > 2 else 20
jfr = os.path.join(os.environ.get("JAVA_HOME", "/usr"), "bin", "jfr")
out = subprocess.run([jfr, "print", "--stack-depth", "64", "--events", "jdk.ExecutionSample", path],
                     capture_output=True, text=True, check=True).stdout
top, incl, total = collections.Counter(), collections.Counter(), 0
for event in out.split("jdk.ExecutionSample")[1:]:
    m = re.search(r"stackTrace = \[(.*?)\n\s*\]", event, re.S)
    if not m:
        continue
    frames = [re.sub(r"\s+line:.*$", "", f.strip()) for f in m.group(1).strip().split("\n") if f.strip() and f.strip() != "..."]
    if not frames:
        continue
    total += 1
    top[frames[0]] += 1
    for f in set(frames):
        incl[f] += 1
print(f"{total} samples")
print("-- self (top frame)")
for f, c in top.most_common(n):
    print(f"{100 * c / total:5.1f}%  {f}")
print("-- inclusive (anywhere in the stack)")
for f, c in incl.most_common(n * 3):
    if not f.startswith(("java.lang.Thread.run", "java.lang.VirtualThread", "jdk.internal.vm.Continuation")):
        print(f"{100 * c / total:5.1f}%  {f}")
